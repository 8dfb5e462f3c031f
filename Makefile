# The two commands that matter: `make run` and `make test`. Everything else helps them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
APPS := portal ventanillas cases training hub notifications statuscheck handovers dashboards interop registers emergencies
LANGS := es en fr nl ht

# A laptop is a development machine: debug on, SQLite, tasks in-process, e-mail to the console.
run test: export DEBUG ?= 1

.PHONY: run test e2e screenshots css install migrate messages compilemessages demo lint clean worker beat bench

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

compilemessages: install
	$(MANAGE) compilemessages --ignore=.venv

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate compilemessages
	$(MANAGE) load_demo

run: demo
	$(MANAGE) runserver 127.0.0.1:8000

# One test process per core (TEST_PROCESSES=0 for a single process); each has its own test database.
TEST_PROCESSES ?= auto
test: install compilemessages
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadgroup

# Browser tests (tests/e2e/): Debian's Chromium (/usr/bin/chromium) against a live server on PostgreSQL
# (DATABASE_URL=postgres://...; the server gets its own database, <name>_e2e). Screenshots: e2e-artifacts/.
e2e: install compilemessages
	E2E=1 $(PY) -m pytest tests/e2e

# The three screenshots of the README (docs/screenshots/), taken by the browser tests' machinery.
screenshots: install compilemessages
	E2E=1 E2E_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/e2e/test_screenshots.py

# The one stylesheet (static/portal/site.css): the Bootstrap rules the templates use plus portal.css.
css: install
	$(MANAGE) build_css

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Extract the strings of one app (APP=hub) or of all of them into their own catalogs.
messages: install
	for app in $(or $(APP),$(APPS)); do \
	  if [ "$$app" = portal ]; then \
	    $(MANAGE) makemessages --no-location $(addprefix -l ,$(LANGS)) --ignore='.venv/*' \
	      $(foreach a,$(filter-out portal,$(APPS)),--ignore='$(a)/*') --ignore='tests/*' --ignore='bench/*'; \
	  else \
	    (cd $$app && ../$(PY) ../manage.py makemessages --no-location $(addprefix -l ,$(LANGS))); \
	  fi; \
	done

worker: install
	$(VENV)/bin/celery -A portal worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A portal beat --loglevel=info --scheduler django_celery_beat.schedulers:DatabaseScheduler

# Every page under load against the framework's floor and a Wagtail guide site, at programme scale
# (bench/README.md). Needs an own PostgreSQL database: DATABASE_URL=postgres://... make bench; BENCH_SCALE=0.1
# for a tenth of the data. BENCH_GROWTH=1,3 runs scale 1, then scale 3, and compares them: on DATABASE_URL's
# database filled further, or with BENCH_DATABASES=postgres://...1,postgres://...3 each scale on its own
# database (seeded once, kept; DATABASE_URL still names the one of imports.py and broadcast.py).
# The peers (BENCH_PEERS_FROM: the bare Django floor and a Wagtail + wagtail-localize guide site) are copied
# to BENCH_PEERS_COPY, outside the checkout, and run side by side when present; BENCH_PEERS=DIR names a copy
# of your own, BENCH_PEERS_FROM= runs without them. bench/broadcast.py makes its own database beside
# DATABASE_URL's (<name>_broadcast) and uses the two Redis databases after BENCH_CACHE_URL's.
BENCH_PEERS_FROM ?= ../shared/peers
BENCH_PEERS_COPY ?= ../bench-peers
bench: install compilemessages
	command -v wrk >/dev/null || apt-get install -y wrk
	set -e; peers="$$BENCH_PEERS"; \
	if [ -z "$$peers" ] && [ -d "$(BENCH_PEERS_FROM)" ]; then \
	  peers="$(abspath $(BENCH_PEERS_COPY))"; mkdir -p "$$peers"; \
	  cp -Rp "$(BENCH_PEERS_FROM)/." "$$peers/"; chmod -R u+w "$$peers"; \
	fi; \
	$(PY) bench/run.py $${peers:+--peers "$$peers"}
	$(PY) bench/imports.py --rows $${BENCH_IMPORT_ROWS:-100000}
	$(PY) bench/broadcast.py --own-database --people $${BENCH_BROADCAST_PEOPLE:-100000}

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
