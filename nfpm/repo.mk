# Repository target, included by the top-level Makefile: `make repo` turns the packages already in
# dist/<row>/ into signed apt and yum repositories under dist/repo/ (nfpm/repo/build-repo.sh;
# nfpm/README.md "Repositories"). Build packages first: `make all-packages` or `make deb DIST=…`.

.PHONY: repo

repo:
	nfpm/repo/build-repo.sh dist
