"""Océan telematics REST API client (see docs/ocean-api.md).

The only code in the portal that talks HTTP to Océan. No Django imports:
configuration, token store and rate limiter are passed in.
"""

from .client import OceanClient
from .config import OceanConfig
from .dates import format_fiche_date, format_ocean_datetime, parse_ocean_time, to_utc_from_local
from .errors import OceanAuthError, OceanError, OceanRejected, OceanUnavailable
from .ratelimit import FileTokenBucket, NoRateLimit, RedisTokenBucket
from .tokens import MemoryTokenStore
from .types import (
    Assignment,
    Driver,
    Entity,
    ExceptionalPeriod,
    LoginInfo,
    ScheduleEntry,
    Step,
    StepPoint,
    Vehicle,
)

__all__ = [
    "OceanClient",
    "OceanConfig",
    "OceanError",
    "OceanUnavailable",
    "OceanRejected",
    "OceanAuthError",
    "Driver",
    "Vehicle",
    "Entity",
    "Assignment",
    "ScheduleEntry",
    "ExceptionalPeriod",
    "Step",
    "StepPoint",
    "LoginInfo",
    "MemoryTokenStore",
    "RedisTokenBucket",
    "FileTokenBucket",
    "NoRateLimit",
    "format_ocean_datetime",
    "format_fiche_date",
    "parse_ocean_time",
    "to_utc_from_local",
]
