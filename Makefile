# Every target installs what it needs and is idempotent.
#   make synth [ENV=local]     render one environment into dist/<ENV>/   (ENV=all: every environment)
#   make test                  lint (ruff), type-check (mypy strict), check layers (import-linter), validate, run every test
#   make bench                 synth timings and memory (bench/)
#   make validate [PATHS="a.yaml dir"]  validate every rendered environment (or the given manifests)
#   make diff [BASE=origin/main]        rendered change of the working tree against a git ref, object by object
#   make install-crds [CRD_DIR=...]    kubectl users: apply the pinned CRDs (server-side) to the current cluster
#   make install-cert-manager [ENV=..] kubectl users: apply the pinned cert-manager release
#   make schemas               export standalone strict schemas (kubeconform layout) to build/schemas
#   make docs                  regenerate README's configuration reference from the schema
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ENV ?= local
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# cdk8s-cli asks npm for a newer version on every run; these machines (and most CI runners) are offline.
export CDK8S_CHECK_UPGRADE := false

.PHONY: setup synth test typecheck bench imports docs validate schemas diff install-crds install-cert-manager clean

setup: $(VENV)/.installed node_modules/.installed imports/.generated

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

imports: imports/.generated
imports/.generated: $(VENV)/.installed node_modules/.installed charts/crds.py cdk8s.yaml
	rm -rf imports build/crds
	$(PY) -m charts.crds prepare build/crds
	npx cdk8s import flink:=build/crds/flink.yaml --language python --output imports
	npx cdk8s import build/crds/sparkoperator.yaml --language python --output imports
	touch imports/__init__.py
	# Bytecode once: PYTHONDONTWRITEBYTECODE=1 machines would otherwise recompile 5 MB of bindings every synth.
	$(PY) -m compileall -q imports
	touch $@

synth: setup
ifeq ($(ENV),all)
	$(PY) main.py
else
	$(PY) main.py --env $(ENV)
endif

schemas: $(VENV)/.installed
	$(PY) -c "from charts.validation.schemas import export, default_dir; print(export(default_dir()))"

install-crds: $(VENV)/.installed
	$(PY) -m charts.crds install build/crds-install

install-cert-manager: $(VENV)/.installed
	$(PY) -m charts.crds cert-manager --env $(ENV)

validate: $(VENV)/.installed
	$(PY) main.py validate $(PATHS)

BASE ?= HEAD
diff: setup
	$(PY) main.py diff --base $(BASE)

typecheck: setup
	$(PY) -m ruff check charts tests bench main.py
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

test: setup typecheck
	$(PY) main.py validate
	$(PY) -m pytest

docs: $(VENV)/.installed
	$(PY) -m charts.docs --write

bench: setup
	$(PY) bench/synth_bench.py
	$(PY) bench/validate_bench.py

clean:
	rm -rf $(VENV) node_modules imports build
