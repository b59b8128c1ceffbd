# brochure — the two commands of the README, and a few for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out
# pytest-xdist processes for make test: the suite is mostly rendering, which is CPU-bound.
# loadfile gives each test module to one process, so a module fixture (traced runs,
# booklets) is built once, not once in each process that runs one of its tests.
TEST_JOBS ?= 2

.PHONY: demo test check lint bytecode golden visual system clean

demo: $(VENV)/.demo bytecode ## Install, render every built-in profile and a booklet of them into out/
	$(BIN)/brochure render profiles/ -o $(OUT)
	$(BIN)/brochure booklet profiles/ -o $(OUT)/booklet.pdf --title "Health Science Careers"

test: lint bytecode ## Install with test extras, lint, run the whole suite (TEST_JOBS processes)
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile

check: lint bytecode ## The fast tier, for the edit-test loop: lint, then every test not marked slow
	$(BIN)/python -m pytest -m "not slow" -n $(TEST_JOBS) --dist loadfile

lint: $(VENV)/.test ## Install with test extras; ruff check, ruff format --check, mypy
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# The sources compiled ahead: the install is editable, and where PYTHONDONTWRITEBYTECODE is
# set (CI images often set it) every command and every worker process would otherwise compile
# brochure's modules again as it starts (0.1 to 0.3 s each). Only changed files are compiled.
bytecode: $(VENV)/.demo
	@$(BIN)/python -m compileall -q src

golden: $(VENV)/.test ## Regenerate golden HTML snapshots; review `git diff tests/golden` after
	$(BIN)/python -m pytest tests/test_render.py --update-golden -q

visual: $(VENV)/.test ## Regenerate the reference page images on purpose; review `git diff --stat tests/visual` and the images after
	$(BIN)/python -m pytest tests/test_visual.py --update-visual -q

system: ## Install (or name) the system packages make demo and make test need
	@PYTHON=$(PYTHON) sh scripts/check-system.sh test

$(VENV)/.created:
	@PYTHON=$(PYTHON) sh scripts/check-system.sh demo
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.demo: $(VENV)/.created pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test: $(VENV)/.created pyproject.toml
	@PYTHON=$(PYTHON) sh scripts/check-system.sh test
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.demo

clean:
	rm -rf $(VENV) $(OUT) build dist .pytest_cache .ruff_cache .mypy_cache
