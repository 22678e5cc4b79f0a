"""Words and official sources of the benefit in kind, for pages and exports (rules-fr §B).

The engine (``privacy.reports.benefit``) keeps short internal keys (``from-2025-02``, ``all_in``…);
nothing on a page or in a file shows them: they go through the functions here. Each rate and
abatement is quoted with the official text it comes from (links as in docs/rules-fr.md, Sources).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ARRETE_2025 = "https://www.legifrance.gouv.fr/eli/arrete/2025/2/25/TSSS2505703A/jo/texte"
ARRETE_2002 = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000428042"
BOSS_AEN = ("https://boss.gouv.fr/portail/accueil/avantages-en-nature-et-frais-pro/"
            "avantages-en-nature.html")
URSSAF_AEN = ("https://v4www2.urssaf.fr/portail/sites/urssaf/home/employeur/calculer-les-cotisations/"
              "les-elements-a-prendre-en-compte/les-avantages-en-nature/lavantage-en-nature-vehicule/"
              "levaluation-de-lavantage-pour-un.html")


@dataclass(frozen=True)
class Source:
    title: str
    url: str


def _sources() -> dict[str, Source]:
    return {
        "arrete-2025": Source(_("Arrêté of 25 February 2025 (JO of 27 February 2025)"), ARRETE_2025),
        "arrete-2002": Source(_("Arrêté of 10 December 2002, as in force until 31 January 2025"), ARRETE_2002),
        "boss": Source(_("BOSS, « Avantages en nature »"), BOSS_AEN),
        "urssaf": Source(_("URSSAF, valuation of the vehicle benefit"), URSSAF_AEN),
    }


REGIMES = {
    "from-2025-02": gettext_lazy("attributed from 1 February 2025"),
    "before-2025-02": gettext_lazy("attributed up to 31 January 2025"),
}
OPTIONS = {
    "without_fuel": gettext_lazy("fuel not paid by the employer"),
    "rate_plus_fuel": gettext_lazy("rate + actual private fuel"),
    "all_in": gettext_lazy("all in (fuel included)"),
}
METHODS = {
    "flat": gettext_lazy("Flat rate"),
    "actual": gettext_lazy("Actual expenses"),
}
ACQUISITIONS = {"purchase": gettext_lazy("bought"), "lease": gettext_lazy("leased")}


def regime_words(key: str) -> str:
    return str(REGIMES.get(key, key))


def option_words(key: str | None) -> str:
    return str(OPTIONS.get(key or "", key or ""))


def method_words(key: str) -> str:
    return str(METHODS.get(key, key))


def regime_rates(key: str) -> dict:
    """The flat rates of one regime in words, with the text they come from (for the page intro)."""
    if key == "from-2025-02":
        text = _("vehicles attributed from 1 February 2025: bought 15 % (10 % after 5 years), 20 % / 15 % "
                 "all in with fuel; leased 50 % of the yearly global cost, 67 % all in with fuel")
        return {"key": key, "text": text, "sources": [_sources()["arrete-2025"], _sources()["boss"]]}
    text = _("vehicles attributed up to 31 January 2025: bought 9 % (6 % after 5 years), 12 % / 9 % all in "
             "with fuel; leased 30 % of the yearly global cost, 40 % all in with fuel")
    return {"key": key, "text": text, "sources": [_sources()["arrete-2002"], _sources()["urssaf"]]}


def actual_rates() -> dict:
    text = _("actual expenses: (20 % of the purchase price — 10 % after 5 years — or the yearly rent, "
             "+ insurance + maintenance) × private km / total km, + private fuel paid by the employer")
    return {"key": "actual", "text": text, "sources": [_sources()["urssaf"], _sources()["boss"]]}


def abatement_words(result_inputs: dict, *, forfait: bool) -> dict | None:
    """The electric abatement applied to a result, in words with its source, or None."""
    rate, cap = result_inputs.get("abatement_rate"), result_inputs.get("abatement_cap")
    if rate is None:
        return None
    regime = result_inputs.get("abatement_regime", "")
    sources = _sources()
    if regime == "ev-2025" and forfait:
        text = _("Electric vehicle attributed from 1 February 2025 to 31 December 2027, environmental "
                 "score ≥ 60: flat rate reduced by 70 %, at most €4,582 a year")
        quoted = [sources["arrete-2025"], sources["boss"]]
    elif regime == "ev-2025":
        text = _("Electric vehicle attributed from 1 February 2025, actual expenses: reduced by 50 %, "
                 "at most €2,000.30 a year (to check against the BOSS, rules-fr §B5)")
        quoted = [sources["arrete-2025"], sources["boss"]]
    else:
        text = _("Electric vehicle attributed from 1 January 2020 to 31 January 2025: reduced by 50 %, "
                 "at most €2,000.30 a year")
        quoted = [sources["boss"]]
    return {"text": text, "rate": rate, "cap": cap, "sources": quoted}


def sources() -> dict[str, Source]:
    return _sources()
