"""What the first-contact probe keeps of Océan's answers: every exchange, tokens and personal data removed.

Support reads these files to see what a customer's Océan really sends (the shapes of §7 and §5 are
undocumented). Names, identifiers of people, contact details, positions, addresses, plates and the
server-rendered HTML table are replaced by ``<removed>``; numbers, keys and shapes stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REMOVED = "<removed>"
PERSONAL = frozenset({
    "nomInd", "prenomInd", "matriculeInd", "initialesInd", "gsm", "email", "emailUti", "loginUti", "nomUti",
    "prenomUti", "tel", "nom", "prenom", "matricule", "chauffeur", "matriculeChauffeur", "address",
    "fullAddress", "latitudeY", "longitudeX", "latitude", "longitude", "immatriculation", "htmlTable",
    "token", "login", "password", "numeroPermis", "adresse", "ville", "codePostal", "keyUser", "vin",
    "numeroSerie", "imeiBoi", "description", "descriptionVehicule", "X-AUTH-TOKEN",
})


def scrub(value: Any) -> Any:
    """A copy of ``value`` with every personal field's content replaced."""
    if isinstance(value, dict):
        return {k: (REMOVED if k in PERSONAL and v not in (None, "", [], {}) else scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


@dataclass
class Exchange:
    question: str
    method: str
    path: str
    params: dict
    status: int | None
    body: Any

    def as_dict(self) -> dict:
        return {"question": self.question, "request": f"{self.method} {self.path}",
                "params": scrub(self.params), "status": self.status, "body": scrub(self.body)}


@dataclass
class Answer:
    """One question's verdict. ``matches_config`` is None when Océan's answers could not tell."""

    answer: Any
    evidence: str
    setting: str | None = None
    matches_config: bool | None = True

    def as_dict(self) -> dict:
        return {"answer": self.answer, "evidence": self.evidence, "setting": self.setting,
                "matches_config": self.matches_config}


@dataclass
class ProbeReport:
    questions: dict[str, Answer] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"questions": {name: a.as_dict() for name, a in self.questions.items()}}

    @property
    def to_change(self) -> list[str]:
        """The settings to change: every answer that contradicts the configuration."""
        return [a.setting for a in self.questions.values() if a.matches_config is False and a.setting]

    @property
    def contradicted(self) -> bool:
        return any(a.matches_config is False for a in self.questions.values())
