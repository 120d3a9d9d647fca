# Medarbetardialog — `make demo` serves a demonstration city, `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PO := $(wildcard translations/*/LC_MESSAGES/messages.po)
# Pinned versions with hashes, made from pyproject.toml by `make lock`: every install is the same.
LOCK_APP := requirements/app.txt
LOCK_TEST := requirements/test.txt
PIP_COMPILE_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
MO := $(PO:.po=.mo)

.PHONY: demo test serve translations lint chromium axe clean db lock

demo: $(VENV)/.installed $(MO) instance/config.py
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Serving http://127.0.0.1:5000 (Ctrl-C stops)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# The suite runs in parallel, one worker per core (pytest-xdist), each test file on one
# worker; `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto
# pytest exits 5 when it collects no tests: not a failure; every other non-zero status is
test: $(VENV)/.test-installed $(MO) chromium axe
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile; \
	status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

translations: $(MO)

$(VENV)/.installed: pyproject.toml $(LOCK_APP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_APP)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(LOCK_TEST)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_TEST)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(VENV)/.installed $@

# Pins every dependency (and its hashes) after a change to pyproject.toml; existing pins are
# kept where they still fit. `make lock PIP_COMPILE_FLAGS+=--upgrade` moves to the latest.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools
	@mkdir -p requirements
	.venv-lock/bin/pip-compile $(PIP_COMPILE_FLAGS) -o $(LOCK_APP) pyproject.toml
	.venv-lock/bin/pip-compile $(PIP_COMPILE_FLAGS) --extra test -o $(LOCK_TEST) pyproject.toml

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# A random secret key for this machine, never committed.
instance/config.py:
	@mkdir -p instance
	@$(BIN)/python -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@
	@echo "created $@ with a new SECRET_KEY"

# Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is not installed: browser tests will be skipped"; fi; }

# The accessibility tests inject axe-core, pinned in package-lock.json.
axe:
	@test -f node_modules/axe-core/axe.min.js || npm ci --ignore-scripts --no-audit --no-fund

db: $(VENV)/.installed
	$(FLASK) db upgrade

clean:
	rm -rf $(VENV) translations/*/LC_MESSAGES/*.mo
