"""Settings in both modes, read by a fresh interpreter with a controlled environment."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "db": s.DATABASES["default"]["ENGINE"], "db_name": str(s.DATABASES["default"]["NAME"]),
    "cache": s.CACHES["default"]["BACKEND"], "cache_location": str(s.CACHES["default"]["LOCATION"]),
    "broker": s.CELERY_BROKER_URL, "ratelimit": s.OCEAN_RATELIMIT_REDIS_URL,
    "tz": s.TIME_ZONE, "lang": s.LANGUAGE_CODE, "hasher": s.PASSWORD_HASHERS[0],
    "ocean": s.OCEAN_BASE_URL, "portal": s.PORTAL_BASE_URL,
    "secure_cookie": s.SESSION_COOKIE_SECURE, "hsts": s.SECURE_HSTS_SECONDS, "sessions": s.SESSION_ENGINE,
}))
"""


def bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Only what a shell needs: none of the portal's variables leak in from the test run."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "VAR_DIR": str(tmp_path / "var"),
           "DJANGO_SETTINGS_MODULE": "ocean_portal.settings", "READ_DOT_ENV_FILE": "False"}
    env.update(extra)
    return env


def probe(env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_it_runs_embedded_with_no_environment(tmp_path):
    s = probe(bare_env(tmp_path))
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["db_name"] == str(tmp_path / "var" / "portal.sqlite3")
    assert s["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert s["cache_location"].startswith(str(tmp_path / "var"))
    assert s["broker"] == "filesystem://"
    assert s["ratelimit"] == ""
    assert s["tz"] == "Europe/Paris"
    assert s["lang"] == "fr"
    assert s["hasher"].endswith("Argon2PasswordHasher")
    assert s["ocean"] == "http://127.0.0.1:8001/ocean/restapi"
    assert s["portal"] == "http://127.0.0.1:8000"
    assert s["secure_cookie"] is False
    assert s["sessions"] == "ocean_portal.sessions"  # database sessions, read in plain SQL
    # A secret key was generated once and is reused, never a constant in the code.
    key_file = tmp_path / "var" / "secret_key"
    assert len(key_file.read_text()) >= 50


def test_it_uses_postgres_and_separate_redis_dbs_when_configured(tmp_path):
    s = probe(bare_env(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
                       REDIS_URL="redis://127.0.0.1:6379/0"))
    assert s["db"] == "ocean_portal.postgresql"  # Django's, with a health check without a round trip
    assert s["cache"] == "ocean_portal.redis_cache.RedisCache"  # Django's, one client per pool
    assert s["cache_location"] == "redis://127.0.0.1:6379/2"
    # Sessions stay in the database only: deleting a session row must end it at once (a cached copy would
    # outlive it — the e2e "session expired" journeys delete rows). Django's store, its read in plain SQL.
    assert s["sessions"] == "ocean_portal.sessions"
    assert s["broker"] == "redis://127.0.0.1:6379/0"
    assert s["ratelimit"] == "redis://127.0.0.1:6379/3"


def test_port_and_sim_port_give_the_portal_and_ocean_addresses(tmp_path):
    s = probe(bare_env(tmp_path, PORT="8210", SIM_PORT="8211"))
    assert s["portal"] == "http://127.0.0.1:8210"
    assert s["ocean"] == "http://127.0.0.1:8211/ocean/restapi"


def test_explicit_addresses_win_over_the_ports(tmp_path):
    s = probe(bare_env(tmp_path, PORT="8210", SIM_PORT="8211", PORTAL_BASE_URL="https://portail.example.com",
                       OCEAN_BASE_URL="https://v3.oceansystem.com/ocean/restapi"))
    assert s["portal"] == "https://portail.example.com"
    assert s["ocean"] == "https://v3.oceansystem.com/ocean/restapi"


def test_redis_db_helper_handles_urls_with_and_without_a_db():
    from ocean_portal.settings import redis_db

    assert redis_db("redis://h:6379", 2) == "redis://h:6379/2"
    assert redis_db("redis://h:6379/0", 3) == "redis://h:6379/3"
    assert redis_db("redis://:secret@h:6379/5/", 1) == "redis://:secret@h:6379/1"


def test_https_switches_on_transport_security(tmp_path):
    s = probe(bare_env(tmp_path, HTTPS="True"))
    assert s["secure_cookie"] is True
    assert s["hsts"] == 31536000


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    env = bare_env(tmp_path, HTTPS="True", DEBUG="False", SECRET_KEY="x" * 30 + "-production-secret-key-0123456789",
                   ALLOWED_HOSTS="portal.example.com", SECURE_HSTS_PRELOAD="True")
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
