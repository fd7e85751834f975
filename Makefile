PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install migrate lint format serve worker clean

$(BIN)/quartiers: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/quartiers

install: $(BIN)/quartiers

migrate: install
	$(BIN)/quartiers migrate --noinput

demo: migrate
	$(BIN)/quartiers demo
	$(BIN)/quartiers worker & echo $$! > var/worker.pid; \
	trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT INT TERM; \
	$(BIN)/quartiers serve 127.0.0.1:8000

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/quartiers makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
