"""CSV import of accounts: ``matricule,email,role,entity`` (header required).

For the people Ocean has no e-mail for, and for managers and HR. ``;`` or ``,`` delimiters (sniffed),
UTF-8 with or without BOM. Each bad row is reported with its line number and the reason; good rows
are applied. Re-running the same file is harmless: rows already in place are "unchanged" and nobody
is invited twice to the same address.

- role: ``driver`` / ``manager`` / ``hr`` (French ``conducteur`` / ``gestionnaire`` / ``rh`` too);
  empty = driver.
- driver: the matricule must be an Ocean driver of the customer; the account is created (linked by
  ``individu.id``) or its e-mail updated. ``entity``, when given, must be the driver's entity in Ocean
  (it catches a wrong matricule).
- manager / HR: the matricule becomes the username. ``entity`` limits a manager to entities (id or
  name, several separated by ``|``; empty = every entity); HR users see every entity.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from privacy.models import Customer, Role, User
from privacy.onboarding.models import OnboardingRun, RunKind
from privacy.onboarding.services.drivers import (
    CREATED,
    FAILED,
    UNCHANGED,
    UPDATED,
    ReportRow,
    UsernamePool,
    apply_invitations,
    audit_created,
    clean_email,
    linked_individu_ids,
    new_driver_user,
    save_run,
)
from privacy.services.audit import audit_record
from privacy.services.fleet import Fleet, fleet_get
from privacy.services.stored_text import coded

COLUMNS = ("matricule", "email", "role", "entity")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
ROLE_NAMES = {
    "": Role.DRIVER,
    "driver": Role.DRIVER,
    "conducteur": Role.DRIVER,
    "chauffeur": Role.DRIVER,
    "manager": Role.MANAGER,
    "gestionnaire": Role.MANAGER,
    "hr": Role.HR,
    "rh": Role.HR,
}


class CsvFileError(ValueError):
    """The file as a whole cannot be read: nothing is applied."""


@dataclass(frozen=True, slots=True)
class CsvLine:
    line: int
    matricule: str
    email: str
    role: str
    entity: str


def parse_csv(data: bytes) -> list[CsvLine]:
    if len(data) > MAX_BYTES:
        raise CsvFileError(_("The file is larger than 2 MB; split it."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(_("The file is not UTF-8 text: in your spreadsheet, save it as “CSV UTF-8”.")) from None
    if not text.strip():
        raise CsvFileError(_("The file is empty."))
    if "\x00" in text:  # PostgreSQL stores no NUL character; a spreadsheet's CSV never holds one
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CsvFileError(_("Line %(line)s holds a NUL character: this is not a CSV text file.") % {"line": line})
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CsvFileError(
            _("The first line must name the columns %(expected)s; missing: %(missing)s.")
            % {"expected": ", ".join(COLUMNS), "missing": ", ".join(missing)}
        )
    index = {c: header.index(c) for c in COLUMNS}
    lines = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        if len(lines) >= MAX_ROWS:
            raise CsvFileError(_("More than %(max)s rows; split the file.") % {"max": MAX_ROWS})
        cells = {c: (record[i].strip() if i < len(record) else "") for c, i in index.items()}
        lines.append(CsvLine(reader.line_num, **cells))
    if not lines:
        raise CsvFileError(_("The file has a header but no rows."))
    return lines


def _entities(fleet: Fleet, text: str) -> list[int] | str:
    """Entity ids for ``id|name|…``, or the error text for the first unknown one."""
    by_name = {name.strip().lower(): eid for eid, name in fleet.entities.items()}
    ids = []
    for part in (p.strip() for p in text.split("|")):
        if not part:
            continue
        eid = int(part) if part.isdigit() and int(part) in fleet.entities else by_name.get(part.lower())
        if eid is None:
            return coded(gettext_noop("unknown entity “%(entity)s” (known: %(known)s)"), entity=part,
                         known=", ".join(sorted(fleet.entities.values())))
        ids.append(eid)
    return sorted(set(ids))


class _Import:
    def __init__(self, actor: User, customer: Customer) -> None:
        self.actor, self.customer = actor, customer
        self.fleet = fleet_get(customer)
        self.linked = linked_individu_ids(customer)
        self.by_matricule: dict[str, list] = {}
        for driver in self.fleet.drivers.values():
            self.by_matricule.setdefault(driver.matricule.strip().lower(), []).append(driver)
        self.pool = UsernamePool()
        self.seen: dict[str, int] = {}
        self.created: list[User] = []
        self.to_invite: dict[int, tuple[User, ReportRow]] = {}

    def row(self, line: CsvLine) -> ReportRow:
        row = ReportRow(line.matricule, "", FAILED, line=line.line)
        key = line.matricule.lower()
        role = ROLE_NAMES.get(line.role.lower())
        email = clean_email(line.email)
        if not line.matricule:
            row.reason = coded(gettext_noop("the matricule is empty"))
        elif key in self.seen:
            row.reason = coded(gettext_noop("same matricule as line %(line)s"), line=self.seen[key])
        elif line.email and not email:
            row.reason = coded(gettext_noop("invalid e-mail “%(email)s”"), email=line.email)
        elif role is None:
            row.reason = coded(gettext_noop("unknown role “%(role)s”: use driver, manager or hr"), role=line.role)
        elif isinstance(entities := _entities(self.fleet, line.entity), str):
            row.reason = entities
        else:
            self.seen[key] = line.line
            if role == Role.DRIVER:
                self._driver(row, key, email, entities)
            else:
                self._staff(row, key, email, role, entities)
        return row

    def _invite_later(self, user: User, row: ReportRow, email_changed: bool) -> None:
        if (
            user.email
            and not user.has_usable_password()
            and user.is_active
            and (email_changed or not user.invitations.filter(email=user.email, error="").exists())
        ):
            self.to_invite[id(user)] = (user, row)

    def _driver(self, row: ReportRow, key: str, email: str, entities: list[int]) -> None:
        matches = self.by_matricule.get(key, [])
        if len(matches) != 1:
            row.reason = (
                coded(gettext_noop("unknown matricule: no Ocean driver of this customer has it"))
                if not matches
                else coded(gettext_noop("several Ocean drivers have this matricule"))
            )
            return
        driver = matches[0]
        row.name, row.driver_id = driver.full_name, driver.ocean_id
        if entities and entities != [driver.entity_id]:
            row.reason = coded(gettext_noop("this driver is in “%(actual)s” in Ocean, not in the entity given"),
                               actual=driver.entity_name or "—")
            return
        user = self.linked.get(driver.ocean_id)
        if user is None:
            user = new_driver_user(
                driver,
                self.customer,
                self.pool.claim(driver.matricule, driver.ocean_id),
                email or clean_email(driver.email),
            )
            user.save()
            self.linked[driver.ocean_id] = user
            self.created.append(user)
            row.status, row.username = CREATED, user.username
            self._invite_later(user, row, True)
            return
        row.username = user.username
        self._update_email(row, user, email)

    def _update_email(self, row: ReportRow, user: User, email: str) -> bool:
        changed = bool(email) and email.lower() != user.email.lower()
        if changed:
            before = user.email
            user.email = email
            user.save(update_fields=["email"])
            audit_record(
                actor=self.actor,
                action="user.update",
                customer=self.customer,
                driver_id=user.ocean_individu_id,
                target=user.username,
                before={"email": before},
                after={"email": email},
            )
        row.status = UPDATED if changed else UNCHANGED
        self._invite_later(user, row, changed)
        return changed

    def _staff(self, row: ReportRow, key: str, email: str, role: str, entities: list[int]) -> None:
        if role == Role.HR and entities:
            row.reason = coded(gettext_noop("HR users see every entity: leave the entity empty"))
            return
        username = UsernamePool.base(key, 0)
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            if not email:
                row.reason = coded(gettext_noop("an e-mail is required for a manager or HR account"))
                return
            user = User(username=username, email=email, role=role, customer=self.customer, entity_ids=entities)
            user.set_unusable_password()
            user.save()
            self.pool.taken.add(username)
            self.created.append(user)
            row.status, row.username = CREATED, username
            self._invite_later(user, row, True)
            return
        row.username = user.username
        if user.customer_id != self.customer.pk or user.role != role:
            row.status, row.reason = (
                FAILED,
                coded(gettext_noop("the username %(username)s is already used by another account"),
                      username=user.username),
            )
            return
        changed = self._update_email(row, user, email)
        if role == Role.MANAGER and user.entity_ids != entities:
            audit_record(
                actor=self.actor,
                action="user.update",
                customer=self.customer,
                target=user.username,
                before={"entity_ids": user.entity_ids},
                after={"entity_ids": entities},
            )
            user.entity_ids = entities
            user.save(update_fields=["entity_ids"])
            row.status = UPDATED
        elif not changed:
            row.status = UNCHANGED


def import_csv(
    *, actor: User, customer: Customer, data: bytes, filename: str = "", invite: bool = True
) -> OnboardingRun:
    """Apply the good rows, report every row; ``CsvFileError`` when the file itself is unreadable."""
    lines = parse_csv(data)
    job = _Import(actor, customer)
    rows = []
    with transaction.atomic():
        for line in lines:
            try:
                with transaction.atomic():  # a savepoint: one clashing row never undoes the others
                    rows.append(job.row(line))
            except IntegrityError:  # someone created the same account at this very moment
                rows.append(
                    ReportRow(
                        line.matricule, "", FAILED, _("conflict with another change; import again"), line=line.line
                    )
                )
        audit_created(actor, customer, job.created)
    if invite and job.to_invite:
        pairs = list(job.to_invite.values())
        apply_invitations({u.pk: r for u, r in pairs}, [u for u, _r in pairs], actor)
    run = save_run(actor=actor, customer=customer, kind=RunKind.CSV, rows=rows, source=filename)
    audit_record(actor=actor, action="users.import", customer=customer, target=filename or "CSV", after=run.counts)
    return run
