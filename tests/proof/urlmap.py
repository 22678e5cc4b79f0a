"""Every URL pattern of the project, from the resolver: the role matrix and the CSRF test iterate it,
so a new route is covered (or fails loudly) without anyone remembering to list it."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Django's admin internals are Django's (tested upstream); we check the index and our read-only audit
# pages explicitly. Static files are served by whitenoise, not by a view.
SKIPPED_PREFIXES = ("admin/",)
KEPT_ADMIN_NAMES = {"admin:index"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" as reverse() takes it
    pattern: str  # e.g. "drivers/<int:driver_id>/"
    params: tuple[str, ...]  # path converter names, in order


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Route(
                name=namespace + (entry.name or f"<unnamed {prefix}{entry.pattern}>"),
                pattern=prefix + str(entry.pattern),
                params=tuple(entry.pattern.converters),
            )


def project_routes() -> list[Route]:
    """Every named route the project serves, except Django admin internals (index kept)."""
    routes = []
    for route in _walk(get_resolver()):
        if route.pattern.startswith(SKIPPED_PREFIXES) and route.name not in KEPT_ADMIN_NAMES:
            continue
        routes.append(route)
    return routes
