# casenotes: `make demo` to try it, `make test` to check it. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

SIZE   ?= large

.PHONY: demo test bench lint-imports clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/casenotes demo

test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto  # one worker per core (pytest-xdist)
	$(BIN)/python -m bench.run --size small --quick > /dev/null  # smoke: the suite runs (about a minute)

# Figures with their references in the same run, into bench/results/<date>-<size>.md and .json.
# The corpus is generated once and cached in bench/cache/ (large: 1,000,000 notes, about 3 GB).
bench: $(STAMP)
	$(BIN)/python -m bench.run --size $(SIZE) --out bench/results

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
