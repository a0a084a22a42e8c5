"""Server-rendered SVG (map of the territory, bar charts): no JavaScript, same markup in the
page and in the PDF, text alternatives in <title>/<desc> and in the tables next to them."""

from __future__ import annotations

import math
from html import escape

from maillage.engine import formatting
from maillage.web.territories.models import Commune


def _rings(geometry: dict):
    if not geometry:
        return
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for polygon in polygons:
        yield from polygon


# Context around the territory: neighbouring communes within this share of its extent, drawn
# in grey, and at most this many names written on the map (the largest communes first).
CONTEXT_MARGIN = 0.15
MAX_NEIGHBOURS = 400
MAX_LABELS = 14
MAX_NEIGHBOUR_LABELS = 8


def _project(min_lon, max_lat, kx, scale, margin):
    def point(lon: float, lat: float) -> tuple[float, float]:
        return margin + (lon - min_lon) * kx * scale, margin + (max_lat - lat) * scale

    return point


def _path(rings, point) -> str:
    """SVG path of outlines, dropping points closer than half a pixel (smaller markup)."""
    parts = []
    for ring in rings:
        kept, last = [], None
        for lon, lat, *_ in ring:
            x, y = point(lon, lat)
            if last is None or abs(x - last[0]) + abs(y - last[1]) >= 0.5:
                kept.append(f"{x:.1f},{y:.1f}")
                last = (x, y)
        if len(kept) >= 3:
            parts.append("M" + " ".join(kept) + "Z")
    return " ".join(parts)


def _label(x: float, y: float, text: str, size: int, fill: str, weight: str = "600") -> str:
    # A white outline under the letters keeps them readable over the outlines.
    common = f'x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="middle"'
    return (
        f'<text {common} fill="#fff" stroke="#fff" stroke-width="3" font-weight="{weight}" '
        f'aria-hidden="true">{escape(text)}</text>'
        f'<text {common} fill="{fill}" font-weight="{weight}">{escape(text)}</text>'
    )


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def territory_map(codes: list[str], width: int = 640, height: int = 420, title: str = "") -> str:
    """Outlines of the communes of the territory (filled, named) among their neighbouring
    communes (grey), on a blank background, with a legend."""
    fields = ("code", "nom", "contour", "centre_lon", "centre_lat", "population")
    chosen = list(Commune.objects.filter(code__in=codes).values_list(*fields))
    rings = [ring for row in chosen for ring in _rings(row[2])]
    if not rings:
        return ""
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    pad_lon = (max_lon - min_lon) * CONTEXT_MARGIN or 0.02
    pad_lat = (max_lat - min_lat) * CONTEXT_MARGIN or 0.02
    min_lon, max_lon = min_lon - pad_lon, max_lon + pad_lon
    min_lat, max_lat = min_lat - pad_lat, max_lat + pad_lat
    neighbours = list(
        Commune.objects.filter(
            statut=Commune.Statut.ACTUELLE,
            nature=Commune.Nature.COMMUNE,
            bbox_max_lon__gte=min_lon,
            bbox_min_lon__lte=max_lon,
            bbox_max_lat__gte=min_lat,
            bbox_min_lat__lte=max_lat,
        )
        .exclude(code__in=codes)
        .order_by("-population")
        .values_list(*fields)[:MAX_NEIGHBOURS]
    )
    legend_h = 24
    map_h = height - legend_h
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * kx, 1e-6)
    span_y = max(max_lat - min_lat, 1e-6)
    scale = min((width - 20) / span_x, (map_h - 20) / span_y)
    point = _project(min_lon, max_lat, kx, scale, 10)
    body = [f'<svg x="0" y="0" width="{width}" height="{map_h}" overflow="hidden">']
    for code, nom, contour, *_ in neighbours:
        d = _path(_rings(contour), point)
        if d:
            body.append(
                f'<path data-role="voisine" d="{d}" fill="#e4e7eb" stroke="#8a939e" '
                f'stroke-width="0.6">'
                f"<title>{escape(nom)} ({code}), commune voisine</title></path>"
            )
    for code, nom, contour, *_ in sorted(chosen):
        d = _path(_rings(contour), point)
        if d:
            body.append(
                f'<path data-role="territoire" d="{d}" fill="#2f80c9" fill-opacity="0.55" '
                f'stroke="#0b4f8a" stroke-width="0.8"><title>{escape(nom)} ({code})</title></path>'
            )
    # Names of the largest communes first; a name that would overlap one already written is
    # left out (its outline still has a tooltip).
    placed: list[tuple[float, float, float, float]] = []
    by_size = sorted(chosen, key=lambda row: -(row[5] or 0))
    candidates = [(row, 11, "#0b2f55", "600") for row in by_size[:MAX_LABELS]] + [
        (row, 10, "#4f5b69", "400") for row in neighbours[:MAX_NEIGHBOUR_LABELS]
    ]
    for (_code, nom, _contour, lon, lat, _pop), size, fill, weight in candidates:
        if lon is None or lat is None:
            continue
        x, y = point(lon, lat)
        half = len(nom) * size * 0.3
        box = (x - half, y - size, x + half, y + 2)
        inside = box[0] > 2 and box[2] < width - 2 and box[1] > 2 and box[3] < map_h - 2
        if not inside or any(_overlap(box, other) for other in placed):
            continue
        placed.append(box)
        body.append(_label(x, y, nom, size, fill, weight))
    body.append("</svg>")
    legend_y = map_h + 6
    body.append(
        f'<rect x="10" y="{legend_y}" width="12" height="12" fill="#2f80c9" fill-opacity="0.55" '
        f'stroke="#0b4f8a"/><text x="27" y="{legend_y + 10}" font-size="11">Territoire choisi '
        f"({len(chosen)} communes)</text>"
        f'<rect x="230" y="{legend_y}" width="12" height="12" fill="#e4e7eb" stroke="#8a939e"/>'
        f'<text x="247" y="{legend_y + 10}" font-size="11">Communes voisines</text>'
    )
    label = escape(
        title or f"Carte des {len(chosen)} communes du territoire et de leurs communes voisines"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diag-map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="carte-svg-titre">'
        f'<title id="carte-svg-titre">{label}</title>{"".join(body)}</svg>'
    )


COLORS = {
    "territoire": "#0b4f8a",
    "departement": "#5a8fc4",
    "region": "#9bbbe0",
    "france": "#c9ced6",
}


def bar_chart(
    title: str,
    rows: list[tuple[str, dict[str, float | None]]],
    series: list[tuple[str, str]],
    unit: str = "%",
    chart_id: str = "graphique",
) -> str:
    """Grouped horizontal bars: ``rows`` = [(label, {series key: value})]; ``series`` =
    [(key, legend)]. Missing (or secret) values are drawn as no bar with "—"."""
    values = [v for _label, vals in rows for v in vals.values() if v is not None]
    top = max(values) if values else 1.0
    top = top or 1.0
    bar_h, gap, label_w, width = 9, 8, 170, 640
    group_h = bar_h * len(series) + gap
    height = 30 + group_h * len(rows) + 10
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="diag-chart" '
        f'viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-titre">'
        f'<title id="{chart_id}-titre">{escape(title)} (données détaillées dans le tableau)</title>'
    ]
    x = label_w
    for key, legend in series:
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" fill="{COLORS.get(key, "#777")}"/>'
            f'<text x="{x + 14}" y="15" font-size="11">{escape(legend)}</text>'
        )
        x += 14 + 7 * len(legend) + 12
    y = 30
    plot_w = width - label_w - 60
    for label, vals in rows:
        parts.append(
            f'<text x="{label_w - 6}" y="{y + group_h / 2}" font-size="11" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for i, (key, _legend) in enumerate(series):
            value = vals.get(key)
            by = y + i * bar_h
            if value is None:
                parts.append(f'<text x="{label_w + 2}" y="{by + bar_h - 1}" font-size="9">—</text>')
                continue
            w = max(0.0, value / top * plot_w)
            text = formatting.number(value, 1)
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_h - 1}" '
                f'fill="{COLORS.get(key, "#777")}"/>'
                f'<text x="{label_w + w + 3:.1f}" y="{by + bar_h - 1}" font-size="9">'
                f"{text} {escape(unit)}</text>"
            )
        y += group_h
    parts.append("</svg>")
    return "".join(parts)


def evolution_chart(
    title: str,
    points: list[tuple[int, float | None]],
    unit: str = "",
    chart_id: str = "evol",
    from_zero: bool = True,
) -> str:
    """A small line chart of a figure over the years (page and PDF alike): each year on the
    axis, each value written above its point, every value in the accessible title too.
    ``from_zero=False`` fits the scale to the values (a population that grows by 1 % would
    otherwise draw a flat line); the values written on the points keep the chart honest."""
    known = [(year, value) for year, value in points if value is not None]
    if len(known) < 2:
        return ""
    width, height, left, right, top, bottom = 300, 110, 14, 14, 22, 24
    values = [value for _year, value in known]
    low, high = (min(0.0, min(values)) if from_zero else min(values)), max(values)
    span = (high - low) or 1.0
    step = (width - left - right) / max(len(points) - 1, 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        return left + index * step, top + (high - value) / span * (height - top - bottom)

    suffix = f" {unit}" if unit else ""
    spoken = " ; ".join(
        f"{year} : {formatting.number(value) if value is not None else 'non disponible'}{suffix}"
        for year, value in points
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="evolution-chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-titre">'
        f'<title id="{chart_id}-titre">{escape(title)} — {escape(spoken)}</title>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        f'stroke="#8a939e" stroke-width="1"/>',
    ]
    line = [xy(i, value) for i, (_year, value) in enumerate(points) if value is not None]
    parts.append(
        '<polyline fill="none" stroke="#0b4f8a" stroke-width="2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        + '"/>'
    )
    for i, (year, value) in enumerate(points):
        x = left + i * step
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" font-size="10" text-anchor="middle" '
            f'fill="#4f5b69">{year}</text>'
        )
        if value is None:
            continue
        _x, y = xy(i, value)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#0b4f8a"/>'
            f'<text x="{x:.1f}" y="{y - 6:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#1d2733">{escape(formatting.number(value, 0))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
