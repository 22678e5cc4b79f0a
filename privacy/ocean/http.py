"""HTTP plumbing: session, timeouts, rate limit, retries, token, error mapping.

Our own small retry loop (instead of urllib3 `Retry`) because retry safety is a
property of each *call*, not of the HTTP method: some POSTs are idempotent
(recurring schedule, declarations, analysis) and some are not (exceptional
periods). Log lines carry method + endpoint path + status + duration only —
never the query string, body, token or password.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from .errors import OceanAuthError, OceanRejected, OceanUnavailable
from .parse import decode, describe_error, login_info
from .tokens import TokenManager, store_key
from .types import LoginInfo

log = logging.getLogger("privacy.ocean")

# A body cut mid-read (ChunkedEncodingError) counts as a network failure, like a reset.
NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
TRANSIENT = frozenset({408, 429, 500, 502, 503, 504})
LOGIN_PATH = "auth/authenticate2"
FORBIDDEN_MEMORY = 600.0  # seconds a 403 that survived a fresh token is taken as a refusal at once


def _not_sent(exc: Exception) -> bool:
    """True when the request certainly never reached the server (safe to resend any call)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)


POOL_SIZE = 32  # connections kept open to Océan per process: above a burst (OCEAN_BURST, 20 by default)


def _session(base_url: str) -> requests.Session:
    """A session that reads the environment's proxy settings (``HTTPS_PROXY``, ``NO_PROXY``…) once: by default
    requests scans the whole environment and ``~/.netrc`` on every call (≈ 1 ms each, a tenth of a cold week's
    own work, issue 16). The token is sent in a header, so ``.netrc`` credentials never applied."""
    session = requests.Session()
    # One session serves every thread of the process: a pool the size of urllib3's default (10) dropped and
    # reopened connections while a week's 12 reads (or several pages' bursts) were in flight — a new TCP and
    # TLS handshake with Océan for each one beyond ten.
    adapter = HTTPAdapter(pool_maxsize=POOL_SIZE)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    # what requests would take from the environment on each call: a company CA bundle
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False
    return session


class Transport:
    def __init__(
        self,
        config,
        *,
        token_store,
        rate_limiter,
        session: requests.Session | None,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        rand: Callable[[float, float], float] = random.uniform,
    ) -> None:
        self.config = config
        self.session = session or _session(config.base_url)
        self.limiter = rate_limiter
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self.last_login: LoginInfo | None = None
        self._forbidden: dict[str, float] = {}  # path -> until when a 403 is a plain refusal
        self.tokens = TokenManager(
            token_store, store_key(config.base_url, config.login), self._login_token, clock=clock, sleep=sleep
        )

    def __repr__(self) -> str:
        return f"Transport(base_url={self.config.base_url!r})"

    # -- helpers -------------------------------------------------------------
    def _safe(self, text: str, token: str | None = None) -> str:
        """Scrub secrets from any text that may end up in an exception or a log."""
        for secret in (self.config.password, token, (self.tokens._local or {}).get("token")):
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with 'equal jitter', capped by backoff_max."""
        base = min(self.config.backoff_max, self.config.backoff_factor * (2**attempt))
        return base / 2 + self._rand(0, base / 2)

    def _retry_after(self, resp: requests.Response) -> float | None:
        value = resp.headers.get("Retry-After")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - self._clock())
        except (TypeError, ValueError, IndexError):
            return None

    # -- one HTTP exchange with retries ---------------------------------------
    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        headers: dict | None = None,
        idempotent: bool,
        stream: bool = False,
        base_url: str | None = None,
        read_timeout: float | None = None,
    ) -> requests.Response:
        """Send with bounded retries; returns the last response (any status) or raises
        OceanUnavailable for network errors / transient statuses once retries are spent."""
        url = f"{(base_url or self.config.base_url).rstrip('/')}/{path}"
        timeout = (self.config.connect_timeout, read_timeout or self.config.read_timeout)
        attempt = 0
        while True:
            self.limiter.acquire()
            started = time.monotonic()
            try:
                resp = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers=headers,
                    timeout=timeout,
                    stream=stream,
                    allow_redirects=False,
                )
            except NETWORK_ERRORS as exc:
                elapsed = (time.monotonic() - started) * 1000
                log.warning("ocean %s %s -> %s after %.0f ms", method, path, type(exc).__name__, elapsed)
                retryable = idempotent or _not_sent(exc)
                if retryable and attempt < self.config.max_retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise OceanUnavailable(
                    f"Ocean unreachable ({type(exc).__name__}) on {method} {path}",
                    outcome_unknown=not idempotent and not _not_sent(exc),
                ) from None
            elapsed = (time.monotonic() - started) * 1000
            status = resp.status_code
            level = logging.DEBUG if status < 400 else logging.WARNING
            log.log(level, "ocean %s %s -> %s in %.0f ms", method, path, status, elapsed)
            retryable = status in TRANSIENT and (idempotent or status == 429)
            if not retryable:
                return resp
            retry_after = self._retry_after(resp)
            if attempt >= self.config.max_retries or (retry_after or 0) > self.config.backoff_max:
                resp.close()
                raise OceanUnavailable(
                    f"Ocean answered HTTP {status} on {method} {path}", status=status, retry_after=retry_after
                )
            resp.close()
            self._sleep(retry_after if retry_after is not None else self._backoff(attempt))
            attempt += 1

    def check(
        self, resp: requests.Response, method: str, path: str, idempotent: bool, token: str | None = None
    ) -> None:
        """Map a non-2xx response to the error hierarchy (2xx: return)."""
        status = resp.status_code
        if 200 <= status < 300:
            return
        text = self._safe(describe_error(resp.content), token)
        resp.close()
        if status == 401:
            raise OceanAuthError(f"Ocean refused the session token on {method} {path}", status=401)
        if status in TRANSIENT or status >= 500:
            raise OceanUnavailable(
                f"Ocean answered HTTP {status} on {method} {path}",
                status=status,
                outcome_unknown=not idempotent and status != 429,
            )
        if 300 <= status < 400:
            raise OceanRejected(status, f"unexpected redirect on {method} {path}")
        raise OceanRejected(status, text or f"{method} {path}")

    # -- authentication ---------------------------------------------------------
    def login(self) -> LoginInfo:
        """POST auth/authenticate2 with the JSON body only (ocean-api §1.1); stores the token."""
        token, info = self._authenticate()
        self.tokens.store_new(token)
        return info

    def _login_token(self) -> str:
        return self._authenticate()[0]

    def _authenticate(self) -> tuple[str, LoginInfo]:
        body = {"login": self.config.login, "password": self.config.password}
        resp = self.send(
            "POST", LOGIN_PATH, json=body, headers={"Accept": "application/json"}, idempotent=True
        )
        if resp.status_code in (401, 403):
            text = self._safe(describe_error(resp.content))
            resp.close()
            raise OceanAuthError(
                f"Ocean login refused (HTTP {resp.status_code}) {text}".strip(), status=resp.status_code
            )
        self.check(resp, "POST", LOGIN_PATH, True)
        payload = decode(resp.content)
        token = payload.get("token") if isinstance(payload, dict) else None
        if not token or not isinstance(token, str):
            raise OceanAuthError("Ocean login answered without a token", status=resp.status_code)
        info = login_info(payload)
        self.last_login = info
        if info.password_expiration_days is not None and info.password_expiration_days <= 7:
            log.warning("ocean password expires in %s day(s)", info.password_expiration_days)
        return token, info

    # -- authenticated call -------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        idempotent: bool,
        stream: bool = False,
        base_url: str | None = None,
        read_timeout: float | None = None,
    ) -> requests.Response:
        """Authenticated request with customerId; one re-login + one replay on 401, and on 403 too
        (Océan lists 403 on every endpoint: an expired token may get it, D9). A 403 that survives a
        fresh token is a refusal, and that endpoint's 403s are refused at once for a while.
        Returns a 2xx response or raises an OceanError."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        if self.config.customer_id is not None:
            query["customerId"] = self.config.customer_id
        token = self.tokens.current()
        for replay in (False, True):
            headers = {"Accept": "application/json", "X-AUTH-TOKEN": token}
            resp = self.send(
                method,
                path,
                params=query,
                json=json,
                headers=headers,
                idempotent=idempotent,
                stream=stream,
                base_url=base_url,
                read_timeout=read_timeout,
            )
            status = resp.status_code
            stale = status == 401 or (status == 403 and not self._known_forbidden(path))
            if stale and not replay:
                # Refused before being processed: replaying is safe for every call.
                resp.close()
                token = self.tokens.renew(stale=token)
                continue
            if status == 401:
                resp.close()
                break
            if status == 403 and replay:
                self._forbidden[path] = self._clock() + FORBIDDEN_MEMORY
                log.info("ocean %s %s: 403 with a fresh token, a refusal", method, path)
            self.check(resp, method, path, idempotent, token)
            return resp
        raise OceanAuthError(f"Ocean refused a fresh session token on {method} {path}", status=401)

    def _known_forbidden(self, path: str) -> bool:
        until = self._forbidden.get(path)
        return until is not None and until > self._clock()
