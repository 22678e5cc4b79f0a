"""Django's database sessions, read with one SQL statement written once.

Every request reads its session. Django's store builds that ``SELECT`` through the ORM each time: ≈ 0.5 ms of
CPU of the ≈ 0.65 ms the read costs (bench/README.md, "The load test"), on every page of every user. The rows,
the expiry rule and everything else (writes, ``clearsessions``, deleting a row to end a session at once) stay
Django's.
"""
from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        using = router.db_for_read(self.model)
        connection = connections[using]
        table = connection.ops.quote_name(self.model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM would store it
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608 - the table's name from the model, quoted; values as parameters
                           [self.session_key, now])
            row = cursor.fetchone()
        if row is None:  # unknown or expired: a new session, as Django's store does
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
