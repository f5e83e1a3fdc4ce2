# Two commands for a new machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXTRACT_KEYWORDS := -k N_ -k _ -k t -k say -k reprompt -k offer:2 -k tn:1,2

.PHONY: run test install catalogues extract lint format diagram bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) catalogues

catalogues: $(STAMP)
	$(BIN)/pybabel compile --statistics -d locales -D messages

extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(EXTRACT_KEYWORDS) --no-location --omit-header \
		--sort-output -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching \
		--ignore-obsolete

run: install
	$(BIN)/hotline db upgrade
	$(BIN)/hotline user bootstrap
	$(BIN)/hotline serve

# Tests run in random order (pytest-randomly prints the seed: PYTEST_ARGS=--randomly-seed=N
# repeats one, PYTEST_ARGS="-p no:randomly" keeps file order) on $(TEST_WORKERS) processes: most time is
# spent waiting on servers, browsers and Argon2, so more workers than cores pay. A file stays on one
# worker, so its module-scoped servers start once.
TEST_WORKERS ?= 4

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -ra -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

diagram: install
	$(BIN)/hotline diagram conversation > docs/flow.md
	$(BIN)/hotline diagram lifecycle > docs/lifecycle.md

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/flow.py
	$(BIN)/python bench/flood.py

clean:
	rm -rf $(VENV) build *.egg-info locales/*/LC_MESSAGES/*.mo
