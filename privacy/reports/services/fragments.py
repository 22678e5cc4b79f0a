"""Page bodies kept in the shared cache (and this process's memory) under the keys of ``cache.page_key``,
including pages still filling in while a worker reads what they need."""
from __future__ import annotations

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from privacy.reports.services.cache import PAGE_TTL, recent_bodies

# Seconds a body still filling in is shared. Each batch of histories read changes its key already (the
# histories' version); a new render within the same version only retries what the key does not see — queuing
# the worker again after the broker was down, a failed read that expired. 3 s made one viewer in eight
# render 1,000 drivers again (bench/load.py: the benefit page's p95).
FILLING_TTL = 30


class Filling(str):
    """What a render returns when its page is still filling in (assignment histories being read): kept only
    ``FILLING_TTL`` seconds in the shared cache (the many viewers of a big fleet's page share one render),
    never in the process's memory, so the page is rendered again as the data arrives."""


class Shown(str):
    """A body shown for this request only (never stored): the previous version while another renders."""


class Unfinished(SafeString):
    """A fragment as ``cached_fragments`` hands back a filling or shown body: a page holding it is not final."""


RENDER_LOCK_S = 20  # one render of a filling page at a time (far longer than a render)
LATEST_FILLING_TTL = 60


def cached_html(key: str | None, render, *, latest: str | None = None) -> SafeString:
    """``render()`` (the portal's own escaped template output) cached under ``key``.

    ``latest``: a key naming every version of a page that fills in by batches (the benefit page while a
    worker reads the fleet's assignment histories, a new version per batch). One request renders a new
    version; the others meanwhile show the latest one rendered — the same page with fewer rows filled in —
    instead of all rendering it at once (≈ 50 ms of CPU each at 1,000 drivers, holding their process's GIL)."""
    if key is not None and latest is not None:
        render = _one_render_at_a_time(key, latest, render)
    return cached_fragments(key, {"html": render})["html"]


def _one_render_at_a_time(key: str, latest: str, render):
    def guarded():
        if not cache.add(f"{key}:rendering", 1, RENDER_LOCK_S) and (shown := cache.get(latest)) is not None:
            return Shown(shown)
        try:
            rendered = render()
        finally:
            cache.delete(f"{key}:rendering")
        if isinstance(rendered, Filling):
            cache.set(latest, str(rendered), LATEST_FILLING_TTL)
        return rendered
    return guarded


def cached_fragments(key: str | None, renders: dict) -> dict[str, SafeString]:
    """Several fragments of one page (name -> render callable) in one cache round trip."""
    keys = {name: f"{key}:{name}" for name in renders} if key is not None else {}
    found = {k: html for k in keys.values() if (html := recent_bodies.get(k)) is not None}
    complete = set(found)
    if len(found) < len(keys):
        wanted = [k for k in keys.values() if k not in found]
        got = cache.get_many(wanted + [f"{k}:filling" for k in wanted])
        for k in wanted:
            if k in got:
                found[k] = got[k]
                complete.add(k)
                recent_bodies.put(k, got[k])
            elif f"{k}:filling" in got:
                found[k] = got[f"{k}:filling"]
    out, missing, filling = {}, {}, {}
    for name, render in renders.items():
        html, final = found.get(keys.get(name, "")), keys.get(name) in complete
        if html is None:
            rendered = render()
            html, final = str(rendered), not isinstance(rendered, Filling | Shown)
            if key is not None and not isinstance(rendered, Shown):
                (missing if final else filling)[keys[name]] = html
        # HTML rendered by our templates, stored as is
        out[name] = mark_safe(html) if final else Unfinished(html)  # noqa: S308
    if missing:
        cache.set_many(missing, PAGE_TTL)
        for k, html in missing.items():
            recent_bodies.put(k, html)
    if filling:
        cache.set_many({f"{k}:filling": html for k, html in filling.items()}, FILLING_TTL)
    return out
