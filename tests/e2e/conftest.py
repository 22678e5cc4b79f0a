"""Browser journeys: Playwright driving Debian's chromium against pytest-django's live server.

Never ``playwright install``: the browser is the system's ``/usr/bin/chromium`` (``apt-get install
chromium``, done by ``.ci/run``). Without it the tests skip locally and fail when CI=true.
Every page a journey visits is checked with axe-core (vendored under ``vendor/``, tests only) and,
with ``E2E_SCREENSHOTS=1``, photographed into ``docs/screenshots/`` for the README.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import IN_CI, PASSWORD, celery_eager

# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still
# synchronous and safe here (style.md §4.12).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 375, "height": 812}


def _chromium_or_skip() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).is_file():
        return
    message = f"{CHROMIUM} not found (apt-get install chromium)"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _chromium_or_skip()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "env": {**os.environ, "LANGUAGE": "fr", "LANG": "fr_FR.UTF-8"},
        "headless": True,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--lang=fr-FR",  # date inputs in French format, like a French user's browser
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1280, "height": 900},
            "timezone_id": "Europe/Paris"}


@pytest.fixture(autouse=True)
def _live(request, sim, settings):
    """Every journey: the simulator, tasks run in-process (the progress pages still poll), no leftovers."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with celery_eager():
        yield


@pytest.fixture
def server(live_server) -> str:
    return live_server.url


@pytest.fixture
def slow_worker(monkeypatch):
    """Bulk applications run in a thread after a pause, as a worker would: the progress page really polls."""
    from django.db import connections

    from privacy.schedules.tasks import bulk_application_run

    threads = []

    def delay(*args):
        def run():
            time.sleep(1.5)
            try:
                bulk_application_run.apply(args=args)
            finally:
                connections.close_all()

        threads.append(threading.Thread(target=run, daemon=True))
        threads[-1].start()

    monkeypatch.setattr(bulk_application_run, "delay", delay)
    yield
    for thread in threads:
        thread.join(timeout=60)


def log_in(page, server: str, user, *, password: str = PASSWORD, check: bool = False) -> None:
    """Through the login form, like a person (the UI is French by default); ``check``: axe + keyboard on it."""
    page.goto(f"{server}/accounts/login/")
    if check:
        visit(page, "the login page")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, page.locator(".form-errors").all_inner_texts()


def axe_check(page, what: str) -> None:
    """axe-core on the page as shown: no serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)  # DevTools evaluation is not subject to the page's CSP
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})); }"
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {what} ({page.url}):\n" + "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in bad
    )


# Controls a keyboard user must be able to reach (a roving-tabindex grid exposes one cell: tabindex="0").
# Keys, not DOM references: htmx may swap a row (lazy loading) while the test tabs through it.
_KEY = """el => el.getAttribute('role') === 'gridcell' ? 'gridcell' : (el.type === 'radio' ? 'radio:' + el.name :
  [el.tagName, el.id, el.name, el.value, el.getAttribute('href'), el.textContent.trim().slice(0, 40)].join('|'))"""
_CONTROLS = """() => {
  const key = KEY;
  const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]),'
    + ' textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  const visible = [...document.querySelectorAll(sel)].filter(el => el.checkVisibility({visibilityProperty: true}));
  return visible.map(key);  // closed <details> contents are not visible
}""".replace("KEY", _KEY)
_FOCUSED = """() => { const el = document.activeElement;
  return el && el !== document.body ? (KEY)(el) : null; }""".replace("KEY", _KEY)


def keyboard_check(page, what: str) -> None:
    """Tab through the whole page: every visible control gets the focus at least once."""
    found = page.evaluate(_CONTROLS)
    controls = set(found)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached: set[str] = set()
    for _ in range(len(found) + 30):  # scrollable regions are tab stops too
        page.keyboard.press("Tab")
        reached.add(page.evaluate(_FOCUSED))
        if controls <= reached:
            break
    missing = sorted(controls - reached)
    assert not missing, f"not reachable by keyboard on {what}:\n" + "\n".join(missing[:10])


def shoot(page, name: str, *, full_page: bool = True) -> None:
    """A README screenshot, only when E2E_SCREENSHOTS=1 (CI must not rewrite tracked files)."""
    if os.environ.get("E2E_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A long phone page is cut after two screens: enough to show the cards without a 3000 px image.
    clip = None if full_page else {"x": 0, "y": 0, "width": page.viewport_size["width"],
                                   "height": min(2 * page.viewport_size["height"],
                                                 page.evaluate("document.documentElement.scrollHeight"))}
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip=clip)


def visit(page, what: str, *, screenshot: str | None = None, keyboard: bool = True, full_page: bool = True) -> None:
    """Every page of a journey: accessible (axe, keyboard), and photographed if asked."""
    page.wait_for_load_state("networkidle")
    axe_check(page, what)
    if keyboard:
        keyboard_check(page, what)
    if screenshot:
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
        shoot(page, screenshot, full_page=full_page)
