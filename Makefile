# Two commands matter: `make run` (set up, migrate, load the demo, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mails point where `make run` serves, unless BASE_URL names the public address.
export BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test setup setup-dev translations messages migrate seed lint bench clean

# `make run` installs what serving needs; `make test` adds the test tools (pytest, Playwright,
# axe-core and the linters).
setup: $(VENV)/.installed static/vendor/.installed translations
setup-dev: setup $(VENV)/.dev-installed node_modules/.dev-installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

# Front-end packages come from the npm registry at set-up; nothing third-party is committed.
# axe-core (a devDependency) is for the tests alone: they inject it from node_modules, no page
# of the application loads it.
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error --omit=dev
	mkdir -p static/vendor
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/
	cp node_modules/jsqr/dist/jsQR.js static/vendor/
	cp node_modules/hls.js/dist/hls.light.min.js static/vendor/
	touch $@

node_modules/.dev-installed: static/vendor/.installed
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile -d eventmgr/translations -D messages >/dev/null

# After changing user-visible text: refresh the catalogue (sorted, no locations), then fill the
# empty msgstr entries in eventmgr/translations/nb/LC_MESSAGES/messages.po.
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o .messages.pot . >/dev/null
	$(VENV)/bin/pybabel update -i .messages.pot -d eventmgr/translations -D messages -w 100 \
		--no-fuzzy-matching --ignore-obsolete >/dev/null
	rm -f .messages.pot

migrate: setup
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

run: seed
	@echo "Serving http://$(HOST):$(PORT) (links in mails: $(BASE_URL))"
	$(FLASK) run --host $(HOST) --port $(PORT)

# Two pytest-xdist workers (TEST_WORKERS=0 runs in one process), each on a database of its own.
TEST_WORKERS ?= 2
test: setup-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Style, then the import contracts in pyproject.toml (layers, no cycles; see ARCHITECTURE.md).
lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/lint-imports --no-cache

bench: setup-dev
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor
