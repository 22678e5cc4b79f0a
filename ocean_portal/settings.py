"""Ocean Portal settings: every deployment value comes from the environment (django-environ).

With no environment at all the portal runs on its *embedded default*: SQLite, a file-based cache,
Celery on kombu's filesystem transport and the Ocean simulator on 127.0.0.1:SIM_PORT (8001), all under
``var/``; the portal itself answers on 127.0.0.1:PORT (8000).
``DATABASE_URL`` / ``REDIS_URL`` / ``OCEAN_*`` switch to PostgreSQL, Redis and the real API.
Each variable is documented in ``.env.example``.
"""
from __future__ import annotations

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from ocean_portal.sso_settings import idp_origins, oidc_settings

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if env.bool("READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The two ports of `make run` (the portal's gunicorn and the Ocean simulator). They only give the
# defaults of PORTAL_BASE_URL and OCEAN_BASE_URL below; those, when set, win.
PORT = env.int("PORT", default=8000)
SIM_PORT = env.int("SIM_PORT", default=8001)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/ (never a constant)."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "privacy.middleware.HtmxLoginRedirectMiddleware",
    "privacy.middleware.NoStoreMiddleware",
    "privacy.middleware.QueryStringGuardMiddleware",
    "privacy.idempotency.IdempotencyMiddleware",
    "csp.middleware.CSPMiddleware",
    # AxesMiddleware last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ocean_portal.urls"
WSGI_APPLICATION = "ocean_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "privacy.context_processors.navigation",
            ],
            # Every {% csrf_token %} also writes an idempotency key (privacy/idempotency.py).
            "builtins": ["privacy.templatetags.submit"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file: WAL lets readers run beside a writer, IMMEDIATE
    # transactions and a timeout turn "database is locked" into a short wait.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests on a file as deployed, not Django's shared in-memory database: there, two threads writing at once
    # get "database table is locked" at once instead of waiting (the concurrency tests' clicks and workers).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-portal.sqlite3")}
# Persistent connections for both engines: with SQLite, closing the last connection after every request
# checkpoints and deletes the WAL (an fsync per request), and the next request recreates it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, whose health check sends no query while the connection's socket is quiet.
    DATABASES["default"]["ENGINE"] = "ocean_portal.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "privacy.User"

# --- Redis, cache and Celery ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")


def redis_db(url: str, db: int) -> str:
    """The same Redis server on another logical DB: broker, cache and rate limiter never share one,
    so a cache.clear() (FLUSHDB) cannot drop queued tasks (style.md §4.6)."""
    base = url.split("?")[0].rstrip("/")
    head, _sep, tail = base.rpartition("/")
    if tail.isdigit() and head.count("/") >= 2:
        base = head
    return f"{base}/{db}"


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ocean_portal.redis_cache.RedisCache",  # one client per pool (see there)
            "LOCATION": redis_db(REDIS_URL, env.int("REDIS_CACHE_DB", default=2)),
            "KEY_PREFIX": "portal",
        }
    }
    CELERY_BROKER_URL = redis_db(REDIS_URL, env.int("REDIS_BROKER_DB", default=0))
    OCEAN_RATELIMIT_REDIS_URL = redis_db(REDIS_URL, env.int("REDIS_RATELIMIT_DB", default=3))
    # See "Crash safety" below for why this value.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": "portal",
        }
    }
    # kombu's filesystem transport: a broker with no server, shared by processes on this machine.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # else kombu writes ./control in the working dir
        "store_processed": False,
    }
    OCEAN_RATELIMIT_REDIS_URL = ""

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
# Tasks record their outcome in our own rows; AsyncResult state is never trusted (style.md §4.7).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# --- Crash safety (issue 15): leases, late acknowledgement, the recovery beat -------------------------
# Every unit of background work (bulk-run item, report refresh, declaration send) holds a lease in the
# database (privacy/services/leases.py) renewed every LEASE_TTL_S / 3 s; a killed process stops renewing.
# The beat task "recover" (every RECOVERY_EVERY_S) finds leases dead for LEASE_TTL_S, settles audit
# intents left open for AUDIT_INTENT_GRACE_S by re-reading Ocean, and resumes or finishes the work: a
# crash is repaired within LEASE_TTL_S + RECOVERY_EVERY_S (2 minutes by default).
# The broker only re-delivers, it never decides: tasks are acknowledged after they ran (ACKS_LATE) and
# a message whose pool process died is put back at once (REJECT_ON_WORKER_LOST); a re-delivered or
# duplicate task finds the lease held or the work final and does nothing. Redis re-delivers an
# unacknowledged message after the visibility timeout: it must exceed the longest run of a healthy
# task (CELERY_TASK_TIME_LIMIT, 30 min) plus the longest retry countdown (10 min), or a task still
# running or waiting would be delivered twice; so 1 h. Recovery never waits for it (leases do).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
LEASE_TTL_S = env.int("LEASE_TTL_S", default=60)
LEASE_HEARTBEAT_THREAD = True
RECOVERY_EVERY_S = env.float("RECOVERY_EVERY_S", default=60.0)
# An intent is settled by a re-read only when no request can still be in flight: longer than a write
# with all its retries (read timeout x (retries + 1)) and the uncertain-write re-checks.
AUDIT_INTENT_GRACE_S = env.int("AUDIT_INTENT_GRACE_S", default=150)
# Audit intents must be committed before the write leaves: writing one inside an open transaction is
# refused (privacy/services/audit.py), except in the in-process chaos bench that runs in one transaction.
AUDIT_INTENT_IN_TRANSACTION_OK = False

CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat runs in UTC: crontabs in a DST zone misfire on change days (style.md §4.11).
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    "heartbeat": {"task": "privacy.tasks.beat_heartbeat", "schedule": 60.0, "options": {"expires": 90}},
    # Crash safety: dead leases, open audit intents, declarations still waiting for Ocean (see above).
    "recover": {"task": "privacy.tasks.recover", "schedule": RECOVERY_EVERY_S,
                "options": {"expires": RECOVERY_EVERY_S}},
    # Steps: deadline reminders at 07:00 UTC (08:00/09:00 Paris), purge at 02:30 UTC (03:30/04:30 Paris).
    "steps-reminders": {"task": "privacy.steps.tasks.steps_reminders", "schedule": crontab(hour=7, minute=0),
                        "options": {"expires": 3600}},
    "steps-purge": {"task": "privacy.steps.tasks.steps_purge", "schedule": crontab(hour=2, minute=30),
                    "options": {"expires": 3600}},
    # Reports: every 15 min (UTC) the tick checks each customer's local time (nightly 03:30, mail on the 1st).
    "reports-tick": {"task": "privacy.reports.tasks.reports_tick", "schedule": 900.0, "options": {"expires": 600}},
    # Schedules: re-sync ICS subscriptions (leave, holidays) into exceptional periods, hourly.
    "calendars-resync": {"task": "privacy.schedules.tasks.calendars_resync", "schedule": 3600.0,
                         "options": {"expires": 3000}},
}

# --- Ocean ----------------------------------------------------------------------------------
# Default: the simulator started by `make run` (python -m ocean_sim --port SIM_PORT).
OCEAN_BASE_URL = env.str("OCEAN_BASE_URL", default=f"http://127.0.0.1:{SIM_PORT}/ocean/restapi")
OCEAN_LOGIN = env.str("OCEAN_LOGIN", default="demo")
OCEAN_PASSWORD = env.str("OCEAN_PASSWORD", default="demo")
OCEAN_CUSTOMER_ID = env.int("OCEAN_CUSTOMER_ID", default=1110000000)
OCEAN_CODE_EXPLOITANT = env.str("OCEAN_CODE_EXPLOITANT", default="1110000001")
OCEAN_ZONE_TOKEN = env.str("OCEAN_ZONE_TOKEN", default="+0000")
OCEAN_MAX_RPS = env.float("OCEAN_MAX_RPS", default=10.0)
# Requests that may leave at once before OCEAN_MAX_RPS paces them: a cold week of trips is login + 11
# requests (issue 16), so the default lets a page's reads go together. Background readers (a fleet's
# assignment histories) take only what leaves half the burst free for pages (privacy/ocean/ratelimit.py).
OCEAN_BURST = env.float("OCEAN_BURST", default=20.0)
OCEAN_CONNECT_TIMEOUT = env.float("OCEAN_CONNECT_TIMEOUT", default=3.05)
OCEAN_READ_TIMEOUT = env.float("OCEAN_READ_TIMEOUT", default=20.0)
OCEAN_MAX_RETRIES = env.int("OCEAN_MAX_RETRIES", default=3)
# After a write Ocean left unanswered (timeout, 5xx), wait this long for it to land, then re-read
# before telling the user whether it happened (privacy/services/uncertain.py).
OCEAN_UNCERTAIN_RECHECK_S = env.float("OCEAN_UNCERTAIN_RECHECK_S", default=2.0)
# /healthz: how long Océan's status (a real call) is reused; the token that unlocks the details.
HEALTHZ_OCEAN_CACHE_S = env.int("HEALTHZ_OCEAN_CACHE_S", default=30)
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
# A repeated POST (same idempotency key) waits this long for the first one's answer before a 409.
IDEMPOTENCY_WAIT_S = env.float("IDEMPOTENCY_WAIT_S", default=20.0)

# Open points of the vendor docs (docs/ocean-api.md, D1–D14): where Ocean's answers can be read two
# ways, the reading is a setting. `manage.py ocean probe` asks Ocean and names the values to set.


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.str(name, default=default)
    if value not in choices:
        raise environ.ImproperlyConfigured(f"{name} must be one of {', '.join(choices)} (got {value!r})")
    return value


def _period_keys(text: str) -> dict[str, str]:
    """"VIE_PRIVEE:private,VIE_PRO:pro" -> {"VIE_PRIVEE": "private", "VIE_PRO": "pro"}."""
    keys = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, _sep, side = item.rpartition(":")
        if not key or side not in ("private", "pro"):
            raise environ.ImproperlyConfigured(
                f"OCEAN_ANALYSIS_PERIOD_KEYS: {item!r} is not KEY:private or KEY:pro"
            )
        keys[key] = side
    return keys


# Analysis period-map keys and their meaning (D1).
OCEAN_ANALYSIS_PERIOD_KEYS = _period_keys(
    env.str("OCEAN_ANALYSIS_PERIOD_KEYS", default="VIE_PRIVEE:private,VIE_PRO:pro")
)
# Analysis tree: customer root → entity → driver/vehicle, or root → driver/vehicle (D1).
OCEAN_ANALYSIS_TREE = _choice("OCEAN_ANALYSIS_TREE", "root-entity-leaf", ("root-entity-leaf", "root-leaf"))
# A trip declared with privacy=false becomes professional (pro) or its request is withdrawn (cancel) (D2).
OCEAN_PRIVACY_FALSE_MEANS = _choice("OCEAN_PRIVACY_FALSE_MEANS", "pro", ("pro", "cancel"))
# ficheJour date/heure are the customer's local time (customer) or UTC (D3).
OCEAN_FICHEJOUR_TZ = _choice("OCEAN_FICHEJOUR_TZ", "customer", ("customer", "UTC"))
# Ocean cuts an exceptional period into day slots on the local clock (local) or the UTC clock (D6).
OCEAN_PERIOD_DAY_CUT = _choice("OCEAN_PERIOD_DAY_CUT", "local", ("local", "UTC"))

# --- Auth and security ----------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "privacy.auth_backends.CustomerModelBackend",  # the user and their customer in one query
    "django.contrib.auth.backends.ModelBackend",  # sessions opened before it keep working
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "privacy:home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client; empty = none, the
# connection's address counts. Behind a proxy set it, or every client shares the proxy's lockout.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "privacy.client_ip.client_ip_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# An OIDC callback is no password attempt: it neither counts as a failure nor is locked out.
AXES_WHITELIST_CALLABLE = "privacy.sso.backend.not_a_password_attempt"

# HTTPS=True switches on every transport-security setting together; each can still be set alone.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
# Database sessions (deleting a row ends a session at once), read with one SQL statement written once.
SESSION_ENGINE = "ocean_portal.sessions"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"

# Single sign-on (OpenID Connect, ocean_portal/sso_settings.py): off unless OIDC_ENABLED=True.
_oidc = oidc_settings(env, default_customer_id=OCEAN_CUSTOMER_ID, https=HTTPS)
globals().update(_oidc)
if _oidc["OIDC_ENABLED"]:
    AUTHENTICATION_BACKENDS.insert(1, "privacy.sso.backend.PortalOIDCBackend")

# Strict CSP: no inline script or style anywhere; htmx is configured by a <meta> tag to neither
# eval nor inject its indicator styles (style.md §4.13).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # With OIDC_LOGOUT_AT_IDP the logout form's redirect goes on to the IdP (browsers check form-action
        # on redirects too).
        "form-action": [SELF, *idp_origins(_oidc)],
        "frame-ancestors": [NONE],
    },
}

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest storage needs collectstatic (done in the Docker build); the embedded default
        # serves straight from the finders so a fresh clone runs without a build step.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = not env.bool("STATIC_MANIFEST", default=False)
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at every start when it is missing

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Ocean Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's public address: every absolute link in an e-mail (privacy.links.portal_url) starts with it.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default=f"http://127.0.0.1:{PORT}")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"forbidden_at_info": {"()": "privacy.log_filters.ForbiddenAtInfo"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A 403 is one INFO line without traceback (privacy/log_filters.py).
        "django.request": {"filters": ["forbidden_at_info"]},
        "axes": {"level": "WARNING"},
    },
}

# --- Reports --------------------------------------------------------------------------------
# Period-map keys of preformattedPrivacy that mean private / professional use: from
# OCEAN_ANALYSIS_PERIOD_KEYS unless set (older name, kept for existing deployments).
REPORT_PRIVATE_KEYS = env.list(
    "REPORT_PRIVATE_KEYS", default=[k for k, v in OCEAN_ANALYSIS_PERIOD_KEYS.items() if v == "private"]
)
REPORT_PRO_KEYS = env.list("REPORT_PRO_KEYS", default=[k for k, v in OCEAN_ANALYSIS_PERIOD_KEYS.items() if v == "pro"])
REPORT_READ_TIMEOUT = env.float("REPORT_READ_TIMEOUT", default=180.0)  # a 100 MB analysis takes a while
# Payroll export of the benefit in kind (docs/payroll-export.md): the pay item ("rubrique") code of the
# vehicle benefit in the customer's payroll tool, and extra or changed column mappings as JSON
# ({"name": {"label": ..., "columns": [[header, field], ...], "decimal": ",", "date": "%d/%m/%Y"}}).
PAYROLL_BENEFIT_CODE = env.str("PAYROLL_BENEFIT_CODE", default="AEN_VEHICULE")
PAYROLL_EXPORT_FORMATS = env.json("PAYROLL_EXPORT_FORMATS", default={})

# --- Steps and declarations -----------------------------------------------------------------
# Stored step facts of declarations are purged after this many days (CNIL: location data 2 months).
STEP_RETENTION_DAYS = env.int("STEP_RETENTION_DAYS", default=61)
# Access log of who opened whose steps (CNIL logging recommendation: 6 months to 1 year).
STEP_ACCESS_LOG_RETENTION_DAYS = env.int("STEP_ACCESS_LOG_RETENTION_DAYS", default=365)
# Whom employees write to about their data (DPO or privacy contact), shown on the « Informations vie
# privée » page (CNIL: the notice names a contact). An e-mail address or a short text.
PRIVACY_CONTACT = env.str("PRIVACY_CONTACT", default="")
# Concurrent upstream calls for one page: a driver's week starts its assignment history, both private-hours
# reads and 7 ficheJour days in one wave (10 calls; a second vehicle that week adds up to 7).
STEPS_FETCH_WORKERS = env.int("STEPS_FETCH_WORKERS", default=12)
# A trips page whose data Ocean must be asked for waits STEPS_LAZY_AFTER_S at most, then comes with its day
# cards loading (htmx) while the reads go on.
STEPS_LAZY_DAYS = env.bool("STEPS_LAZY_DAYS", default=True)
STEPS_LAZY_AFTER_S = env.float("STEPS_LAZY_AFTER_S", default=0.4)
# Reminder e-mail to drivers this many days before the declaration deadline.
STEP_REMINDER_DAYS = env.int("STEP_REMINDER_DAYS", default=2)

# --- Onboarding -----------------------------------------------------------------------------
# Invitation and password-reset links (Django's token) expire after this many seconds (3 days);
# a link also dies as soon as it has been used, because the token hashes the password.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
# Setup check: seconds to wait for a worker's answer; beat is "late" after this many seconds.
SETUP_WORKER_TIMEOUT = env.float("SETUP_WORKER_TIMEOUT", default=2.0)
SETUP_BEAT_MAX_AGE = env.int("SETUP_BEAT_MAX_AGE", default=180)
# The Ocean password must be changed soon: warn below this many days (passwordExpirationRemainingDays).
SETUP_PASSWORD_WARN_DAYS = env.int("SETUP_PASSWORD_WARN_DAYS", default=15)
