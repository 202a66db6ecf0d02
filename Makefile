# The two commands a newcomer needs: `make run` and `make test`. Both do all set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export NUMBA_CACHE_DIR ?= $(CURDIR)/.cache/numba
export DJANGO_DEBUG ?= true

.PHONY: run test install migrate demo lint bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py setup_schedules

demo: migrate
	$(PY) manage.py ensure_demo_user
	$(PY) manage.py load_demo

# Web server and one worker side by side; Ctrl-C (or SIGTERM to the group) stops both and
# leaves nothing running within 10 s (musicrec/core/management/commands/run_local.py).
run: demo
	@echo "musicrec: http://$(HOST):$(PORT)/  (admin: /admin/, API docs: /api/docs/)"
	@$(PY) manage.py ensure_demo_user
	@exec $(PY) manage.py run_local $(HOST):$(PORT)

test: install
	mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) bench/bench_ingest.py
	$(PY) bench/bench_audio.py
	$(PY) bench/bench_video.py
	$(PY) bench/bench_engine.py
	$(PY) bench/bench_recommender_real.py

clean:
	rm -rf $(VENV) .cache var db.sqlite3
