"""gunicorn's settings for the portal, read by the Dockerfile, the Procfile and ``bench/load.py``
(``gunicorn -c python:ocean_portal.gunicorn_conf ocean_portal.wsgi``).

Why these numbers (bench/README.md, "The load test"): a gunicorn process runs its Python one thread at a time
(the GIL), and ``requests.Session`` clients keep their connection on one process, so with 2 processes on a
2-core machine one of them saturated while the machine still had CPU to spare — report pages queued behind it
(p95 0.9–1.2 s at 50 users). gunicorn's own advice, 2 × cores + 1 processes, spreads the same load (p95 ≈ 0.17 s).
Threads stay at 8 per process because pages that wait on Océan (its rate limit is shared) hold a thread while
they wait; waiting costs no CPU.
"""
from __future__ import annotations

import multiprocessing
import os
import sys

workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("WEB_THREADS") or 8)
worker_class = "gthread"
# A page waiting on Océan gives up well before this (the client's own timeouts); beyond it a worker is stuck.
timeout = 60
# Browsers and the TLS proxy reuse connections: a little longer than gunicorn's 2 s so a person's next click
# (or htmx's follow-up request) finds its connection still open.
keepalive = 5

# How often a thread waiting for the GIL makes the running one hand it over: Python's 5 ms let a page that
# needs 3 ms of CPU wait 5 ms at each of its database and cache round trips behind a busy neighbour thread.
# At 1 ms the load test's report pages' p95 went from 204 / 926 ms to 127 / 150 / 141 ms (interleaved runs,
# bench/README.md "The load test"); the cost is more hand-overs for pages that compute a lot.
switch_interval_ms = float(os.environ.get("WEB_SWITCH_INTERVAL_MS") or 1)


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """Each worker process (not the arbiter) takes the shorter GIL switch interval."""
    sys.setswitchinterval(switch_interval_ms / 1000)


def post_worker_init(worker):
    """Before the process takes a request: the URLconf, the catalogs and the templates its first requests
    would otherwise load under load (``ocean_portal/warmup.py``)."""
    from ocean_portal.warmup import warm

    done = warm()
    worker.log.info("warmed: %(templates)s templates, %(languages)s languages", done)
