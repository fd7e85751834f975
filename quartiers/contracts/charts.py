"""Indicator charts as plain inline SVG, generated on the server (no JavaScript, prints in the PDF)."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y = 560, 220, 56, 16, 28


def _fmt(value):
    value = Decimal(value).normalize()
    text = f"{value:f}"
    return text.replace(".", ",")


def indicator_svg(indicator, measurements):
    """A line of the dated measured values, with the baseline and the target as dashed lines."""
    points = sorted(measurements, key=lambda m: m.measured_on)
    values = [m.value for m in points] + [indicator.target] + ([indicator.baseline] if indicator.baseline else [])
    top = max(values + [Decimal(0)]) or Decimal(1)
    bottom = min(values + [Decimal(0)])
    span = (top - bottom) or Decimal(1)
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - 2 * PAD_Y

    def y(value):
        return PAD_Y + float((top - value) / span) * inner_h

    def x(index):
        return PAD_LEFT + (inner_w * index / (len(points) - 1) if len(points) > 1 else inner_w / 2)

    title = f"Évolution de l'indicateur « {indicator.label} » ({indicator.unit}), cible {_fmt(indicator.target)}"
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" width="100%" style="max-width:{WIDTH}px">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{PAD_Y}" x2="{PAD_LEFT}" y2="{HEIGHT - PAD_Y}" stroke="#555"/>',
        f'<line x1="{PAD_LEFT}" y1="{HEIGHT - PAD_Y}" x2="{WIDTH - PAD_RIGHT}" y2="{HEIGHT - PAD_Y}" stroke="#555"/>',
        _hline(y(indicator.target), f"cible {_fmt(indicator.target)}", "#1a7f37"),
    ]
    if indicator.baseline is not None:
        parts.append(_hline(y(indicator.baseline), f"départ {_fmt(indicator.baseline)}", "#6b6b6b"))
    for value in (top, bottom):
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#333">{_fmt(value)}</text>'
        )
    if points:
        coords = " ".join(f"{x(i):.1f},{y(m.value):.1f}" for i, m in enumerate(points))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="#1f4e99" stroke-width="2.5"/>')
        for i, m in enumerate(points):
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(m.value):.1f}" r="4" fill="#1f4e99">'
                f"<title>{m.measured_on:%d/%m/%Y} : {_fmt(m.value)} {escape(indicator.unit)}</title></circle>"
            )
        # First date anchored left, last one right, so neither is cut at the edges of the chart.
        anchors = {0: "start", len(points) - 1: "end"} if len(points) > 1 else {0: "middle"}
        for i, anchor in anchors.items():
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" font-size="11" '
                f'fill="#333">{points[i].measured_on:%d/%m/%Y}</text>'
            )
    else:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="13" fill="#333">'
            "Aucune valeur mesurée pour l'instant</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text part above is escaped


def _hline(ypos, label, colour):
    return (
        f'<line x1="{PAD_LEFT}" y1="{ypos:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{ypos:.1f}" stroke="{colour}" '
        f'stroke-dasharray="6 4"/><text x="{WIDTH - PAD_RIGHT}" y="{ypos - 4:.1f}" text-anchor="end" '
        f'font-size="11" fill="{colour}">{escape(label)}</text>'
    )
