# yuqing-bot: `make demo` runs the product, `make test` runs the tests. Both install what is missing.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install test demo serve worker bench soak clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "yuqing-bot needs Python >= 3.11 (set PYTHON=...)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(VENV)/bin/yuqing demo

serve: $(STAMP)
	$(VENV)/bin/yuqing serve

worker: $(STAMP)
	$(VENV)/bin/yuqing worker

bench: $(STAMP)
	@ls bench/[!_]*.py >/dev/null 2>&1 && for f in bench/[!_]*.py; do $(PY) $$f $(if $(FULL),--full,); done || echo "no benchmarks yet"

soak: $(STAMP)
	$(PY) -m pytest -m slow $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis *.egg-info
