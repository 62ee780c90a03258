# hepml-course: two commands on a fresh machine.
#   make book   set up .venv (pinned), system packages, build the book executing every notebook
#   make test   same setup, then lint + the test suite (which executes every chapter notebook)
SHELL := /bin/bash
# The newest supported Python found on PATH (3.13, 3.12, 3.11), or PYTHON=... to choose.
PYTHON ?= $(shell for v in 3.13 3.12 3.11; do python$$v -c "" >/dev/null 2>&1 && { echo python$$v; exit; }; done; echo python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.hepml-course-installed
MATHJAX_VERSION := 3.2.2
MATHJAX := book/_static/mathjax/tex-chtml.js
PYTEST_ARGS ?= -n 2 -m "not slow"
SMOKE_ARGS ?= -n 2 -m smoke

.PHONY: setup venv system-packages warm book notebooks test test-smoke test-slow lint bench clean help

help:
	@echo "make book   - set up everything and build the book (HTML in _build/html)"
	@echo "make notebooks - write the learner notebooks (.ipynb, no solutions) to _build/notebooks"
	@echo "make test   - set up everything, lint, and run the test suite"
	@echo "make test-smoke - a fast subset that touches every chapter (install check)"
	@echo "make test-slow - the slow tests (full re-training, regeneration) left out of make test"
	@echo "make bench  - print the notebook benchmark JSON (wall time, peak memory)"

setup: venv system-packages warm

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else "hepml-course needs Python 3.11, 3.12 or 3.13 (found %d.%d): set PYTHON=python3.13 (or 3.12, 3.11)" % v)'
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; want = sys.argv[1]; sys.exit(0 if "%d.%d" % sys.version_info[:2] == want else 1)' "$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')"; then \
		echo "$(VENV) was made with another Python than $(PYTHON): remove it (rm -rf $(VENV)) or set VENV=.venv-other"; exit 1; fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "hepml-course environment: $$($(PY) --version) in $(VENV)"
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,fpga]"
	$(PY) -m pip check
	touch $@

system-packages:
	@bash .ci/system-packages.sh apt.txt

warm: $(STAMP)
	$(PY) -m hepml_course.warm

$(MATHJAX):
	@bash .ci/fetch-mathjax.sh $(MATHJAX_VERSION) book/_static/mathjax

# The book build runs the solution cells (%%solution) and proves every check passes.
book: setup $(MATHJAX)
	rm -rf _build
	HEPML_COURSE_SOLUTIONS=1 $(VENV)/bin/jupyter-book build . -W --keep-going
	$(PY) -m hepml_course.notebook_runner _build/html/notebooks
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

notebooks: setup
	$(PY) -m hepml_course.notebook_runner _build/notebooks

lint: $(STAMP)
	$(VENV)/bin/ruff check hepml_course tests book
	$(VENV)/bin/ruff format --check hepml_course tests

test: setup lint
	$(PY) -m pytest $(PYTEST_ARGS)

test-smoke: setup
	$(PY) -m pytest $(SMOKE_ARGS)

test-slow: setup
	$(PY) -m pytest -n 2 -m slow

bench: setup
	$(PY) -m hepml_course.bench notebooks

clean:
	rm -rf _build .pytest_cache
