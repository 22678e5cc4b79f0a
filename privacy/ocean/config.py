"""Connection settings, passed in by the caller (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import ZONE_TOKENS


@dataclass(frozen=True, slots=True)
class OceanConfig:
    base_url: str  # e.g. https://v3.oceansystem.com/ocean/restapi (ocean-api §0, §10.1)
    login: str
    password: str = field(repr=False)
    customer_id: int | None = None  # sent as customerId on every call when set (ocean-api §2)
    zone_token: str = "+0000"  # noqa: S105 - not a secret; or "Z" (ocean-api §10.11)
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
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")

    def __repr__(self) -> str:  # login/password stay out of logs and tracebacks
        return (
            f"OceanConfig(base_url={self.base_url!r}, customer_id={self.customer_id!r}, "
            f"zone_token={self.zone_token!r})"
        )
