"""Connection settings, passed in by the caller (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import ZONE_TOKENS

FICHE_ZONES = ("customer", "UTC")  # zone of ficheJour date/heure (D3)
DAY_CUTS = ("local", "UTC")  # how Océan cuts an exceptional period into day slots (D6)


@dataclass(frozen=True, slots=True)
class OceanConfig:
    base_url: str  # e.g. https://v3.oceansystem.com/ocean/restapi (ocean-api §0, §10.1)
    login: str
    password: str = field(repr=False)
    customer_id: int | None = None  # sent as customerId on every call when set (ocean-api §2)
    zone_token: str = "+0000"  # noqa: S105 - not a secret; or "Z" (ocean-api §10.11)
    fiche_jour_tz: str = "customer"  # "UTC" when ficheJour date/heure are UTC wall-clock (D3)
    period_day_cut: str = "local"  # "UTC" when Océan cuts periods into UTC days (D6)
    trip_types: tuple[str, ...] = ("T",)  # ficheJour row types that are trips (D12)
    connect_timeout: float = 3.05
    read_timeout: float = 20.0
    max_retries: int = 3
    backoff_factor: float = 0.5
    backoff_max: float = 10.0

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http(s) URL")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        if self.zone_token not in ZONE_TOKENS:
            raise ValueError(f"zone_token must be one of {ZONE_TOKENS}")
        if self.fiche_jour_tz not in FICHE_ZONES:
            raise ValueError(f"fiche_jour_tz must be one of {FICHE_ZONES}")
        if self.period_day_cut not in DAY_CUTS:
            raise ValueError(f"period_day_cut must be one of {DAY_CUTS}")
        object.__setattr__(self, "trip_types", tuple(self.trip_types))
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")

    def __repr__(self) -> str:  # login/password stay out of logs and tracebacks
        return (
            f"OceanConfig(base_url={self.base_url!r}, customer_id={self.customer_id!r}, "
            f"zone_token={self.zone_token!r})"
        )
