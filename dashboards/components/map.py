"""The one map of the app: the territory drawn from our own GeoJSON, readable with no internet at all.

The base is ours: the sub-municipality boundaries with their names written on the map, the
municipality's outline, the defined hot spots outlined. A tile background is decoration only and
is off unless `CIV_TILE_URL` names a tile server (e.g. one on the local network): a meeting room
without internet must not see an empty grey box, nor a console full of failed tile requests.
Report layers go on top, each one `dl.GeoJSON`: the points in one clustered layer (supercluster in
the browser, never thousands of `dl.Marker`s), or a grid of cells computed on the server.

Functions that style features live in assets/map.js (`civMap.*`); their texts and colour classes
come from here through the layer's `hideout`.
"""

from __future__ import annotations

import os

import dash_leaflet as dl
from dash import html

from dashboards.i18n import fmt_int, t

TILE_URL_ENV = "CIV_TILE_URL"
EMPTY_LAYER = {"type": "FeatureCollection", "features": []}
MAP_HEIGHT = "600px"

AREA_STYLE = {"color": "#17324d", "weight": 2, "opacity": 0.9, "fillColor": "#ffffff", "fillOpacity": 0.92}
MUNICIPALITY_STYLE = {"color": "#17324d", "weight": 4, "opacity": 1, "fill": False}
# Outlined only: a filled hot spot would catch the clicks meant for the grid cells under it.
HOTSPOT_STYLE = {"color": "#b45309", "weight": 3.5, "dashArray": "8 5", "fill": False}
GRID_HOVER = {"weight": 3, "color": "#17324d"}

# ColorBrewer YlOrRd (counts) and RdBu (change: blue fewer, red more), safe for colour-blind readers.
COUNT_COLOURS = ["#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]
FEWER = ["#2166ac", "#67a9cf", "#d1e5f0"]
SAME = "#f4f4f4"
MORE = ["#fddbc7", "#ef8a62", "#b2182b"]
# Hot-spot classes (dashboards/pages/hotspots.py, the meeting pack): colour-blind-safe, distinct from
# the amber dashed outline of the defined hot spots.
CLASS_COLOURS = {
    "new": "#c0392b",
    "intensifying": "#e67e22",
    "persistent": "#6c3483",
    "diminishing": "#2874a6",
    "sporadic": "#7b7d7d",
    "historical": "#138d75",
}
NICE_STEPS = [2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000]


def _fn(name: str) -> dict:
    """A function of assets/map.js, by name, as dash-leaflet resolves it in the browser."""
    return {"variable": f"civMap.{name}"}


def tile_url() -> str | None:
    """The optional decorative tile server (`CIV_TILE_URL`), None when there is none."""
    return os.environ.get(TILE_URL_ENV) or None


def asse_map(
    map_id: str,
    *,
    bounds,
    areas: dict,
    municipality: dict,
    hotspots: dict,
    overlays: list,
    lang: str,
    tiles: str | None = None,
    height: str = MAP_HEIGHT,
    address_sources: str | None = None,
) -> html.Div:
    """The map: optional tiles, boundaries, `overlays` (report layers), hot spots on top of them.

    Layers are stacked with panes so that clicks reach the report layers: boundaries below, the
    grid, hot spots outlined above it, report points and clusters on top of all, area names included
    (pane `civ-points`).
    """
    base = [dl.TileLayer(url=tiles, opacity=0.45, maxZoom=19)] if tiles else []
    children = base + [
        dl.Pane(
            [
                dl.GeoJSON(
                    id=f"{map_id}-areas",
                    data=areas,
                    style=AREA_STYLE,
                    interactive=False,
                    onEachFeature=_fn("areaLabel"),
                ),
                dl.GeoJSON(id=f"{map_id}-municipality", data=municipality, style=MUNICIPALITY_STYLE, interactive=False),
            ],
            name="civ-areas",
            style={"zIndex": 350},
        ),
        dl.Pane(overlays, name="civ-reports", style={"zIndex": 420}),
        dl.Pane(
            [
                dl.GeoJSON(
                    id=f"{map_id}-hotspots",
                    data=hotspots,
                    style=HOTSPOT_STYLE,
                    onEachFeature=_fn("hotspotTooltip"),
                    bubblingMouseEvents=True,
                ),
            ],
            name="civ-hotspots",
            style={"zIndex": 430},
        ),
        dl.Pane([], name="civ-points", style={"zIndex": 660}),  # civMap.reportPoint/reportCluster draw here
        dl.ScaleControl(position="bottomleft", imperial=False),
        # The Statbel licence asks for the source of the boundaries on every map that shows them.
        # So do the address registers for reports placed by their address (analytics.layers.address_sources).
        dl.AttributionControl(
            position="bottomright",
            prefix=" | ".join(
                ["Leaflet", t("map.attribution", lang)]
                + ([t("map.attribution_addresses", lang, sources=address_sources)] if address_sources else [])
            ),
        ),
    ]
    # The view is fitted to the territory once; no viewport tracking (no callback needs it, and dash-leaflet's
    # tracker expects a `center` that would override the bounds).
    view = (
        {"bounds": bounds, "boundsOptions": {"padding": [12, 12]}} if bounds else {"center": [50.91, 4.22], "zoom": 12}
    )
    return html.Div(
        dl.Map(
            children,
            id=map_id,
            **view,
            trackViewport=False,
            attributionControl=False,
            maxZoom=18,
            minZoom=10,
            zoomSnap=0.25,
            scrollWheelZoom=True,
            className="civ-map",
            style={"height": height},
        ),
        className="civ-map-frame",
        role="region",
        **{"aria-label": t("map.aria", lang)},
    )


def points_layer(layer_id: str, data: dict | None = None) -> dl.GeoJSON:
    """All report points in one clustered layer; a click on a cluster zooms in, on a point selects it."""
    return dl.GeoJSON(
        id=layer_id,
        data=data or EMPTY_LAYER,
        cluster=True,
        zoomToBoundsOnClick=True,
        spiderfyOnMaxZoom=True,
        pointToLayer=_fn("reportPoint"),
        clusterToLayer=_fn("reportCluster"),
        superClusterOptions={"radius": 70, "maxZoom": 17},
    )


def grid_layer(layer_id: str, data: dict | None = None, hideout: dict | None = None) -> dl.GeoJSON:
    """Grid cells coloured by `hideout` (see grid_classes)."""
    return dl.GeoJSON(
        id=layer_id,
        data=data or EMPTY_LAYER,
        style=_fn("gridStyle"),
        onEachFeature=_fn("gridTooltip"),
        hoverStyle={"arrow": GRID_HOVER},
        hideout=hideout or {"field": "current", "breaks": [], "colours": [SAME], "tip": ""},
    )


def _spread(items: list, count: int) -> list:
    """`count` items spread evenly over `items`, the last one always kept."""
    if len(items) <= count:
        return list(items)
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


def grid_classes(values, mode: str, lang: str) -> tuple[dict, list[tuple[str, str]]]:
    """Colour classes for the grid: (hideout for civMap.gridStyle, legend as (colour, label) pairs).

    `mode` 'count': up to 6 sequential classes of round numbers from 1 to the largest count.
    `mode` 'change': a diverging scale symmetric around 0 (no change is light grey), up to 3
    classes each side, so that +3 and −3 look equally strong.
    """
    values = [int(v) for v in values]
    if mode == "count":
        top = max(values, default=1)
        breaks = _spread([b for b in NICE_STEPS if b <= top], 5)
        colours = _spread(COUNT_COLOURS, len(breaks) + 1) if breaks else [COUNT_COLOURS[2]]
        bounds = [1] + breaks
        field, tip_key = "current", "map.cell_tip"
    else:
        widest = max((abs(v) for v in values), default=0)
        outer = max((b for b in NICE_STEPS if b <= widest * 0.6), default=None)
        inner = max((b for b in NICE_STEPS if outer and b <= outer / 2.5), default=None)
        steps = [s for s in (inner, outer) if s]
        breaks = [1 - s for s in reversed(steps)] + [0, 1] + steps
        colours = FEWER[len(FEWER) - len(steps) - 1 :] + [SAME] + MORE[: len(steps) + 1]
        bounds = [None] + breaks
        field, tip_key = "change", "map.cell_tip"
    legend = []
    for i, colour in enumerate(colours):
        low = bounds[i] if i < len(bounds) else None
        high = breaks[i] - 1 if i < len(breaks) else None
        legend.append((colour, _range_label(low, high, signed=mode != "count")))
    hideout = {"field": field, "breaks": breaks, "colours": colours, "tip": t(tip_key, lang)}
    return hideout, legend


def _range_label(low: int | None, high: int | None, signed: bool) -> str:
    def text(v: int) -> str:
        return ("+" if signed and v > 0 else "") + fmt_int(v).replace("-", "−")

    if low is not None and high is not None:
        return text(low) if low == high else f"{text(low)} … {text(high)}"
    if low is None:
        return f"≤ {text(high)}"
    return f"≥ {text(low)}"


def legend(title: str | None, classes: list[tuple[str, str]], lang: str) -> html.Div:
    """What the colours and lines mean, under the map in big type."""
    items = [
        html.Span([html.I(className="legend-line legend-area"), t("map.legend.areas", lang)], className="legend-item"),
        html.Span(
            [html.I(className="legend-line legend-hotspot"), t("map.legend.hotspots", lang)], className="legend-item"
        ),
    ]
    if title is None:
        items.append(html.Span([html.I(className="legend-dot"), t("map.legend.report", lang)], className="legend-item"))
        return html.Div(items, className="map-legend")
    scale = html.Span(
        [html.Span(title, className="legend-title")]
        + [
            html.Span([html.I(className="legend-swatch", style={"background": colour}), label], className="legend-item")
            for colour, label in classes
        ],
        className="legend-scale",
    )
    return html.Div([scale, html.Span(items, className="legend-base")], className="map-legend")
