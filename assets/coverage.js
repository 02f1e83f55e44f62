/* civ-compstat coverage maps: the functions dashboards/components/coverage_map.py hands to dash-leaflet
   by name ({"variable": "civCoverage.…"}). Colours and texts arrive ready in each feature's
   properties (decided in Python, in the page's language), so nothing visible is written here. */
window.civCoverage = (function () {
  // Leaflet writes a tooltip's text as HTML; names come from imported files (issue 13, F11), so escape
  function plain(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function tipOptions(properties) {
    return {sticky: !properties.label, permanent: !!properties.label, direction: properties.label ? "top" : "auto",
            offset: properties.label ? [0, -10] : [0, 0],
            className: properties.label ? "cov-label" + (properties.stale ? " cov-label-stale" : "") : "civ-map-tip"};
  }
  return {
    areaLabel: function (feature, layer) {
      layer.bindTooltip(plain(feature.properties.name), {permanent: true, direction: "center",
                                                  className: "civ-area-label", interactive: false});
    },
    tip: function (feature, layer) {
      var p = feature.properties || {};
      var text = p.label || p.tip;
      if (text) { layer.bindTooltip(plain(text), tipOptions(p)); }
    },
    hotspotStyle: function (feature) {
      var p = feature.properties;
      return {color: p.never ? "#3a0011" : "#0b1f33", weight: p.never ? 3.5 : 2, dashArray: p.never ? "6 4" : null,
              fillColor: p.colour, fillOpacity: 0.85};
    },
    hotspotPoint: function (feature, latlng) {
      var p = feature.properties;
      return L.circleMarker(latlng, {radius: 10, color: p.never ? "#ffffff" : "#0b1f33", weight: p.never ? 3 : 2,
                                     fillColor: p.colour, fillOpacity: 1});
    },
    outlineStyle: function () {
      return {color: "#b45309", weight: 3, dashArray: "8 5", fill: false};
    },
    cellStyle: function (feature) {
      return {fillColor: feature.properties.colour, fillOpacity: 0.55, color: "#ffffff", weight: 0.5};
    },
    trackStyle: function (feature) {
      return {color: feature.properties.colour, weight: 4, opacity: 0.85, lineJoin: "round"};
    },
    placeStyle: function (feature) {
      return {color: "#b2182b", weight: 3, dashArray: "6 4", fillColor: "#b2182b", fillOpacity: 0.08};
    },
    positionPoint: function (feature, latlng) {
      var p = feature.properties;
      if (p.stale) {
        return L.circleMarker(latlng, {radius: 10, color: "#5f6b78", weight: 3, dashArray: "4 3",
                                       fillColor: "#ffffff", fillOpacity: 0.7});
      }
      return L.circleMarker(latlng, {radius: 11, color: "#ffffff", weight: 3, fillColor: p.colour || "#1f5f8b",
                                     fillOpacity: 1});
    },
    reportPoint: function (feature, latlng) {
      return L.circleMarker(latlng, {radius: 6, color: "#7a3b00", weight: 1.5, fillColor: "#f2b233", fillOpacity: 0.95});
    },
    placePoint: function (feature, latlng) {
      return L.circleMarker(latlng, {radius: 11, color: "#b2182b", weight: 5, fillColor: "#ffffff", fillOpacity: 1});
    }
  };
})();
