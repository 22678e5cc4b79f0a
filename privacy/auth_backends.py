"""Authentication backend: Django's ModelBackend, loading the user's customer in the same query.

Nearly every page reads ``request.user.customer`` (scope, time zone, Ocean account); with this backend
the session's user and their customer come back in one query instead of two. That query runs on every
request, so its SQL is compiled once per process and database (``UserQuery``): under the load test the ORM
compiling the same 34-column join again took 10 % of the web processes' CPU (bench/README.md). The rows
still become a ``User`` and its ``Customer`` through Django's own steps (its column converters,
``Model.from_db``, the related populator), exactly as ``select_related("customer").get(pk=…)`` builds them.
"""
from __future__ import annotations

import threading

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models.query import get_related_populators

_queries: dict[tuple[type, str], UserQuery] = {}
_queries_lock = threading.Lock()


class UserQuery:
    """``model.objects.select_related("customer").filter(pk=…)`` compiled once; ``get(pk)`` runs it."""

    def __init__(self, model, using: str) -> None:
        self.model, self.using = model, using
        compiler = model._default_manager.select_related("customer").filter(pk=0).query.get_compiler(using)
        self.sql, params = compiler.as_sql()  # also fills the compiler's select and klass_info
        if list(params) != [0]:
            raise ValueError(f"the user query takes one parameter, the primary key, not {params!r}")
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start:self.end]]
        self.populators = get_related_populators(klass_info, select, using)
        self.query, self.columns = compiler.query, [column[0] for column in select]
        # No connection is kept here: a compiler (and its converters) belongs to one thread's connection, and
        # holding one would keep that thread's database session open after the thread ended.
        self._local = threading.local()

    def _thread_compiler(self, connection) -> tuple:
        """Django's compiler for the asking thread's connection and the columns' converters (dates on SQLite,
        JSON, …) it finds, kept for that thread only."""
        kept = getattr(self._local, "compiler", None)
        if kept is None or kept[0] is not connection:
            compiler = self.query.get_compiler(connection=connection)
            kept = self._local.compiler = (connection, compiler, compiler.get_converters(self.columns))
        return kept[1], kept[2]

    @classmethod
    def of(cls, model) -> UserQuery:
        using = router.db_for_read(model)
        key = (model, using)
        query = _queries.get(key)
        if query is None:
            with _queries_lock:  # compiled by one thread: the others wait for it
                query = _queries.get(key)
                if query is None:
                    query = _queries[key] = cls(model, using)
        return query

    def get(self, pk):
        """The user with this primary key and its customer, or None."""
        connection = connections[self.using]
        field = self.model._meta.pk
        try:
            pk = field.get_db_prep_value(field.to_python(pk), connection)
        except (ValidationError, TypeError, ValueError):
            return None
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        compiler, converters = self._thread_compiler(connection)
        if converters:
            row = next(compiler.apply_converters([row], converters))
        user = self.model.from_db(self.using, self.init_list, row[self.start:self.end])
        for populator in self.populators:
            populator.populate(row, user)
        return user


class CustomerModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = UserQuery.of(get_user_model()).get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
