"""SVG chart geometry and French labels."""
from __future__ import annotations

from decimal import Decimal

from privacy.reports import charts
from privacy.reports.charts import LABEL_WIDTH, PLOT_WIDTH


def test_stacked_bars_share_one_scale_and_label_values_in_french(settings):
    bars = charts.stacked_bars([("Jean", Decimal("1234.5"), Decimal("765.5")), ("Zoé", Decimal("0"), Decimal("1000"))],
                               "privés", "pro")
    jean, zoe = bars.bars
    assert jean.private_w + jean.pro_w == PLOT_WIDTH  # the longest total fills the plot
    assert zoe.pro_w == PLOT_WIDTH / 2 and zoe.private_w == 0
    assert jean.pro_x == LABEL_WIDTH + jean.private_w
    assert jean.text == "1\u00a0235\u00a0km privés · 766\u00a0km pro"  # grouped, rounded half up


def test_trend_points_go_up_with_the_private_share_and_skip_empty_months():
    trend = charts.trend([("janv.", Decimal("10")), ("févr.", None), ("mars", Decimal("50"))])
    first, empty, last = trend.points
    assert empty.y is None and empty.text == "—"
    assert last.y < first.y  # higher share, higher on screen
    assert trend.polyline.count(",") == 2 and last.text == "50,0\u00a0%"


def test_energy_mix_splits_the_width_by_distance():
    mix = charts.energy_mix(thermal_km=Decimal(300), electric_km=Decimal(100), litres=Decimal("21.5"),
                            kwh=Decimal("15"), thermal_word="Carburant", electric_word="Électrique")
    fuel, electric = mix.segments
    assert fuel.w == 3 * electric.w and electric.x == fuel.w
    assert "75,0\u00a0%" in fuel.text and "21,5\u00a0L" in fuel.text and "15,0\u00a0kWh" in electric.text
    assert charts.energy_mix(thermal_km=Decimal(0), electric_km=Decimal(0), litres=Decimal(0), kwh=Decimal(0),
                             thermal_word="a", electric_word="b").empty


def test_a_single_month_sits_in_the_middle_clear_of_the_axis_labels():
    (only,) = charts.trend([("oct.", Decimal("15.9"))]).points
    many = charts.trend([("sept.", Decimal("10")), ("oct.", Decimal("20"))]).points
    assert only.x > many[0].x + 100
    assert many[0].x < only.x < many[1].x
