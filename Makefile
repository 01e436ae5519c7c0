# The one entry point for CI, packagers and people. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

NODE        ?= node
ESBUILD     := node_modules/.bin/esbuild
BUILD       := build
ENTRIES     := $(basename $(notdir $(wildcard ts/bin/*.ts)))
HELPERS     := $(filter-out %.sh %.md,$(notdir $(wildcard shell/google_*)))
BANNER      := import { createRequire as __gceCreateRequire } from 'node:module'; const require = __gceCreateRequire(import.meta.url);
TS_SOURCES  := $(shell find ts -name '*.ts' 2>/dev/null)
SHELL_FILES  = $(shell test/support/shell-files.sh)

.PHONY: help build deps system-deps torture lint lint-ts lint-shell test test-unit test-integration test-shell test-packaging dist demo bench clean

help:
	@echo "make build      bundle every executable into build/bin (runnable tree)"
	@echo "make test       every test (jest, bats, integration); ends with 'N passed, N failed'"
	@echo "make demo       the guest environment against the emulator in a sandbox"
	@echo "make lint       tsc --noEmit and shellcheck"
	@echo "make bench      benchmarks (bench/results)"
	@echo "make dist       package payload tree in dist/payload"
	@echo "make clean      remove build/ and dist/"

node_modules/.package-lock.json: package.json
	npm ci --no-audit --no-fund
	@touch $@

deps: system-deps node_modules/.package-lock.json

# Debian packages used by tests and the demo (installed when root and missing; see .ci/install-deps).
system-deps:
	@.ci/install-deps

# Each entry becomes build/lib/<name>.mjs plus an extensionless /bin/sh wrapper in build/bin
# (Node 18 cannot run an extensionless ESM file; design.md §9.2).
build: deps $(BUILD)/.stamp

# The Node.js flags the wrappers pass (ts/bin/node-flags.json), read once per build.
NODE_FLAGS_OF = $(shell node -p "require('./ts/bin/node-flags.json').$(1).join(' ')")
DAEMON_NODE_FLAGS = $(call NODE_FLAGS_OF,daemons)
OTHER_NODE_FLAGS = $(call NODE_FLAGS_OF,others)

$(BUILD)/.stamp: $(TS_SOURCES) ts/bin/wrapper.sh.in ts/bin/node-flags.json $(wildcard shell/*) package.json Makefile
	@mkdir -p $(BUILD)/bin $(BUILD)/lib
	@for e in $(ENTRIES); do \
	  $(ESBUILD) ts/bin/$$e.ts --bundle --platform=node --target=node18 --format=esm \
	    --log-level=warning --legal-comments=none --minify --keep-names \
	    --banner:js="$(BANNER)" --outfile=$(BUILD)/lib/$$e.mjs; \
	  case $$e in google_*_daemon) flags='$(DAEMON_NODE_FLAGS)' ;; *) flags='$(OTHER_NODE_FLAGS)' ;; esac; \
	  sed -e "s/@ENTRY@/$$e/" -e "s/@NODE_FLAGS@/$$flags/" ts/bin/wrapper.sh.in > $(BUILD)/bin/$$e; chmod 0755 $(BUILD)/bin/$$e; \
	done
	@for h in $(HELPERS); do install -m 0755 shell/$$h $(BUILD)/bin/$$h; done
	@if [ -d shell/lib ]; then mkdir -p $(BUILD)/lib/shell && cp shell/lib/*.sh $(BUILD)/lib/shell/; fi
	@node test/support/check-bundles.mjs $(BUILD)/lib
	@touch $@
	@echo "built $(words $(ENTRIES)) executables and $(words $(HELPERS)) helpers into $(BUILD)/bin"

lint: lint-ts lint-shell

lint-ts: deps
	node_modules/.bin/tsc --noEmit -p tsconfig.json

lint-shell:
	@command -v shellcheck >/dev/null || { echo "shellcheck missing: apt-get install shellcheck"; exit 1; }
	test/support/shellcheck-all.sh

test: build
	@nfpm/install-nfpm.sh >/dev/null 2>&1 || echo "nfpm unavailable: package-build tests will skip and say so"
	node test/support/run-tests.mjs all

test-unit: deps
	node test/support/run-tests.mjs unit

test-integration: build
	node test/support/run-tests.mjs integration

test-shell: deps
	node test/support/run-tests.mjs shell

test-packaging: build
	node test/support/run-tests.mjs packaging

dist: build
	rm -rf dist/payload && mkdir -p dist/payload
	cp -a $(BUILD)/bin $(BUILD)/lib dist/payload/

demo: build
	$(NODE) $(BUILD)/lib/gce_demo.mjs $(ARGS)

bench: build
	$(NODE) bench/run.mjs $(ARGS)

-include nfpm/packaging.mk
-include nfpm/repo.mk

# The whole reliability campaign (slow): crash loops at scale, soak, every fault.
torture: build
	node test/reliability/torture.mjs $(ARGS)

clean:
	rm -rf $(BUILD) dist test/.tmp
