# The README's two commands: `make demo` and `make test`. Each installs what it needs first.
# The venv's interpreter: the distribution's own Python where it is 3.11 or newer and can make a venv (Debian builds
# it with PGO and LTO: the test loop runs about 11 % faster than on a plain pyenv build of the same version),
# else python3 on PATH. A venv made before this choice keeps its interpreter until `make clean`.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
            && echo /usr/bin/python3 || echo python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint bench clean system

# Bytecode and pytest's rewritten test modules are cached in __pycache__ (git-ignored) even where the environment
# sets PYTHONDONTWRITEBYTECODE: recompiling every module in every worker costs about 10 % of the test loop
unexport PYTHONDONTWRITEBYTECODE

# The venv, with a kernelspec "python3" in it: papermill runs report templates with this venv's interpreter
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (kpbkit)" > /dev/null
	$(PY) -m compileall -q kpbkit  # the first test run's workers and subprocesses then skip compiling it
	touch $(STAMP)

# Chromium (PDF), poppler-utils (PDF text), fonts and pango: installed with apt-get when missing
system:
	bash scripts/setup-system.sh

demo: system $(STAMP)
	$(VENV)/bin/kpbkit demo

# Everything (CI), on three workers for two cores: the render tests wait on kernels, Chromium and JupyterLab, and a
# third worker fills that time (measured: 173-180 s against 188-193 s on two); the internal and the publication
# demo each render once, on a worker of their own (tests/conftest.py)
test: system $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -q -n 3

# The everyday loop: every test but those that render reports (papermill, HTML, PDF; marker `render`); the property
# tests draw a quarter of their random cases (tests/examples.py)
test-fast: $(STAMP)
	KPBKIT_QUICK_PROPERTIES=1 $(PY) -m pytest -q -m "not render" -n 2

# kpbkit against a DuckDB baseline (the bench extra) at 1 M and 10 M visit rows, and peak memory at 20 M
bench: $(STAMP)
	$(PY) -m pip install -q -e ".[test,bench]"
	$(PY) bench/run_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
