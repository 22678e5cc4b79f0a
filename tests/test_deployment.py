"""Deployment files: docker-compose structure, .env.example coverage, Procfile, translations complete."""
from __future__ import annotations

import re
from pathlib import Path

import polib
import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_web_worker_one_beat_redis_and_postgres():
    services = compose()["services"]
    assert {"web", "worker", "beat", "redis", "db"} <= set(services)
    beats = [name for name, s in services.items() if "beat" in " ".join(map(str, s.get("command", [])))]
    assert beats == ["beat"], "exactly one service runs celery beat"
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "worker" in services["worker"]["command"]
    for name in ("web", "redis", "db", "worker"):
        assert "healthcheck" in services[name], f"{name} has a healthcheck"
    # An Océan outage must not mark the portal unhealthy (it keeps serving and keeping input).
    assert "/healthz?scope=local" in " ".join(services["web"]["healthcheck"]["test"])
    assert "/healthz?scope=local" in (ROOT / "Dockerfile").read_text()
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:6379/")
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert set(compose()["volumes"]) >= {"portal-var", "redis-data", "postgres-data"}


def test_env_example_documents_every_variable_the_settings_read():
    settings_src = "".join((ROOT / "ocean_portal" / name).read_text() for name in ("settings.py", "sso_settings.py"))
    read = set(re.findall(r'env\.\w+\("([A-Z_]+)"', settings_src))
    lines = (ROOT / ".env.example").read_text().splitlines()
    documented = {}
    for previous, line in zip(["", *lines], lines, strict=False):
        if match := re.match(r"^([A-Z_]+)=", line):
            documented[match[1]] = previous
    internal = {"READ_DOT_ENV_FILE"}
    missing = read - set(documented) - internal
    assert not missing, f"undocumented in .env.example: {sorted(missing)}"
    for name, comment in documented.items():
        assert comment.startswith("# "), f"{name} needs a one-line comment above it"


def test_every_french_message_is_translated():
    po = polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert untranslated == []


def test_the_procfile_starts_web_worker_beat_and_the_simulator():
    names = {line.split(":", 1)[0] for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()}
    assert names == {"sim", "web", "worker", "beat"}


def gunicorn_settings(monkeypatch, cpus: int, **environ):
    import importlib.util
    import multiprocessing

    for name in ("WEB_CONCURRENCY", "WEB_THREADS", "WEB_SWITCH_INTERVAL_MS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: cpus)
    spec = importlib.util.spec_from_file_location("conf", ROOT / "ocean_portal" / "gunicorn_conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_runs_two_processes_per_core_plus_one_unless_told(monkeypatch):
    conf = gunicorn_settings(monkeypatch, 2)
    assert (conf.workers, conf.threads, conf.worker_class) == (5, 8, "gthread")
    assert gunicorn_settings(monkeypatch, 4).workers == 9
    told = gunicorn_settings(monkeypatch, 4, WEB_CONCURRENCY="3", WEB_THREADS="12")
    assert (told.workers, told.threads) == (3, 12)


def test_each_gunicorn_worker_hands_the_gil_over_every_millisecond_unless_told(monkeypatch):
    import sys

    intervals = []
    monkeypatch.setattr(sys, "setswitchinterval", intervals.append)
    gunicorn_settings(monkeypatch, 2).post_fork(None, None)
    gunicorn_settings(monkeypatch, 2, WEB_SWITCH_INTERVAL_MS="5").post_fork(None, None)
    assert intervals == [0.001, 0.005]


def test_every_gunicorn_start_reads_the_shared_settings():
    """The image, `make run` and the load test run gunicorn the same way (bench/README.md, "The load test")."""
    conf = "python:ocean_portal.gunicorn_conf"
    assert conf in (ROOT / "Dockerfile").read_text()
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert conf in web and "--workers" not in web and "--threads" not in web
    assert conf in (ROOT / "bench" / "load.py").read_text()


def test_each_gunicorn_worker_is_warmed_before_its_first_request(monkeypatch):
    """The URLconf, both languages' catalogs and every template of the portal are loaded by
    ``post_worker_init`` (ocean_portal/warmup.py), not by the first requests of a busy minute."""
    from django.template import engines
    from django.urls import clear_url_caches, get_resolver

    from ocean_portal import warmup

    engine = engines["django"].engine
    engine.template_loaders[0].reset()  # a process that has compiled nothing yet
    clear_url_caches()
    assert not get_resolver()._populated  # noqa: SLF001
    logged = []
    worker = type("Worker", (), {"log": type("Log", (), {"info": lambda self, *a: logged.append(a)})()})()
    gunicorn_settings(monkeypatch, 2).post_worker_init(worker)

    names = warmup.project_templates()
    assert {"base.html", "privacy/steps/my_trips.html", "privacy/partials/_step_row.html"} <= set(names)
    assert not any("admin/" in n for n in names)  # the portal's own templates, not the libraries'
    assert set(names) <= set(engine.template_loaders[0].get_template_cache)  # compiled, kept for its requests
    assert get_resolver()._populated  # noqa: SLF001
    assert logged and logged[0][1] == {"languages": 2, "templates": len(names)}


def test_a_template_that_does_not_compile_leaves_the_others_warm(monkeypatch, tmp_path, settings, caplog):
    from django.template import engines

    from ocean_portal import warmup

    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "broken.html").write_text("{% if %}")
    (broken / "fine.html").write_text("{{ ok }}")
    monkeypatch.setattr(settings, "BASE_DIR", tmp_path)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [broken], "APP_DIRS": False}]
    assert warmup.project_templates() == ["broken.html", "fine.html"]
    assert warmup.warm()["templates"] == 1
    assert "warm-up: template broken.html does not compile" in caplog.text
    assert "fine.html" in engines["django"].engine.template_loaders[0].get_template_cache
