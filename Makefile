# One-command set-up: `make build` and `make test` create the venv, install what
# briefgen needs (system packages too, when running as root) and then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Shared libraries and tools the build and tests use: HarfBuzz subsetting keeps PDFs
# byte-reproducible; poppler-utils lets tests cross-check PDFs.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

.PHONY: build test lint typecheck unit check clean system-deps

build: $(STAMP)
	$(BIN)/briefgen build

check: $(STAMP)
	$(BIN)/briefgen check

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check briefgen tests bench
	$(BIN)/ruff format --check briefgen tests bench

typecheck: $(STAMP)
	$(BIN)/mypy briefgen

unit: $(STAMP)
	$(BIN)/pytest -q

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "warning: missing system packages:$$missing (run as root or install them)" >&2; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) output .pytest_cache .mypy_cache .ruff_cache
