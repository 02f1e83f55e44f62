"""The coverage pages' map: the territory from our own boundaries, hot spots coloured by their dosage, and the
layers of each page (presence grid, tracks, positions, reports, a chosen place).

Readable with no internet: no tile server unless `CIV_TILE_URL` names one (decoration only).
Colours and tooltip texts are decided here in Python (i18n, nl-BE numbers) and travel in the
features' properties; assets/coverage.js only draws them (`civCoverage.*`).
"""

from __future__ import annotations

import os

import dash_leaflet as dl
from dash import html

from dashboards.i18n import fmt_int, t

EMPTY = {"type": "FeatureCollection", "features": []}
NO_BASE = {"bounds": None, "areas": EMPTY, "municipality": EMPTY}  # `base_map`'s geography without a store
AREA_STYLE = {"color": "#17324d", "weight": 2, "opacity": 0.9, "fillColor": "#ffffff", "fillOpacity": 0.9}
MUNICIPALITY_STYLE = {"color": "#17324d", "weight": 4, "opacity": 1, "fill": False}
# Days since the last visit: recent is green, long ago red, never dark red (ColorBrewer RdYlGn, reversed).
DAYS_BREAKS = [3, 8, 15, 31]
DAYS_COLOURS = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"]
NEVER = "#67001f"
# Minutes present and grid presence: ColorBrewer Blues; reports per hour present: YlOrRd.
MINUTE_COLOURS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
DEMAND_COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
NICE = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 600, 900, 1200, 1800, 2400, 3600, 6000]
WARDEN_COLOURS = ["#1f5f8b", "#6a3d9a", "#1b9e77", "#e31a1c", "#33a02c", "#ff7f00", "#7570b3", "#a6761d"]


def _fn(name: str) -> dict:
    return {"variable": f"civCoverage.{name}"}


def warden_colours(holders) -> dict[str, str]:
    """A fixed colour per holder, in sorted order, the same on the map and in the timeline."""
    return {h: WARDEN_COLOURS[i % len(WARDEN_COLOURS)] for i, h in enumerate(sorted(set(holders)))}


def classes(values, colours: list[str]) -> list[float]:
    """Upper bounds (exclusive) of up to len(colours) classes over positive `values`: round numbers near
    the quantiles, so each colour holds a similar share of the features."""
    positive = sorted(float(v) for v in values if v and v == v and v > 0)
    if not positive:
        return []
    count = len(colours) - 1
    picks = [positive[min(int(len(positive) * (i + 1) / (count + 1)), len(positive) - 1)] for i in range(count)]
    bounds = []
    for value in picks:
        bound = min((n for n in NICE if n >= value), default=NICE[-1])
        if bound > (bounds[-1] if bounds else 0) and bound <= positive[-1]:
            bounds.append(bound)
    return bounds


def colour_of(value, breaks: list[float], colours: list[str]) -> str:
    for bound, colour in zip(breaks, colours):
        if value < bound:
            return colour
    return colours[min(len(breaks), len(colours) - 1)]


def ranges(
    breaks: list[float], colours: list[str], unit: str, integers: bool = True, lowest: float = 0
) -> list[tuple[str, str]]:
    """Legend entries (colour, label) for the classes of colour_of: '1–4 min', '5–14 min', '≥ 15 min'."""
    bounds = [lowest] + list(breaks)
    entries = []
    for i, colour in enumerate(colours[: len(breaks) + 1]):
        low, high = bounds[i], (breaks[i] if i < len(breaks) else None)
        if high is None:
            label = f"≥ {_figure(low)}"
        elif integers:
            label = _figure(low) if high - 1 <= low else f"{_figure(low)}–{_figure(high - 1)}"
        else:
            label = f"< {_figure(high)}" if i == 0 else f"{_figure(low)}–{_figure(high)}"
        entries.append((colour, f"{label} {unit}".strip()))
    return entries


def _figure(value: float) -> str:
    return fmt_int(value) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def tile_url() -> str | None:
    return os.environ.get("CIV_TILE_URL") or None


def base_map(
    map_id: str, *, bounds, areas: dict, municipality: dict, layers: list, lang: str, height: str = "560px"
) -> html.Div:
    """Boundaries below, then the page's `layers` (each in the pane it names), a scale bar."""
    tiles = tile_url()
    children = ([dl.TileLayer(url=tiles, opacity=0.45, maxZoom=19)] if tiles else []) + [
        dl.Pane(
            [
                dl.GeoJSON(
                    id=f"{map_id}-areas",
                    data=areas,
                    style=AREA_STYLE,
                    interactive=False,
                    onEachFeature=_fn("areaLabel"),
                    attribution=t("cov.map.attribution", lang),
                ),
                dl.GeoJSON(id=f"{map_id}-municipality", data=municipality, style=MUNICIPALITY_STYLE, interactive=False),
            ],
            name="cov-areas",
            style={"zIndex": 350},
        ),
        *layers,
        dl.ScaleControl(position="bottomleft", imperial=False),
    ]
    view = (
        {"bounds": bounds, "boundsOptions": {"padding": [12, 12]}} if bounds else {"center": [50.91, 4.22], "zoom": 12}
    )
    return html.Div(
        dl.Map(
            children,
            id=map_id,
            **view,
            trackViewport=False,
            maxZoom=19,
            minZoom=10,
            zoomSnap=0.25,
            scrollWheelZoom=True,
            className="civ-map",
            style={"height": height},
        ),
        className="civ-map-frame",
        role="region",
        **{"aria-label": t("cov.map.aria", lang)},
    )


def pane(name: str, z_index: int, children: list) -> dl.Pane:
    return dl.Pane(children, name=name, style={"zIndex": z_index})


def hotspot_layer(layer_id: str, data: dict | None = None) -> dl.GeoJSON:
    """Hot spots filled with properties.colour, tooltip properties.tip. Each also has a Point feature
    drawn as a fixed-size dot, so a 60 m hot spot stays visible on a map of the whole municipality."""
    return dl.GeoJSON(
        id=layer_id,
        data=data or EMPTY,
        style=_fn("hotspotStyle"),
        onEachFeature=_fn("tip"),
        pointToLayer=_fn("hotspotPoint"),
        hoverStyle={"arrow": {"weight": 4, "color": "#0b1f33"}},
    )


def outline_layer(layer_id: str, data: dict | None = None) -> dl.GeoJSON:
    """Hot spots outlined only (under tracks and positions)."""
    return dl.GeoJSON(
        id=layer_id,
        data=data or EMPTY,
        style=_fn("outlineStyle"),
        onEachFeature=_fn("tip"),
        interactive=True,
        bubblingMouseEvents=True,
    )


def cell_layer(layer_id: str, data: dict | None = None) -> dl.GeoJSON:
    """Grid cells filled with properties.colour (presence heat or demand per hour)."""
    return dl.GeoJSON(id=layer_id, data=data or EMPTY, style=_fn("cellStyle"), onEachFeature=_fn("tip"))


def track_layer(layer_id: str, data: dict | None = None) -> dl.GeoJSON:
    return dl.GeoJSON(id=layer_id, data=data or EMPTY, style=_fn("trackStyle"), onEachFeature=_fn("tip"))


def point_layer(layer_id: str, data: dict | None = None, kind: str = "report") -> dl.GeoJSON:
    """Points drawn by civCoverage.<kind>Point ('report', 'position', 'place'); a place's radius circle
    (a polygon in the same data) is drawn by civCoverage.placeStyle."""
    style = {"style": _fn("placeStyle")} if kind == "place" else {}
    return dl.GeoJSON(
        id=layer_id, data=data or EMPTY, pointToLayer=_fn(f"{kind}Point"), onEachFeature=_fn("tip"), **style
    )


def legend(title: str, entries: list[tuple[str, str]], extra: list | None = None) -> html.Div:
    """Colour swatches with their meaning, under the map in large type."""
    return html.Div(
        [html.Span(title, className="legend-title")]
        + [
            html.Span([html.I(className="legend-swatch", style={"background": colour}), label], className="legend-item")
            for colour, label in entries
        ]
        + (extra or []),
        className="map-legend cov-legend",
    )
