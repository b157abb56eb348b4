# Makefile — thin wrappers over Meson/Ninja. The real build is meson.build.
#   make / make build : build/helpo (release-ish, -O2)
#   make run          : bootstrap, build, demo data in ./helpo-data, serve on 127.0.0.1:8080
#   make check        : bootstrap test deps, sanitizer build (ASan+UBSan), unit, fuzz-corpus,
#                       API (node:test, node-zendesk) and mail (Postfix, Dovecot, SMTP sink) tests
#   make bench        : benchmarks, writes bench/RESULTS.md
#   make fuzz         : libFuzzer targets (clang), FUZZ_SECONDS each (default 60)
DATA ?= helpo-data
LISTEN ?= 127.0.0.1:8080

FUZZ_SECONDS ?= 60

.PHONY: all build run check bench fuzz clean format checksrc

all: build

build/build.ninja:
	meson setup build --buildtype=debugoptimized -Db_ndebug=false >/dev/null

build: build/build.ninja
	ninja -C build

build-san/build.ninja:
	meson setup build-san --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false >/dev/null

run:
	scripts/bootstrap run
	$(MAKE) build
	scripts/run-demo $(DATA) $(LISTEN)

check:
	scripts/bootstrap check
	scripts/checksrc
	scripts/check-openapi
	scripts/check-locales
	$(MAKE) build-san/build.ninja
	ninja -C build-san
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-san --print-errorlogs --suite unit --suite fuzz-corpus
	HELPO_BIN=$(CURDIR)/build-san/helpo scripts/test-api
	@# browser journeys: playwright-core driving Debian's Chromium, headless
	scripts/test-e2e build-san
	@# the mail tests start real Postfix and Dovecot, which need root (sudo when not root)
	$(if $(filter 0,$(shell id -u)),,sudo) env HELPO_BIN=$(CURDIR)/build-san/helpo scripts/test-mail

bench:
	scripts/bootstrap bench
	$(MAKE) build
	bench/run

fuzz:
	scripts/bootstrap fuzz
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dwerror=false -Dc_args=-fsanitize=fuzzer-no-link \
		-Db_sanitize=address,undefined -Db_lundef=false --buildtype=debugoptimized >/dev/null
	ninja -C build-fuzz
	scripts/fuzz $(FUZZ_SECONDS)

checksrc:
	scripts/checksrc

format:
	clang-format -i src/*.c src/*/*.c src/*/*.h tests/unit/*/*.c

clean:
	rm -rf build build-san
