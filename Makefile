# Keyward's two commands: `make run` and `make test`. Every target first makes sure the Debian
# packages it needs are installed (scripts/deps.sh: idempotent, a no-op when all are present).
.PHONY: all deps build run package test test-postgres tsan fuzz bench format clean

all: build

deps:
	@bash scripts/deps.sh build

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release
	install -m 0755 build/release/src/app/keyward build/keyward

run: build
	./build/keyward serve

# The Debian package of the release build, build/keyward_<version>_<arch>.deb (cmake/packaging.cmake;
# docs/operations.md "Install").
package:
	@bash scripts/deps.sh package
	cmake --preset release >/dev/null
	cmake --build --preset release
	rm -rf build/release/cpack
	cd build/release && cpack -G DEB -B cpack
	cp build/release/cpack/keyward_*.deb build/

test:
	@bash scripts/deps.sh test
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan

# Only the tests that need PostgreSQL (ctest label `postgres`); `make test` runs them too.
test-postgres:
	@bash scripts/deps.sh test
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan -L postgres

tsan:
	@bash scripts/deps.sh test
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan
	ctest --preset tsan

FUZZ_TARGETS := token allowlist time router credentials ds_search visionone_filter json_bodies \
                http_request console_session audit_export
FUZZ_SECONDS ?= 60
fuzz:
	@bash scripts/deps.sh fuzz
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t && \
	  build/fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=25 build/fuzz/corpus/$$t fuzz/corpus/$$t || exit 1; \
	done

bench:
	@bash scripts/deps.sh bench
	cmake --preset bench >/dev/null
	cmake --build --preset bench
	bash bench/run.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
