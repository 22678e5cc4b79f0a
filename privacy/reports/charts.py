"""Server-side SVG chart geometry (no JavaScript, no CDN: the strict CSP stays intact).

Each function returns plain numbers and pre-formatted French labels; the templates in
``templates/privacy/partials/_report_charts.html`` draw them as ``<svg role="img">`` with a title,
a description and the values written as text, so the charts are readable without colour or sight.
Colours come from CSS classes (static/css/reports.css), never inline styles.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from privacy.reports.services.queries import fmt

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, PLOT_WIDTH, VALUE_WIDTH = 22, 8, 150, 360, 110
TREND_W, TREND_H, TREND_PAD = 560, 220, 40


@dataclass
class Bar:
    label: str
    y: int
    private_w: float
    pro_w: float
    text: str  # "1 234,5 km privés · 2 345,6 km pro"

    @property
    def pro_x(self) -> float:
        return LABEL_WIDTH + self.private_w

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5


@dataclass
class StackedBars:
    bars: list[Bar]
    height: int
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    label_x: int = LABEL_WIDTH - 6
    plot_x: int = LABEL_WIDTH
    bar_h: int = BAR_HEIGHT
    value_x: int = LABEL_WIDTH + PLOT_WIDTH + 6


def stacked_bars(items: list[tuple[str, Decimal, Decimal]], private_word: str, pro_word: str) -> StackedBars:
    """Horizontal private/pro bars on one scale (the longest total fills the plot)."""
    longest = max((p + q for _, p, q in items), default=Decimal(0)) or Decimal(1)
    bars = []
    for index, (label, private, pro) in enumerate(items):
        scale = PLOT_WIDTH / float(longest)
        bars.append(Bar(
            label=label[:22] + ("…" if len(label) > 22 else ""),
            y=index * (BAR_HEIGHT + BAR_GAP),
            private_w=round(float(private) * scale, 1),
            pro_w=round(float(pro) * scale, 1),
            text=f"{fmt(private, 0, 'km')} {private_word} · {fmt(pro, 0, 'km')} {pro_word}",
        ))
    return StackedBars(bars, max(1, len(bars) * (BAR_HEIGHT + BAR_GAP)))


@dataclass
class TrendPoint:
    label: str
    x: float
    y: float | None
    text: str


@dataclass
class Trend:
    points: list[TrendPoint]
    polyline: str
    width: int = TREND_W
    height: int = TREND_H
    pad: int = TREND_PAD
    gridlines: list[tuple[float, str]] = field(default_factory=list)

    @property
    def bottom(self) -> int:
        return self.height - self.pad

    @property
    def right(self) -> int:
        return self.width - self.pad // 2


def trend(points: list[tuple[str, Decimal | None]]) -> Trend:
    """A line of the private share (0–100 %) per month; months without distance have no point."""
    plot_h = TREND_H - 2 * TREND_PAD
    span = TREND_W - 1.5 * TREND_PAD
    step = span / (len(points) - 1) if len(points) > 1 else 0
    # A single month sits in the middle, clear of the axis labels on the left.
    start = TREND_PAD if len(points) > 1 else TREND_PAD + span / 2
    out = []
    for index, (label, share) in enumerate(points):
        x = round(start + index * step, 1)
        y = None if share is None else round(TREND_H - TREND_PAD - float(share) / 100 * plot_h, 1)
        out.append(TrendPoint(label, x, y, fmt(share, 1, "%")))
    line = " ".join(f"{p.x},{p.y}" for p in out if p.y is not None)
    grid = [(round(TREND_H - TREND_PAD - v / 100 * plot_h, 1), fmt(Decimal(v), 0, "%")) for v in (0, 25, 50, 75, 100)]
    return Trend(out, line, gridlines=grid)


@dataclass
class Segment:
    css: str
    label: str
    x: float
    w: float
    text: str


@dataclass
class EnergyMix:
    segments: list[Segment]
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    empty: bool = False


def energy_mix(*, thermal_km: Decimal, electric_km: Decimal, litres: Decimal, kwh: Decimal,
               thermal_word: str, electric_word: str) -> EnergyMix:
    """One 100 % bar: distance driven on fuel vs on electricity, with litres and kWh in the labels."""
    total = thermal_km + electric_km
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    if not total:
        return EnergyMix([], empty=True)
    thermal_w = round(float(thermal_km / total) * width, 1)
    return EnergyMix([
        Segment("seg-fuel", thermal_word, 0, thermal_w,
                f"{thermal_word} : {fmt(thermal_km, 0, 'km')} · {fmt(litres, 1, 'L')} "
                f"({fmt(thermal_km * 100 / total, 1, '%')})"),
        Segment("seg-electric", electric_word, thermal_w, round(width - thermal_w, 1),
                f"{electric_word} : {fmt(electric_km, 0, 'km')} · {fmt(kwh, 1, 'kWh')} "
                f"({fmt(electric_km * 100 / total, 1, '%')})"),
    ])
