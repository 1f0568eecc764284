# nianbao: `make demo` crawls the bundled sample portals into data/nianbao.db and serves it;
# `make test` runs the test suite. Both create the virtualenv (.venv) first.
# `make demo PORT=8002 HOST=0.0.0.0` serves elsewhere (default 127.0.0.1:8001).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8001
HOST   ?= 127.0.0.1

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m nianbao.demo --port $(PORT) --host $(HOST)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/queries.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/analysis.py

clean:
	rm -rf $(VENV) data/*.db .pytest_cache
