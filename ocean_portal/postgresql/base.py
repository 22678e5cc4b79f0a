"""Django's PostgreSQL backend with a health check that costs no round trip while nothing is wrong.

``CONN_HEALTH_CHECKS`` checks a persistent connection once per request before it is reused, and Django's
check is a ``SELECT 1``: one more round trip on every page — a report page served from the cache made four,
and under load each one waits for its process's GIL again (bench/README.md, "The load test"). A connection
the server has closed (restart, ``pg_terminate_backend``, an idle timeout) has its socket readable: the
server's last message or the end of the stream is waiting there. A healthy idle connection has nothing to
read. So nothing to read means usable, without a query; anything to read (or an error) falls back to
Django's ``SELECT 1``, which also consumes a notice the server may have sent.
"""
from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            poller = select.poll()  # poll, not select: no limit on the descriptor's number
            poller.register(self.connection.fileno(), select.POLLIN)
            waiting = poller.poll(0)
        except (OSError, ValueError):
            waiting = True
        return not waiting or super().is_usable()
