# One-command set-up: `make build` and `make test` create the venv, install what
# briefgen needs (system packages too, when running as root) and then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# uv installs exactly uv.lock (every package, test and lint tools included, hashes
# checked). uv itself comes from PyPI pinned by hash (uv-requirements.txt) into its own
# venv, so `uv sync` never removes it; pip's local indexes are harmless with hashes.
UV_VERSION ?= $(shell sed -n 's/^uv==\([0-9.]*\).*/\1/p' uv-requirements.txt)
UV_VENV := .uv
UV := $(UV_VENV)/bin/uv
# --locked: fail if uv.lock no longer matches pyproject.toml instead of re-resolving.
# --compile-bytecode: as pip does when users install briefgen; without it every process
# compiles pydantic, WeasyPrint and the rest again where PYTHONDONTWRITEBYTECODE is set
# (as on CI here): about 1 s of each command, each test's subprocess and each PDF worker.
UV_SYNC := $(UV) sync --locked --python $(PYTHON) --no-python-downloads --compile-bytecode
# briefgen's own modules, compiled again where changed (it is installed editable).
BYTECODE := $(BIN)/python -m compileall -q briefgen
# Shared libraries and tools the build and tests use: HarfBuzz subsetting keeps PDFs
# byte-reproducible; poppler-utils lets tests cross-check PDFs; chromium runs axe-core and
# Java 17 the Nu HTML Checker on every output in `make test`. The Noto fonts are the ones
# the repository's own project declares in briefgen.toml [fonts] (CJK and Arabic).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils \
  chromium openjdk-17-jre-headless fonts-noto-cjk fonts-noto-core
# The checkers the tests run on our output (axe-core, vnu-jar), pinned by package-lock.json;
# --ignore-scripts: vnu-jar's install script would download a JDK from outside.
NODE_STAMP := node_modules/.installed

.PHONY: build test lint typecheck unit wheel wheel-check check reference clean system-deps upgrade-lock \
  upgrade-uv

build: $(STAMP)
	@$(BYTECODE)
	$(BIN)/briefgen build

check: $(STAMP)
	$(BIN)/briefgen check

# docs/reference/ and docs/rules.md, generated from the models and the code registry
# (tests/test_reference.py and tests/test_rules.py fail when they lag).
reference: $(STAMP)
	$(BIN)/briefgen reference --out docs/reference
	$(BIN)/briefgen rules --markdown > docs/rules.md

test: lint typecheck unit wheel-check

lint: $(STAMP)
	$(BIN)/ruff check briefgen tests bench
	$(BIN)/ruff format --check briefgen tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy briefgen

# --durations=25: every log (CI's too) lists the 25 slowest tests, where the time goes.
unit: $(STAMP) $(NODE_STAMP)
	@$(BYTECODE)
	$(BIN)/pytest -q --durations=25

# The wheel users install (dist/), built like uv sync builds briefgen: without network or
# isolation, by the locked setuptools. build/ goes first: setuptools keeps it between
# runs, and a module deleted from briefgen/ would otherwise stay in the next wheel.
wheel: $(STAMP)
	rm -rf build dist
	$(UV) build --quiet --wheel --no-build-isolation --offline --python $(BIN)/python -o dist .
	rm -rf build
	@ls -l dist/*.whl

# That wheel as users install it: built from the tracked files, installed with the locked
# dependencies in a fresh venv outside the repository, then used there to build a small
# project; fails on any missing file, licence or font (tests/wheel_check.py).
wheel-check: $(STAMP)
	$(BIN)/python -I tests/wheel_check.py --python $(PYTHON)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

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

$(UV): uv-requirements.txt
	rm -rf $(UV_VENV)
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/pip install -q --disable-pip-version-check --require-hashes --no-deps \
	  -r uv-requirements.txt
	touch $(UV)

# briefgen itself is built without isolation, by the locked setuptools (pyproject.toml).
$(STAMP): uv.lock pyproject.toml $(UV)
	@$(MAKE) --no-print-directory system-deps
	$(UV_SYNC)
	touch $(STAMP)

# Upgrade every locked package on purpose, then regenerate the golden files and show
# what changed; review the diff, run `make test`, commit uv.lock and tests/golden together.
upgrade-lock: $(UV)
	$(UV) lock --upgrade --python $(PYTHON) --no-python-downloads
	$(UV_SYNC)
	touch $(STAMP)
	$(BIN)/pytest -q -p no:randomly tests/test_golden.py --update-golden
	git --no-pager diff --stat -- uv.lock tests/golden
	git --no-pager diff -- tests/golden

# Pin another uv: make upgrade-uv UV_VERSION=X.Y.Z (rewrites uv-requirements.txt and
# pyproject.toml's required-version, then installs it).
upgrade-uv: $(UV)
	echo "uv==$(UV_VERSION)" | $(UV) pip compile -q --universal --generate-hashes \
	  --no-annotate --custom-compile-command "make upgrade-uv UV_VERSION=$(UV_VERSION)" \
	  -o uv-requirements.txt -
	sed -i 's/^required-version = .*/required-version = "==$(UV_VERSION)"/' pyproject.toml
	@$(MAKE) --no-print-directory $(UV)

clean:
	rm -rf $(VENV) $(UV_VENV) node_modules build dist output .briefgen-cache .briefgen-lock schemas .pytest_cache .mypy_cache .ruff_cache
