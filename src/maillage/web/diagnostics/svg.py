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


def territory_map(codes: list[str], width: int = 640, height: int = 420, title: str = "") -> str:
    """Outlines of the communes of the territory (filled) on a blank background."""
    rows = list(Commune.objects.filter(code__in=codes).values_list("code", "nom", "contour"))
    rings = [(code, nom, ring) for code, nom, contour in rows for ring in _rings(contour)]
    if not rings:
        return ""
    lons = [p[0] for _c, _n, ring in rings for p in ring]
    lats = [p[1] for _c, _n, ring in rings for p in ring]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * kx, 1e-6)
    span_y = max(max_lat - min_lat, 1e-6)
    scale = min((width - 20) / span_x, (height - 20) / span_y)
    paths = {}
    for code, nom, ring in rings:
        points = " ".join(
            f"{10 + (lon - min_lon) * kx * scale:.1f},{10 + (max_lat - lat) * scale:.1f}"
            for lon, lat in ring
        )
        paths.setdefault((code, nom), []).append(f"M{points}Z")
    body = "".join(
        f'<path d="{" ".join(d)}" fill="#2f80c9" fill-opacity="0.5" stroke="#0b4f8a" '
        f'stroke-width="0.8"><title>{escape(nom)} ({code})</title></path>'
        for (code, nom), d in sorted(paths.items())
    )
    label = escape(title or f"Carte des {len(paths)} communes du territoire")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diag-map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="carte-svg-titre">'
        f'<title id="carte-svg-titre">{label}</title>{body}</svg>'
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
