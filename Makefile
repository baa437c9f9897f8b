# Two commands matter: `make run` (set up, migrate, load the demo, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup translations messages migrate seed lint bench clean

setup: $(VENV)/.installed static/vendor/.installed translations

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

# Front-end packages come from the npm registry at set-up; nothing third-party is committed.
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/
	cp node_modules/jsqr/dist/jsQR.js static/vendor/
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
	@echo "Serving http://$(HOST):$(PORT)"
	$(FLASK) run --host $(HOST) --port $(PORT)

# Two pytest-xdist workers (TEST_WORKERS=0 runs in one process), each on a database of its own.
TEST_WORKERS ?= 2
test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Style, then the import contracts in pyproject.toml (layers, no cycles; see ARCHITECTURE.md).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/lint-imports --no-cache

bench: setup
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor
