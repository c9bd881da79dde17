"""Chart geometry for the HTML report: numbers only, so the template draws SVG without any logic.

Every chart stands beside a table of the same figures; the SVG is a picture for sighted readers
(`role="img"` with a title), the table is what a screen reader reads.
"""

from __future__ import annotations

from dataclasses import dataclass

BAR_AREA = 240.0  # SVG units a full-length bar takes in a 400-wide bar chart
ROW_HEIGHT = 26
TREND_WIDTH, TREND_HEIGHT = 400.0, 140.0


@dataclass(frozen=True)
class Bar:
    label: str
    value: str  # as written beside the bar
    length: float  # SVG units
    y: int


@dataclass(frozen=True)
class Column:
    x: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Line:
    """A trend polyline; None values break it into separate runs."""

    runs: list[str]
    dots: list[tuple[float, float]]
    zero_y: float


def bars(rows: list[tuple[str, float, str]], scale_to: float | None = None) -> list[Bar]:
    """Horizontal bars for (label, amount, written value); amounts are scaled to the largest (or `scale_to`)."""
    top = scale_to if scale_to else max((amount for _, amount, _ in rows), default=0.0)
    return [
        Bar(_short(label), written, BAR_AREA * amount / top if top else 0.0, i * ROW_HEIGHT)
        for i, (label, amount, written) in enumerate(rows)
    ]


def columns(rows: list[tuple[str, float]]) -> list[Column]:
    """Vertical columns across the trend chart, one per week."""
    top = max((amount for _, amount in rows), default=0.0)
    step = TREND_WIDTH / max(len(rows), 1)
    return [
        Column(i * step + step * 0.1, step * 0.8, (TREND_HEIGHT - 20) * amount / top if top else 0.0, label)
        for i, (label, amount) in enumerate(rows)
    ]


def line(values: list[float | None], low: float = -100.0, high: float = 100.0) -> Line:
    """A polyline of values between `low` and `high` across the trend chart."""
    step = TREND_WIDTH / max(len(values), 1)

    def y(value: float) -> float:
        return round(10 + (TREND_HEIGHT - 20) * (high - value) / (high - low), 1)

    runs: list[str] = []
    dots: list[tuple[float, float]] = []
    current: list[str] = []
    for i, value in enumerate(values):
        if value is None:
            if current:
                runs.append(" ".join(current))
            current = []
            continue
        point = (round(i * step + step / 2, 1), y(value))
        dots.append(point)
        current.append(f"{point[0]},{point[1]}")
    if current:
        runs.append(" ".join(current))
    return Line(runs, dots, y(0.0) if low < 0 < high else y(low))


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
