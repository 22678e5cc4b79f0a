"""Issue 18: the benefit in kind per driver AND per vehicle attribution (a driver who changed car gets one
row per car with that car's km and costs), months pro-rated for both methods (a lease started in March →
10 months), data coverage, words instead of internal keys, the rates of every regime used and the
official source of each abatement, "100 % électrique" prefilled from Océan's motorisation."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from privacy.reports.services.benefit import benefit_lines
from privacy.services.fleet import fleet_get

from .benefit_support import END_OF_YEAR, YEAR, cost, driver_row, history, month_snapshot

pytestmark = pytest.mark.usefixtures("sim")
NOW = "2026-12-31 12:00 +01:00"
CHANGE = "2026-03-16"


@pytest.fixture
def changed_car(customer, monkeypatch):
    """Driver 7002 drove car A until 15 March 2026, then car B (leased from 1 March 2026)."""
    car_a, car_b = sorted(fleet_get(customer).vehicles)[:2]
    history(monkeypatch, {7002: [(car_a, "2024-01-01", "2026-03-15", True), (car_b, CHANGE, None, True)]})
    km = {1: (400, 1600), 2: (400, 1600), 3: (640, 2560), 4: (500, 1500)}
    for month, (private, pro) in km.items():
        month_snapshot(customer, month, [driver_row(ocean_id=7002, name="MARTIN Léa", private_m=private * 1000,
                                                    pro_m=pro * 1000)])
    cost(customer, car_a)  # bought 32 000 €, attributed 1 March 2025
    cost(customer, car_b, acquisition="lease", purchase_price_ttc=None, annual_lease=Decimal(6600),
         annual_maintenance=Decimal(500), annual_insurance=Decimal(900), made_available=date(2026, 3, 1))
    return car_a, car_b


def lines_of(customer, driver_id=7002):
    lines, _data, _warning = benefit_lines(customer, YEAR, today=END_OF_YEAR)
    return [line for line in lines if line.driver_id == driver_id]


def test_a_driver_who_changed_car_gets_one_row_per_car_with_that_cars_km(customer, changed_car):
    car_a, car_b = changed_car
    a, b = lines_of(customer)
    assert (a.vehicle_id, b.vehicle_id) == (car_a, car_b)
    # March is split by the days of each assignment: 15 days of A, 16 of B (640 private km of 3 200).
    assert (a.private_km, a.total_km) == (Decimal("1109.7"), Decimal("5548.4"))  # 800 + 640 × 15/31 …
    assert (b.private_km, b.total_km) == (Decimal("830.3"), Decimal("3651.6"))  # 640 × 16/31 + 500 …
    assert a.split_months == [3] and b.split_months == [3]
    assert any("répartis" in n or "split" in n for n in a.notes)


def test_both_methods_use_the_months_each_car_was_available(customer, changed_car):
    a, b = lines_of(customer)
    assert a.months == 3 and b.months == 10  # a lease started in March: 10 months for both methods
    assert a.flat.amount == Decimal("1200.00")  # 4 800 × 3/12
    assert a.actual.amount == Decimal("400.01")  # 8 000 × 3/12 × 1 109,7 / 5 548,4
    assert b.flat.amount == Decimal("3333.33")  # 50 % × 8 000 × 10/12
    assert b.actual.amount == Decimal("1515.87")  # 8 000 × 10/12 × 830,3 / 3 651,6
    assert "10/12" in b.actual.formula and "10/12" in b.flat.formula


def test_coverage_says_which_part_of_the_period_has_data(customer, changed_car):
    a, b = lines_of(customer)
    assert (a.coverage.first_day, a.coverage.last_day, a.coverage.days_missing) == (
        date(2026, 1, 1), date(2026, 3, 15), 0)
    assert (b.coverage.first_day, b.coverage.last_day) == (date(2026, 3, 16), date(2026, 4, 30))
    assert b.coverage.days_missing == 291 - 46
    assert b.coverage.months_not_loaded == [5, 6, 7, 8, 9, 10, 11, 12]


@time_machine.travel(NOW, tick=False)
def test_the_page_speaks_words_quotes_every_regime_and_the_ev_abatement_source(login, hr, customer, changed_car,
                                                                              monkeypatch):
    car_a, _car_b = changed_car
    old = cost(customer, sorted(fleet_get(customer).vehicles)[2], made_available=date(2024, 6, 1),
               employer_pays_fuel=True)
    ev = cost(customer, sorted(fleet_get(customer).vehicles)[3], purchase_price_ttc=Decimal(45000), electric=True,
              eligible_abatement=True, made_available=date(2025, 6, 1))
    history(monkeypatch, {7002: [(car_a, "2024-01-01", "2026-03-15", True)],
                          7003: [(old.vehicle_id, "2024-06-01", None, True)],
                          7005: [(ev.vehicle_id, "2025-06-01", None, True)]})
    month_snapshot(customer, 5, [driver_row(ocean_id=7003, name="OLD Régime", private_m=1000, pro_m=9000),
                                 driver_row(ocean_id=7005, name="ELEC Trique", private_m=1000, pro_m=9000)])
    html = login(hr).get(reverse("privacy:benefit"), {"year": YEAR}).content.decode()
    for key in ("rate_plus_fuel", "all_in", "before-2025-02", "from-2025-02", "without_fuel"):
        assert key not in html
    assert "attribué jusqu’au 31 janvier 2025" in html and "attribué à partir du 1er février 2025" in html
    assert "achetés 9 %" in html and "achetés 15 %" in html  # the intro cites both regimes' rates
    assert "Arrêté du 10 décembre 2002" in html and "Arrêté du 25 février 2025" in html
    assert "taux + carburant privé réel" in html
    # the EV abatement on actual expenses for a 2025 car, with its cap and official source next to it
    assert "dépenses réelles : réduction de 50 %" in html and "legifrance.gouv.fr/eli/arrete/2025" in html
    assert "Données du 01/01/2026 au 15/03/2026" in html and "jours de la période sans données" in html
    assert "Charger les mois manquants" in html


@time_machine.travel(NOW, tick=False)
def test_loading_the_missing_months_queues_one_refresh_per_month(login, hr, customer, changed_car, eager,
                                                                 django_capture_on_commit_callbacks, monkeypatch):
    from privacy.reports.models import ReportRefresh
    from privacy.reports.views import benefit as view

    queued = []
    monkeypatch.setattr(view, "request_refresh", lambda c, p, user: (queued.append(p), (None, True))[1])
    response = login(hr).post(reverse("privacy:benefit_load") + f"?year={YEAR}")
    assert response.status_code == 302
    assert [p.start.month for p in queued] == [5, 6, 7, 8, 9, 10, 11, 12]
    assert not ReportRefresh.objects.exists()  # the real queue was not touched by this test
    assert login(hr).get(reverse("privacy:benefit_load")).status_code == 405


def test_electric_is_prefilled_from_oceans_motorisation(login, hr, customer, sim):
    fleet = fleet_get(customer)
    electric = next(v.id for v in fleet.vehicles.values() if v.motorisation == "ELECTRIQUE")
    thermal = next(v.id for v in fleet.vehicles.values() if v.motorisation != "ELECTRIQUE")
    client = login(hr)
    checked = client.get(reverse("privacy:vehicle_cost_edit", args=[electric])).content.decode()
    unchecked = client.get(reverse("privacy:vehicle_cost_edit", args=[thermal])).content.decode()
    assert "checked" in electric_input(checked)
    assert "checked" not in electric_input(unchecked)


def electric_input(html: str) -> str:
    return re.search(r'<input[^>]*name="electric"[^>]*>', html).group(0)


def test_attributions_come_from_oceans_assignment_history(customer, sim):
    """Against the simulator: driver 7001 drove vehicle 5021 until the fleet's change day, then 5001."""
    from privacy.reports.services.benefit_data import attributions
    from privacy.reports.services.benefit_history import histories

    change = sim.state.fleet.change_at.astimezone(customer.tz).date()
    known = histories(customer, [7001, 7002])
    found, warning = attributions(known.of(7001), change.year)
    assert warning is None
    by_vehicle = {a.vehicle_id: a for a in found}
    assert by_vehicle[5001].start == change and by_vehicle[5001].end == date(change.year, 12, 31)
    if change > date(change.year, 1, 1):
        assert by_vehicle[5021].end == change - timedelta(days=1)
    sim.set_faults(error_rate=1.0)
    down = histories(customer, [7003])
    assert down.failed == {7003} and down.of(7003) is None
    cleared = attributions(down.of(7003), change.year, current_vehicle=5003)
    assert cleared == ([benefit_data_attribution(5003, change.year)], "unavailable")


def benefit_data_attribution(vehicle_id, year):
    from privacy.reports.services.benefit_data import Attribution

    return Attribution(vehicle_id, date(year, 1, 1), date(year, 12, 31))


def test_months_not_loaded_take_the_rest_of_the_years_figures(customer, changed_car):
    """The year's own snapshot holds 300 more private km of 1 500 than January–April: they belong to the
    months not loaded (May–December), all in car B."""
    from datetime import UTC, datetime

    from privacy.reports.services.periods import Period

    from .conftest import make_snapshot

    make_snapshot(customer, Period.year(YEAR), [driver_row(ocean_id=7002, name="MARTIN Léa", private_m=2_240_000,
                                                           pro_m=8_460_000)],
                  as_of=datetime(2027, 1, 1, 3, 30, tzinfo=UTC))
    a, b = lines_of(customer)
    assert (a.private_km, a.total_km) == (Decimal("1109.7"), Decimal("5548.4"))  # unchanged: no day after 15/03
    assert (b.private_km, b.total_km) == (Decimal("1130.3"), Decimal("5151.6"))
    assert any("mois non encore chargés" in n or "not loaded" in n for n in b.notes)


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_fifty_drivers_a_page(login, hr, customer, monkeypatch):
    history(monkeypatch, {})
    month_snapshot(customer, 1, [driver_row(ocean_id=8000 + i, name=f"DRIVER {i:03d}", private_m=1000, pro_m=9000)
                                 for i in range(60)])
    client = login(hr)
    first = client.get(reverse("privacy:benefit"), {"year": YEAR}).content.decode()
    second = client.get(reverse("privacy:benefit"), {"year": YEAR, "page": "2"}).content.decode()
    assert "DRIVER 049" in first and "DRIVER 050" not in first and "Page 1 sur 2" in first
    assert "DRIVER 050" in second and "DRIVER 059" in second and "DRIVER 000" not in second
