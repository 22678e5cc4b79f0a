"""Leases on background work: take, beat, release — and find the ones whose holder died.

``with leased("bulk-item", item.pk) as lease:`` takes the lease (or yields None when a live process
holds it), keeps it alive from a heartbeat thread every ``LEASE_TTL_S / 3`` seconds and releases it on
the way out. A lease is free when released, expired, or held by a process of this host that no longer
exists (a killed pool process is noticed at once instead of after the TTL; "this host" is the hostname,
so containers sharing one hostname but not their process ids must not share a database — Docker gives
each container its own). The recovery task (privacy/services/recovery.py) asks ``lease_is_live`` before
resuming work.
"""
from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from privacy.models import Lease

log = logging.getLogger(__name__)
HOST = socket.gethostname()[:60]


def _ttl() -> timedelta:
    return timedelta(seconds=settings.LEASE_TTL_S)


def _owner() -> str:
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _holder_dead(owner: str) -> bool:
    """The holder ran on this host and its process is gone (pid reuse only delays the take-over)."""
    host, _sep, rest = owner.rpartition(":")[0].rpartition(":")
    if host != HOST or not rest.isdigit():
        return False
    try:
        os.kill(int(rest), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # exists, owned by another user
    return False


def lease_is_live(lease: Lease | None) -> bool:
    if lease is None or not lease.owner:
        return False
    return lease.expires_at is not None and lease.expires_at > timezone.now() and not _holder_dead(lease.owner)


def lease_take(kind: str, object_id: int) -> Lease | None:
    """Take the lease of one unit of work; None when a live process holds it."""
    now = timezone.now()
    owner = _owner()
    try:
        with transaction.atomic():
            Lease.objects.get_or_create(kind=kind, object_id=object_id)
    except IntegrityError:
        pass  # created meanwhile by another process
    current = Lease.objects.filter(kind=kind, object_id=object_id).first()
    if current is None or lease_is_live(current):
        return None
    free = Q(owner="") | Q(expires_at__lt=now) | Q(expires_at__isnull=True) | Q(owner=current.owner)
    taken = Lease.objects.filter(free, pk=current.pk).update(
        owner=owner, expires_at=now + _ttl(), heartbeat_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    return Lease.objects.get(pk=current.pk) if taken else None


def lease_beat(lease: Lease) -> bool:
    """Extend the lease; False when this process lost it (it expired and someone else took it)."""
    now = timezone.now()
    return bool(Lease.objects.filter(pk=lease.pk, owner=lease.owner).update(
        expires_at=now + _ttl(), heartbeat_at=now, updated_at=now))


def lease_release(lease: Lease) -> None:
    Lease.objects.filter(pk=lease.pk, owner=lease.owner).update(owner="", expires_at=None,
                                                                 updated_at=timezone.now())


def lease_wait(kind: str, object_id: int, *, seconds: float) -> None:
    """Released, but the work resumes by itself later (a retry with a countdown, a re-queued task):
    recovery leaves it alone until then (``lease_waiting``); any process may take it meanwhile."""
    Lease.objects.update_or_create(kind=kind, object_id=object_id, defaults={
        "owner": "", "expires_at": timezone.now() + timedelta(seconds=seconds)})


def lease_waiting(lease: Lease | None) -> bool:
    return lease is not None and not lease.owner and lease.expires_at is not None \
        and lease.expires_at > timezone.now()


def lease_of(kind: str, object_id: int) -> Lease | None:
    return Lease.objects.filter(kind=kind, object_id=object_id).first()


def leases_dead(kind: str) -> list[Lease]:
    """Leases still held (not released) whose holder stopped beating or no longer exists."""
    held = Lease.objects.filter(kind=kind).exclude(owner="").order_by("pk")[:500]
    return [lease for lease in held if not lease_is_live(lease)]


def leases_purge(*, older_than: timedelta = timedelta(days=2)) -> int:
    return Lease.objects.filter(owner="", updated_at__lt=timezone.now() - older_than).delete()[0]


class _Heartbeat(threading.Thread):
    def __init__(self, lease: Lease) -> None:
        super().__init__(name=f"lease-{lease.kind}-{lease.object_id}", daemon=True)
        self.lease, self.stop = lease, threading.Event()

    def run(self) -> None:
        every = max(0.5, settings.LEASE_TTL_S / 3)
        try:
            while not self.stop.wait(every):
                try:
                    if not lease_beat(self.lease):
                        log.warning("lease %s:%s lost", self.lease.kind, self.lease.object_id)
                        return
                except Exception:  # noqa: BLE001 - a missed beat only shortens the lease
                    log.warning("lease %s:%s: heartbeat failed", self.lease.kind, self.lease.object_id)
                    close_old_connections()
        finally:
            connection.close()


@contextmanager
def lease_held(lease: Lease) -> Iterator[Lease]:
    """Keep a taken lease alive (heartbeat thread) during the block, then release it."""
    beat = _Heartbeat(lease) if settings.LEASE_HEARTBEAT_THREAD else None
    if beat is not None:
        beat.start()
    try:
        yield lease
    finally:
        if beat is not None:
            beat.stop.set()
            beat.join(timeout=5)
        lease_release(lease)


def lease_take_within(kind: str, object_id: int, *, seconds: float, poll: float = 0.25) -> Lease | None:
    """``lease_take``, trying again every ``poll`` seconds for up to ``seconds`` while a live holder has it."""
    lease = lease_take(kind, object_id)
    for _attempt in range(math.ceil(seconds / poll)):
        if lease is not None:
            break
        time.sleep(poll)
        lease = lease_take(kind, object_id)
    return lease


@contextmanager
def leased(kind: str, object_id: int, *, wait: float = 0) -> Iterator[Lease | None]:
    """Hold the lease of one unit of work for the block (None: a live process holds it, do nothing).
    ``wait``: seconds to wait for that holder to finish first."""
    lease = lease_take_within(kind, object_id, seconds=wait)
    if lease is None:
        yield None
        return
    with lease_held(lease):
        yield lease
