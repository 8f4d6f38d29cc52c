# Two commands do everything on a fresh Debian/Ubuntu machine with Python 3.11:
#   make demo   set up, load the demo data, serve http://127.0.0.1:8000 (make demo PORT=8101: another port)
#   make test   set up, run every test (lint and migrations check included)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
PORT ?= 8000
DEMO_ENV := DJANGO_DEBUG=1 DJANGO_SETTINGS_MODULE=portal.settings PORTAL_BASE_URL=http://127.0.0.1:$(PORT)

.PHONY: install system-deps demo serve test lint bench bench-scale clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

demo: install system-deps
	@# The trail's demo key (portal/settings.py reads var/trail/keys with DEBUG and no TRAIL_KEYS), written once.
	@test -s var/trail/keys || (umask 077 && mkdir -p var/trail && \
		echo "demo:$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(32))')" > var/trail/keys)
	@# var/demo.env: the demo's settings for every later `manage.py` command of the README (see portal/settings.py).
	@mkdir -p var && printf 'DJANGO_DEBUG=1\nPORTAL_BASE_URL=http://127.0.0.1:%s\n' "$(PORT)" > var/demo.env
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py demo_seal
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	$(DEMO_ENV) $(BIN)/python manage.py demo_otp
	$(DEMO_ENV) $(BIN)/python manage.py demo_api_tokens
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: install
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: install system-deps lint
	DJANGO_SETTINGS_MODULE=portal.settings_test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Load benchmark on PostgreSQL + Redis (database portal_bench): gunicorn, a Celery worker and locust, three
# rounds of the portal's mix and the reference page (45 s each after a 10-s warm-up), about 8 minutes.
# BENCH_SCALE=20: the same scenario on the national dataset (written in about ten minutes; the timeout allows 40).
BENCH_SCALE ?= 1
bench: install
	BENCH_SCALE=$(BENCH_SCALE) timeout --signal=TERM --kill-after=30 $$(( 720 + ($(BENCH_SCALE) > 1) * 2400 )) \
		bash bench/run_bench.sh

# Pages, admin changelists and verify_trails on the datasets of scale 1 and 20 (bench/scale.sh; README, scale).
bench-scale: install
	bash bench/scale.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media
