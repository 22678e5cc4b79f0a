"""Day cards shown as they arrive: the helpers of ``trips._render_page`` (the page waits a moment for
Ocean, then answers with a placeholder whose htmx request ``?part=days`` joins the reads still running)."""
from __future__ import annotations

from concurrent.futures import TimeoutError as FutureTimeout

from privacy.services.fleet import fleet_driver_or_404
from privacy.services.private_hours import private_hours_generation
from privacy.steps.services.wave import driver_week, week_in_background


def days_part(request) -> bool:
    """The htmx request a page sent for its day cards (see ``_render_page``)."""
    return bool(request.htmx) and request.GET.get("part") == "days"


def ran_within(future, seconds: float | None) -> bool:
    """Whether the background run ended within ``seconds`` (its failure is the page's to report)."""
    try:
        future.result(timeout=seconds)
    except FutureTimeout:
        return False
    except Exception:  # noqa: BLE001 - an Ocean error or a 404: build() below meets it again and says so
        return True
    return True


def inline_query(request) -> str:
    query = request.GET.copy()
    query["inline"] = "1"
    return query.urlencode()


def prefetch_week(user, customer, driver_id: int, first, last, driver_of=None):
    """The upstream reads of a driver's week (the driver's record — ``driver_of()``, by default from the fleet
    directory — then the wave) in the background."""

    def fetch():
        driver = driver_of() if driver_of is not None else fleet_driver_or_404(user, customer, driver_id)
        return driver_week(customer, driver_id=driver.ocean_id, matricule=driver.matricule, first=first,
                           last=last, vehicle_hint=driver.vehicle_id)

    # A run started before a change to the driver's private hours is not joined after it.
    generation = private_hours_generation(customer.pk, driver_id)
    return week_in_background((customer.pk, driver_id, first, last, generation), fetch)
