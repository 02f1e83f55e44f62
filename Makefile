# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8050

.PHONY: run test lint system-deps bench bench-quick mutate clean

$(VENV)/.app-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.app-installed
	$(PY) app.py --demo --host $(HOST) --port $(PORT)

# Browser tests need Debian's chromium (never a downloaded browser); PDFs need poppler-utils.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -q chromium poppler-utils >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && apt-get install -y -q chromium poppler-utils >/dev/null)); \
	  else \
	    echo "fout: installeer eerst chromium en poppler-utils (sudo apt-get install chromium poppler-utils)" >&2; exit 2; \
	  fi; \
	fi
	@# the region's Spark tests (pyspark in local mode) need a Java 17 runtime
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -q openjdk-17-jre-headless >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && apt-get install -y -q openjdk-17-jre-headless >/dev/null)); \
	  else \
	    echo "fout: installeer eerst Java 17 (sudo apt-get install openjdk-17-jre-headless)" >&2; exit 2; \
	  fi; \
	fi

# ruff (config in pyproject.toml): the likely bugs and unused names, then the one code layout
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint $(VENV)/.dev-installed system-deps
	$(PY) -m pytest -q -n 2

# The benchmark suite (issue 9): scaled demo data, ours beside the peers, one results file.
# bench is heavy (50 million fixes: about half an hour on 2 cores); bench-quick is the same code
# path at small sizes (under a minute) and runs in make test as a smoke test (tests/cli/test_bench_quick.py).
BENCH_QUICK_OUT ?= /tmp/civ-bench/results-quick.md
bench: $(VENV)/.dev-installed
	$(PY) -m benchmarks --out benchmarks/results.md

bench-quick: $(VENV)/.dev-installed
	mkdir -p $(dir $(BENCH_QUICK_OUT))
	$(PY) -m benchmarks --quick --out $(BENCH_QUICK_OUT)

# Mutation testing (issue 22) of the modules listed under [tool.mutmut] in pyproject.toml: hours on
# 2 cores, not part of make test. `mutmut results` lists the survivors; benchmarks/results.md records them.
MUTATE_PATHS ?=
mutate: $(VENV)/.dev-installed
	$(PY) -m mutmut run $(MUTATE_PATHS)
	$(PY) -m mutmut results

clean:
	rm -rf $(VENV) .pytest_cache
