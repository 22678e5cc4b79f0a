"""The client address the login lockout (django-axes) counts failures against.

Behind a reverse proxy every request comes from the proxy's address, so keying failures on it would let
one attacker lock a user out for everyone. ``TRUSTED_PROXIES`` names the proxies (addresses or CIDR
networks) whose ``X-Forwarded-For`` the portal believes; axes calls ``client_ip_address`` through its
documented ``AXES_CLIENT_IP_CALLABLE`` setting.

Only when the connection itself comes from a trusted proxy is the header read, from the right: each
proxy appends the address it saw, so the right-most entry that is not a trusted proxy is the client —
anything further left was written by the client and may be forged. With no trusted proxy (the default)
the header is ignored and the connection's address is used.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _address(text: str):
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(_address(remote or ""), networks):
        return remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            return remote  # a garbled header: fall back to the proxy, never to a forged value
        if not _trusted(address, networks):
            return str(address)
    return remote
