# maillage — the two commands of the README, and what CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export MAILLAGE_DATA_DIR ?= $(CURDIR)/var
PYTEST_ARGS ?=

.PHONY: install demo serve test test-fast quality bench clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "maillage demande Python 3.11 ou plus récent ($(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed

demo: install  ## base SQLite + territoire fictif + comptes, puis http://127.0.0.1:8000
	$(BIN)/maillage demo

serve: install
	$(BIN)/maillage serve

test: install  ## toute la suite (navigateur compris si Chromium est installé)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -n 2 -m "not browser and not slow" $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/vulture  # dead code (configuration and whitelist: [tool.vulture] in pyproject.toml)
	DJANGO_SETTINGS_MODULE=maillage.web.settings.test $(BIN)/maillage manage makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=maillage.web.settings.production \
		DJANGO_SECRET_KEY=ci-only-$$(printf 'x%.0s' $$(seq 1 60)) DJANGO_ALLOWED_HOSTS=maillage.example \
		MAILLAGE_SECRET_STATISTIQUE_CLE=ci-only-secret-statistique-$$(printf 'y%.0s' $$(seq 1 40)) \
		$(BIN)/maillage manage check --deploy --fail-level WARNING

bench: install
	$(BIN)/python benchmarks/bench_import_communes.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
