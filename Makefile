# Ocean Portal — `make run` starts everything on the embedded default; `make test` runs every test.
# Needs nothing but Python 3.11 (with its venv module) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
# `make run PORT=8210 SIM_PORT=8211`: the portal, its e-mail links and its Ocean URL follow (settings.py).
PORT     ?= 8000
SIM_PORT ?= 8001

.PHONY: install messages run test test-any-day proof-long smoke lint audit mutation clean

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# French translations are compiled in the build (never committed), by polib inside the venv: no GNU
# gettext needed (privacy/management/commands/compilemessages.py replaces Django's msgfmt-based command).
messages: install
	$(BIN)/python manage.py compilemessages --ignore '.venv/*' -v0

# The Procfile's processes under scripts/supervise.py: one that dies is restarted (the others keep
# running); the demo accounts are set up once the simulator answers. Ctrl-C stops them all.
# Two gunicorn processes for the demo (ocean_portal/gunicorn_conf.py would start 2 × cores + 1).
run: messages
	$(BIN)/python manage.py migrate --noinput -v0
	@echo "Starting the portal on port $(PORT) and the Ocean simulator on port $(SIM_PORT) (Ctrl-C stops all)"
	PORT=$(PORT) SIM_PORT=$(SIM_PORT) WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2} $(BIN)/python scripts/supervise.py Procfile \
	  --free-port $(PORT) --free-port $(SIM_PORT) --then "demo=$(BIN)/python manage.py demo_setup --wait 60"

# Tests keep their files under var/test so they never touch the demo's data.
test: messages
	rm -rf var/test
	VAR_DIR=$(CURDIR)/var/test $(BIN)/python -m pytest $(PYTEST_ARGS)

# The date-sensitive suites with the clock pinned to a Monday and to a Sunday (CI runs it): a test that
# depends on today's weekday fails here on any day.
DATE_SUITES := tests/steps tests/schedules tests/reports tests/cli
test-any-day: messages
	for day in 2027-02-08 2027-02-14; do \
	  rm -rf var/test && VAR_DIR=$(CURDIR)/var/test $(BIN)/python -m pytest -q -m "not integration and not e2e" \
	    --pin-clock=$$day $(DATE_SUITES) || exit 1; \
	done

# The property-based proofs with many more examples (hypothesis "long" profile: 200 per form / sequence) —
# before a release, ideally on PostgreSQL: DATABASE_URL=postgres://… make proof-long. CI runs "ci" (25).
PROOF_SUITES := tests/proof/test_fuzz.py tests/proof/test_hostile_input.py tests/steps/test_masking_history.py
proof-long: messages
	rm -rf var/test
	HYPOTHESIS_PROFILE=long VAR_DIR=$(CURDIR)/var/test $(BIN)/python -m pytest -q $(PROOF_SUITES)

# The README's commands on a bare machine: a fresh clone, `env -i`, no gettext on PATH, `make run` on two
# free ports, used like a person would (CI runs it). SMOKE_ARGS=--make-test also runs `make test` there.
smoke: install
	$(BIN)/python scripts/smoke.py $(SMOKE_ARGS)

# Style (ruff) and the architecture's import contracts (import-linter, see [tool.importlinter] in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Known vulnerabilities in the pinned requirements (pip-audit; needs PyPI's advisory service, best effort
# when it is unreachable, fails on any finding not justified in scripts/audit.py). See SECURITY.md.
audit: install
	$(BIN)/python scripts/audit.py

# Mutation testing of the core modules (scripts/mutation.py, tests/MUTATION.md): one module at a time with
# its own tests and at most MUTATION_WORKERS (2) processes; MODULES="week dates" runs some of them.
mutation: messages
	$(BIN)/python scripts/mutation.py $(MODULES)

clean:
	rm -rf var staticfiles .pytest_cache
