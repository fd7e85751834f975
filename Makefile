PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install migrate lint format serve worker clean system-deps-test system-deps-demo

$(BIN)/quartiers: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/quartiers

install: $(BIN)/quartiers

migrate: install
	$(BIN)/quartiers migrate --noinput

# Debian packages besides Python (Chromium, WeasyPrint's libraries, fonts): installed when root or
# password-less sudo, otherwise a French message with the exact apt-get line, before anything runs.
system-deps-test:
	PY=$(PY) scripts/system-deps test

system-deps-demo:
	PY=$(PY) scripts/system-deps demo

demo: system-deps-demo migrate
	$(BIN)/quartiers demo
	$(BIN)/quartiers worker & echo $$! > var/worker.pid; \
	trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT INT TERM; \
	$(BIN)/quartiers serve 127.0.0.1:8000

test: system-deps-test install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/quartiers makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
