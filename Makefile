# Thin aliases. `make lab` and `make test` work on a fresh clone: they create .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# No news feed, update check or PyPI extension manager: nothing in the lab asks for the web.
LAB_OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	--LabApp.extension_manager=readonly
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: setup lab test check lint book execute learner slides lite bench vendor lock clean \
	assignments loadtest coachcard

$(STAMP): requirements.txt pyproject.toml postBuild
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	PATH="$(abspath $(VENV))/bin:$$PATH" sh postBuild
	touch $(STAMP)

setup: $(STAMP)  ## create or update the environment

# The course's own notebooks are trusted, so their saved explorers run before any cell does
# (in the notebook and in RISE); a notebook you write yourself stays untrusted until you run it.
lab: $(STAMP)  ## open the course in JupyterLab (the whole repository, 1.1 open)
	$(VENV)/bin/jupyter trust -y book/*.ipynb book/instructor/decks/*.ipynb chapters/*/*.ipynb \
		exercises/*.ipynb exercises/nocode/*.ipynb > /dev/null
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. $(LAB_OFFLINE) \
		chapters/01_mechanism/01_size_principle.ipynb

test: $(STAMP)  ## every test: unit, data, notebooks (nbval), exercises, book, browser, accessibility
	$(PY) -m pytest --nbval -n auto

# The fast lane leaves out what needs a browser, a JupyterLab server or a book build.
SLOW_TESTS := test_browser test_accessibility test_search test_lab test_slides test_launch test_book \
	test_hub test_assignments
check: $(STAMP)  ## the fast lane: unit, data, widget, exercise and notebook (nbval) tests
	$(PY) -m pytest --nbval -n auto $(SLOW_TESTS:%=--ignore=tests/%.py)

lint: $(STAMP)  ## ruff over the package, tests, tools and notebooks
	$(VENV)/bin/ruff check .

execute: $(STAMP)  ## re-execute chapter and exercise notebooks (stores outputs + widget state)
	$(PY) -m tools execute

learner: $(STAMP)  ## regenerate learner copies of the exercises (never overwrites your edits)
	$(PY) -m tools learner

assignments: $(STAMP)  ## otter-grader student notebooks + autograders into _build/assignments
	$(PY) -m tools assignments build

coachcard: $(STAMP)  ## write the coach card (book/coach_card/coach-card.pdf and .png)
	$(PY) -m tools coachcard

book: $(STAMP) coachcard  ## build the HTML book (strict) into _build/html (coach card first)
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

STUDENTS ?= 30
loadtest: $(STAMP)  ## a JupyterHub on 127.0.0.1 and a class of STUDENTS (default 30): book/_data/class_load.json
	$(PY) -m tools loadtest --students $(STUDENTS) --output book/_data/class_load.json

bench: $(STAMP)  ## measure the performance budgets
	$(PY) -m tools bench

slides: $(STAMP)  ## export each chapter as an offline reveal.js deck into _build/slides
	$(PY) -m tools slides

lite: $(STAMP)  ## build the JupyterLite site into _build/html/lite (after `make book`)
	$(PY) -m tools lite

vendor: $(STAMP)  ## refresh vendored JS (needs the npm registry)
	$(PY) -m tools vendor

LOCK_VENV := _build/lock-venv
lock:  ## regenerate the pinned requirements.txt from requirements.in (needs the package registry)
	test -x $(LOCK_VENV)/bin/pip-compile || \
		{ python3 -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install -q pip-tools==7.6.2; }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --strip-extras \
		--allow-unsafe --no-emit-index-url --no-emit-find-links requirements.in -o requirements.txt

clean:
	rm -rf _build .jupyter_cache test-artifacts
