# Packaging targets, included by the top-level Makefile. DIST names a row of nfpm/rows/
# (packaging spec §7-§8): `make deb DIST=debian12`, `make rpm DIST=el7`, `make all-packages`.
# Packages land in dist/<row>/. nfpm comes from a registry only (nfpm/install-nfpm.sh).

DIST          ?= debian12
PACKAGE_ROWS  := $(sort $(basename $(notdir $(wildcard nfpm/rows/*.env))))

.PHONY: deb rpm all-packages nfpm lint-packaging

nfpm:
	@nfpm/install-nfpm.sh >/dev/null && echo "nfpm: $$(nfpm/install-nfpm.sh --find)"

deb: dist nfpm
	nfpm/build-row.sh $(DIST) deb

rpm: dist nfpm
	nfpm/build-row.sh $(DIST) rpm

all-packages: dist nfpm
	@for row in $(PACKAGE_ROWS); do nfpm/build-row.sh $$row any || exit 1; done

# shellcheck of the maintainer scripts (POSIX sh), the sysvinit scripts and the packaging
# helpers; lintian (errors fail, warnings are shown) on the row's debs when both exist.
lint-packaging:
	shellcheck -s sh nfpm/scripts/*/*/*.sh init/sysvinit/*
	shellcheck -x nfpm/install-nfpm.sh nfpm/build-row.sh test/packaging/support/*.sh
	@if command -v lintian >/dev/null && ls dist/$(DIST)/*.deb >/dev/null 2>&1; then \
	  lintian --fail-on error --tag-display-limit 0 dist/$(DIST)/*.deb; \
	else echo "lintian: skipped (no lintian or no dist/$(DIST)/*.deb)"; fi
