/* civ-compstat: the functions dashboards/components/map.py hands to dash-leaflet by name
   ({"variable": "civMap.…"}). Texts and colour classes come from Python through the layer's
   `hideout`, so nothing visible is written here and the map speaks the page's language. */
window.civMap = (function () {
  var POINTS_PANE = "civ-points";   // made by asse_map(): above the grid, hot spots and area names

  // Leaflet writes a tooltip's text as HTML; names come from imported files (issue 13, F11), so escape
  function plain(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function number(value) {
    return Number(value).toLocaleString("nl-BE");
  }

  function fill(template, properties) {
    return String(template).replace(/\{(\w+)\}/g, function (_, key) {
      var value = properties[key];
      return typeof value === "number" ? number(value) : (value == null ? "" : String(value));
    });
  }

  function colourOf(value, classes) {
    // classes.breaks are ascending upper bounds (exclusive); one more colour than breaks
    for (var i = 0; i < classes.breaks.length; i++) {
      if (value < classes.breaks[i]) { return classes.colours[i]; }
    }
    return classes.colours[classes.colours.length - 1];
  }

  return {
    // analytics.layers.report_points_columns -> the clustered layer's GeoJSON, built here in the
    // browser: columns are a tenth of the bytes of features and much faster to encode on the server
    pointsToGeoJSON: function (columns) {
      var count = columns && columns.lon ? columns.lon.length : 0;
      var features = new Array(count);
      for (var i = 0; i < count; i++) {
        features[i] = {type: "Feature", geometry: {type: "Point", coordinates: [columns.lon[i], columns.lat[i]]},
                       properties: {t: columns.t[i], category: columns.categories[columns.category[i]],
                                    channel: columns.channels[columns.channel[i]],
                                    status: columns.statuses[columns.status[i]]}};
      }
      return {type: "FeatureCollection", features: features};
    },
    // sub-municipality names written on the map itself: readable without tiles or hovering
    areaLabel: function (feature, layer) {
      layer.bindTooltip(plain(feature.properties.name), {permanent: true, direction: "center",
                                                  className: "civ-area-label", interactive: false});
    },
    hotspotTooltip: function (feature, layer) {
      layer.bindTooltip(plain(feature.properties.name), {sticky: true, className: "civ-map-tip"});
    },
    reportPoint: function (feature, latlng) {
      return L.circleMarker(latlng, {radius: 8, color: "#ffffff", weight: 2, fillColor: "#17324d",
                                     fillOpacity: 0.95, pane: POINTS_PANE});
    },
    reportCluster: function (feature, latlng) {
      var count = feature.properties.point_count;
      var size = count < 10 ? 34 : count < 100 ? 42 : count < 1000 ? 50 : 58;
      var icon = L.divIcon({html: "<div><span>" + number(count) + "</span></div>",
                            className: "civ-cluster", iconSize: L.point(size, size)});
      return L.marker(latlng, {icon: icon, pane: POINTS_PANE});
    },
    gridStyle: function (feature, context) {
      var classes = context.hideout;
      return {fillColor: colourOf(feature.properties[classes.field], classes), fillOpacity: 0.78,
              color: "#ffffff", weight: 0.6};
    },
    gridTooltip: function (feature, layer, context) {
      layer.bindTooltip(plain(fill(context.hideout.tip, feature.properties)), {sticky: true, className: "civ-map-tip"});
    }
  };
})();
