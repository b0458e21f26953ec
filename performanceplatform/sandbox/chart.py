"""A small line chart as inline SVG: one numeric field over ``_timestamp``, drawn server-side.

No script and no external resource: the browser only lays out the SVG. Every text that comes
from records (the field name, values, timestamps) is escaped. The chart has a ``<title>`` and
a ``<desc>`` for screen readers, labelled axes (``_timestamp`` below, the field on the left)
and the first and last times and the lowest and highest values as tick labels.
"""

from __future__ import annotations

import datetime as dt
from html import escape

WIDTH, HEIGHT = 460, 180
LEFT, RIGHT, TOP, BOTTOM = 76, 14, 12, 40  # margins: tick labels and axis titles live there
LABEL_CHARS = 22  # a longer field name is cut short beside the y axis (the title has it all)


def chart(chart_id: str, field: str, points: list[tuple[str, float]]) -> str:
    """An ``<svg>`` line chart of ``points`` (``(iso timestamp, value)``, in time order)."""
    times = [_seconds(stamp) for stamp, _ in points]
    values = [value for _, value in points]
    low, high = min(values), max(values)
    x = _scale(times[0], times[-1], LEFT, WIDTH - RIGHT)
    y = _scale(low, high, HEIGHT - BOTTOM, TOP)
    coordinates = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(times, values, strict=True))
    name, first, last = escape(field), escape(points[0][0]), escape(points[-1][0])
    description = (f"{len(points)} points from {first} to {last}; lowest {_number(low)}, "
                   f"highest {_number(high)}")
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    parts = [
        f'<svg class="chart" role="img" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{name} over _timestamp</title>',
        f'<desc id="{chart_id}-d">{description}</desc>',
        f'<path class="axis" d="M{LEFT},{TOP} V{bottom} H{right}"/>',
        _text(LEFT - 6, TOP + 4, _number(high), "end") if high != low else "",
        _text(LEFT - 6, bottom if high != low else y(low), _number(low), "end"),
        _text(LEFT, bottom + 14, _when(points[0][0], times[-1] - times[0]), "start"),
        _text(right, bottom + 14, _when(points[-1][0], times[-1] - times[0]), "end"),
        _text((LEFT + right) / 2, HEIGHT - 4, "_timestamp", "middle", "axis-title"),
        f'<text class="axis-title" text-anchor="middle" '
        f'transform="translate(12,{(TOP + bottom) / 2}) rotate(-90)">{_label(field)}</text>',
        f'<polyline class="series" points="{coordinates}"/>',
    ]
    if len(points) == 1:
        parts.append(f'<circle class="series-dot" cx="{x(times[0]):.1f}" '
                     f'cy="{y(values[0]):.1f}" r="3"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def _seconds(stamp: str) -> float:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _when(stamp: str, span: float) -> str:
    """The date of a tick; its date and time when the chart spans less than two days."""
    return stamp[:10] if span >= 2 * 86400 else stamp[:16].replace("T", " ")


def _scale(low: float, high: float, start: float, end: float):
    """Map ``[low, high]`` onto ``[start, end]``; a flat range maps to the middle."""
    if high == low:
        return lambda _: (start + end) / 2
    return lambda value: start + (value - low) * (end - start) / (high - low)


def _text(x: float, y: float, text: str, anchor: str, css: str = "tick") -> str:
    return (f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
            f'{escape(text)}</text>')


def _label(field: str) -> str:
    return escape(field if len(field) <= LABEL_CHARS else field[:LABEL_CHARS - 1] + "…")


def _number(value: float) -> str:
    """A tick label: ``1,234.5``; millions and more as ``32.97M``."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.4g}M"
    return f"{value:,.6g}"
