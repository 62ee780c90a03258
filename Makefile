# hepml-course: two commands on a fresh machine.
#   make book   set up .venv (pinned), system packages, build the book executing every notebook
#   make test   same setup, then lint + the test suite (which executes every chapter notebook)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.hepml-course-installed
MATHJAX_VERSION := 3.2.2
MATHJAX := book/_static/mathjax/tex-chtml.js
PYTEST_ARGS ?= -n 2 -m "not slow"

.PHONY: setup venv system-packages warm book test test-slow lint bench clean help

help:
	@echo "make book   - set up everything and build the book (HTML in _build/html)"
	@echo "make test   - set up everything, lint, and run the test suite"
	@echo "make test-slow - the slow tests (full re-training, regeneration) left out of make test"
	@echo "make bench  - print the notebook benchmark JSON (wall time, peak memory)"

setup: venv system-packages warm

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else "hepml-course needs Python 3.11 (found %d.%d): set PYTHON=python3.11" % v)'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
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

book: setup $(MATHJAX)
	rm -rf _build
	$(VENV)/bin/jupyter-book build . -W --keep-going
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

lint: $(STAMP)
	$(VENV)/bin/ruff check hepml_course tests book
	$(VENV)/bin/ruff format --check hepml_course tests

test: setup lint
	$(PY) -m pytest $(PYTEST_ARGS)

test-slow: setup
	$(PY) -m pytest -n 2 -m slow

bench: setup
	$(PY) -m hepml_course.bench notebooks

clean:
	rm -rf _build .pytest_cache
