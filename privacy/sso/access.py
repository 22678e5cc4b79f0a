"""IdP groups → the portal access they give: one role, a manager's entity scope, administration.

Pure: no database, no request. ``resolve`` reads the mapping of settings.OIDC_GROUP_ROLES
(``{"group": {"role": "manager", "entities": [122]}}``).
"""
from __future__ import annotations

from dataclasses import dataclass

# When someone's groups give several roles, the widest wins (a user has exactly one role).
ROLE_ORDER = ("manager", "hr", "driver")


@dataclass(frozen=True)
class Access:
    role: str  # "" for an administrator with no role
    entity_ids: tuple[int, ...]  # a manager's scope; () = every entity
    is_staff: bool
    groups: tuple[str, ...]  # the mapped groups it came from (for the audit)


def groups_of(claims: dict, claim: str) -> list[str]:
    """The group names in ``claims[claim]``: a list, or one string (some IdPs send a single group so)."""
    value = claims.get(claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(group) for group in value]
    return []


def resolve(groups: list[str], mapping: dict[str, dict]) -> Access | None:
    """The access these groups give, or None when no group is mapped (the login is refused)."""
    mapped = [group for group in groups if group in mapping]
    if not mapped:
        return None
    roles = {mapping[group]["role"] for group in mapped}
    role = next((name for name in ROLE_ORDER if name in roles), "")
    entities: tuple[int, ...] = ()
    if role == "manager":
        scopes = [mapping[group]["entities"] for group in mapped if mapping[group]["role"] == "manager"]
        # One group without a scope gives every entity; otherwise the scopes add up.
        entities = () if any(not scope for scope in scopes) else tuple(sorted({i for s in scopes for i in s}))
    return Access(role=role, entity_ids=entities, is_staff="admin" in roles, groups=tuple(sorted(mapped)))
