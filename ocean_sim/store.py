"""SQLite persistence for everything the API can write: recurring schedule versions, exceptional
periods and a-posteriori step declarations. One connection guarded by a lock (the server is
threaded); every public method is one transaction, so a failed call leaves no partial write."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seq (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rec_version (
    id INTEGER PRIMARY KEY, individu_id INTEGER NOT NULL, debut_ms INTEGER NOT NULL, fin_ms INTEGER);
CREATE TABLE IF NOT EXISTS rec_slot (
    id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL REFERENCES rec_version(id) ON DELETE CASCADE,
    horaire_id INTEGER NOT NULL, jour TEXT NOT NULL,
    dh INTEGER NOT NULL, dm INTEGER NOT NULL, fh INTEGER NOT NULL, fm INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS rec_version_individu ON rec_version (individu_id);
CREATE INDEX IF NOT EXISTS rec_slot_version ON rec_slot (version_id);
CREATE TABLE IF NOT EXISTS exc (
    id INTEGER PRIMARY KEY, ext_id INTEGER NOT NULL UNIQUE, individu_id INTEGER NOT NULL,
    description TEXT NOT NULL, debut_ms INTEGER NOT NULL, fin_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS decl (
    numero_embarque INTEGER NOT NULL, id_etape INTEGER NOT NULL, privacy INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL, PRIMARY KEY (numero_embarque, id_etape));
"""
ID_START = 1_110_000_002
Slot = tuple[str, int, int, int, int]  # (jour, debutHeure, debutMinute, finHeure, finMinute)


@dataclass
class Version:
    id: int
    individu_id: int
    debut_ms: int
    fin_ms: int | None
    slots: list[tuple[int, int, Slot]] = field(default_factory=list)  # (horaireIndividu id, horaire id, slot)


@dataclass
class Exceptional:
    id: int
    ext_id: int
    individu_id: int
    description: str
    debut_ms: int
    fin_ms: int


class Store:
    def __init__(self, db_path: str | None):
        self.path = db_path or ":memory:"
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        if db_path:
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(SCHEMA)

    @contextmanager
    def tx(self):
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ----- meta / ids -----------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @staticmethod
    def _next_id(db: sqlite3.Connection) -> int:
        row = db.execute("SELECT value FROM seq WHERE name = 'id'").fetchone()
        value = row[0] if row else ID_START
        db.execute("INSERT OR REPLACE INTO seq VALUES ('id', ?)", (value + 1,))
        return value

    def wipe(self) -> None:
        with self.tx() as db:
            for table in ("rec_slot", "rec_version", "exc", "decl", "seq"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names

    # ----- recurring schedules --------------------------------------------------------------
    def versions(self, individu_id: int | None = None) -> list[Version]:
        with self._lock:
            q = "SELECT id, individu_id, debut_ms, fin_ms FROM rec_version"
            rows = self._db.execute(
                q + (" WHERE individu_id = ?" if individu_id is not None else "") + " ORDER BY debut_ms, id",
                (individu_id,) if individu_id is not None else (),
            )
            out = {r[0]: Version(*r) for r in rows.fetchall()}
            slots = "SELECT id, version_id, horaire_id, jour, dh, dm, fh, fm FROM rec_slot"
            if individu_id is not None:  # one driver's slots only, not the whole fleet's
                slots += " WHERE version_id IN (SELECT id FROM rec_version WHERE individu_id = ?)"
            for s in self._db.execute(slots + " ORDER BY id", (individu_id,) if individu_id is not None else ()):
                if s[1] in out:
                    out[s[1]].slots.append((s[0], s[2], (s[3], s[4], s[5], s[6], s[7])))
        return list(out.values())

    def _insert_version(
        self, db, individu_id: int, debut_ms: int, fin_ms: int | None, slots: Iterable[Slot]
    ) -> None:
        vid = self._next_id(db)
        db.execute("INSERT INTO rec_version VALUES (?, ?, ?, ?)", (vid, individu_id, debut_ms, fin_ms))
        for slot in slots:
            db.execute(
                "INSERT INTO rec_slot VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (self._next_id(db), vid, self._next_id(db), *slot),
            )

    def seed_version(self, individu_id: int, debut_ms: int, slots: list[Slot]) -> None:
        self.seed_versions([individu_id], debut_ms, slots)

    def seed_versions(self, individu_ids: Iterable[int], debut_ms: int, slots: list[Slot]) -> None:
        """The same open-ended week for many drivers, in one transaction (a 5,000-driver fleet seeds fast)."""
        with self.tx() as db:
            for individu_id in individu_ids:
                self._insert_version(db, individu_id, debut_ms, None, slots)

    def replace_week(self, individu_id: int, debut_ms: int, fin_ms: int | None, slots: list[Slot]) -> None:
        """Versions starting at/after ``debut_ms`` are dropped, the one running then is closed at
        ``debut_ms``, and a new version [debut_ms, fin_ms) holds ``slots`` (none if empty)."""
        with self.tx() as db:
            for vid, vdeb, vfin in db.execute(
                "SELECT id, debut_ms, fin_ms FROM rec_version WHERE individu_id = ?", (individu_id,)
            ).fetchall():
                if vdeb >= debut_ms:
                    db.execute("DELETE FROM rec_version WHERE id = ?", (vid,))
                elif vfin is None or vfin > debut_ms:
                    db.execute("UPDATE rec_version SET fin_ms = ? WHERE id = ?", (debut_ms, vid))
            if slots:
                self._insert_version(db, individu_id, debut_ms, fin_ms, slots)

    def remove_slots(self, individu_id: int, slot_ids: set[int], now_ms: int) -> bool:
        """Remove slots from the version(s) holding them, never touching the past. Returns False
        (and writes nothing) if an id is unknown or belongs to a version already closed."""
        with self.tx() as db:
            versions = [v for v in self.versions(individu_id) if v.fin_ms is None or v.fin_ms > now_ms]
            known = {sid for v in versions for sid, _, _ in v.slots}
            if not slot_ids or not slot_ids <= known:
                return False
            for v in versions:
                if not any(sid in slot_ids for sid, _, _ in v.slots):
                    continue
                remaining = [slot for sid, _, slot in v.slots if sid not in slot_ids]
                start = max(v.debut_ms, now_ms)
                if v.debut_ms >= now_ms:
                    db.execute("DELETE FROM rec_version WHERE id = ?", (v.id,))
                else:
                    db.execute("UPDATE rec_version SET fin_ms = ? WHERE id = ?", (now_ms, v.id))
                if remaining:
                    self._insert_version(db, individu_id, start, v.fin_ms, remaining)
            return True

    # ----- exceptional periods --------------------------------------------------------------
    def exceptionals(self, individu_id: int | None = None) -> list[Exceptional]:
        with self._lock:
            q = "SELECT id, ext_id, individu_id, description, debut_ms, fin_ms FROM exc"
            args: tuple = ()
            if individu_id is not None:
                q, args = q + " WHERE individu_id = ?", (individu_id,)
            return [Exceptional(*r) for r in self._db.execute(q + " ORDER BY debut_ms, id", args)]

    def exceptional_by_ext(self, ext_id: int) -> Exceptional | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, ext_id, individu_id, description, debut_ms, fin_ms FROM exc WHERE ext_id = ?",
                (ext_id,),
            ).fetchone()
        return Exceptional(*row) if row else None

    def add_exceptional(self, individu_id: int, description: str, debut_ms: int, fin_ms: int) -> Exceptional:
        with self.tx() as db:
            eid, ext = self._next_id(db), self._next_id(db)
            db.execute(
                "INSERT INTO exc VALUES (?, ?, ?, ?, ?, ?)",
                (eid, ext, individu_id, description, debut_ms, fin_ms),
            )
        return Exceptional(eid, ext, individu_id, description, debut_ms, fin_ms)

    def update_exceptional(self, ext_id: int, description: str, debut_ms: int, fin_ms: int) -> None:
        with self.tx() as db:
            db.execute(
                "UPDATE exc SET description = ?, debut_ms = ?, fin_ms = ? WHERE ext_id = ?",
                (description, debut_ms, fin_ms, ext_id),
            )

    def delete_exceptionals(self, ext_ids: set[int]) -> None:
        with self.tx() as db:
            db.executemany("DELETE FROM exc WHERE ext_id = ?", [(e,) for e in ext_ids])

    # ----- declarations ---------------------------------------------------------------------
    def declare(self, numero_embarque: int, id_etape: int, privacy: bool, now_ms: int) -> None:
        with self.tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO decl VALUES (?, ?, ?, ?)",
                (numero_embarque, id_etape, int(privacy), now_ms),
            )

    def undeclare(self, numero_embarque: int, id_etape: int) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM decl WHERE numero_embarque = ? AND id_etape = ?", (numero_embarque, id_etape))

    def declarations(self) -> dict[tuple[int, int], bool]:
        with self._lock:
            return {
                (ne, ie): bool(p)
                for ne, ie, p in self._db.execute("SELECT numero_embarque, id_etape, privacy FROM decl")
            }
