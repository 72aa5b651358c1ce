# Two commands do all the set-up: `make demo` (the main job on the bundled sample) and `make test`.
# Both create .venv with Python 3.11 and install codekit into it on first use (uv, bytecode compiled).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build/demo

.PHONY: install demo test bench docs clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -e '.[dev]'
	touch $(STAMP)

# The main job, end to end on the bundled sample city.
demo: $(STAMP)
	rm -rf $(OUT)
	$(BIN)/codekit sample --out $(OUT)/sample --events 1000000
	$(BIN)/codekit profile $(OUT)/sample/catalogue.yaml --errors $(OUT)/sample/errors.parquet --top 10

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_errorlog.py --events 1000000 10000000

docs: $(STAMP)
	$(BIN)/python -m codekit.cli._docs > docs/cli.md

clean:
	rm -rf build dist $(VENV)
