"""Shared by the benchmarks: requests straight into Django's WSGI handler (no test client, no test
instrumentation) with a real session cookie, and the median (min–max) notation."""
from __future__ import annotations

import io
import statistics
import sys
import time
from datetime import date, timedelta


def last_full_month(today: date) -> date:
    """The month HR pages show in the load benchmarks: the last complete one (the current month is nearly
    empty on the 1st, a lighter page)."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def session_cookie(user, language: str = "fr") -> str:
    """A logged-in session for ``user``, saved in the configured session store, as a Cookie header."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend a login through the form records: the first one that authenticates users (axes only guards).
    session[BACKEND_SESSION_KEY] = next(b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes."))
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; django_language={language}"


class Browser:
    """GET requests handed to the WSGI application as gunicorn would hand them over."""

    def __init__(self, cookie: str):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.cookies = dict(part.strip().split("=", 1) for part in cookie.split(";") if "=" in part)
        self.last_body = b""
        self.last_cpu_ms = 0.0  # CPU time of the last request in this thread: steady when the machine is busy

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _keep_cookies(self, headers) -> None:
        """Like a browser: cookies the answers set (the CSRF cookie, …) are sent with the next requests."""
        for name, value in headers:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _sep, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip().strip('"')

    def get(self, path: str, *, htmx: bool = False) -> float:
        """Milliseconds to answer ``path`` (body read to the end); exits on any status but 200."""
        url, _sep, query = path.partition("?")
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": url, "QUERY_STRING": query, "SERVER_NAME": "localhost",
                   "SERVER_PORT": "80", "HTTP_HOST": "localhost", "SERVER_PROTOCOL": "HTTP/1.1",
                   "REMOTE_ADDR": "127.0.0.1", "HTTP_COOKIE": self.cookie, "HTTP_ACCEPT_LANGUAGE": "fr",
                   "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
                   "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": True,
                   "wsgi.run_once": False}
        if htmx:
            environ["HTTP_HX_REQUEST"] = "true"
        status: list[str] = []
        headers: list = []
        started, cpu = time.perf_counter(), time.thread_time()
        body = self.handler(environ, lambda s, h, _exc=None: (status.append(s), headers.extend(h)))
        content = b"".join(body)
        body.close()
        elapsed = (time.perf_counter() - started) * 1000
        self.last_cpu_ms = (time.thread_time() - cpu) * 1000
        if not status[0].startswith("200") or not content:
            raise SystemExit(f"{path}: {status[0]}")
        self._keep_cookies(headers)
        self.last_body = content
        return elapsed


def spread(values: list[float], digits: int = 1, unit: str = "") -> str:
    return f"{statistics.median(values):.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"
