# neardup - GNU Makefile (the official build).
#   make                 static + shared library and the neardup CLI
#   make CC=clang        any C17 compiler; warnings are errors
#   make SANITIZE=address,undefined   instrumented build in build/san-*/
#   make test            everything; make check: the fast subset
# `make help` lists the targets (from the ## comments).

PREFIX    ?= /usr/local
DESTDIR   ?=
LIBDIR    ?= $(PREFIX)/lib
INCDIR    ?= $(PREFIX)/include
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man/man1
PKGCONFIG ?= pkg-config

VERSION_MAJOR := $(shell sed -n 's/^\#define ND_VERSION_MAJOR *\([0-9]*\).*/\1/p' include/neardup.h)
VERSION_MINOR := $(shell sed -n 's/^\#define ND_VERSION_MINOR *\([0-9]*\).*/\1/p' include/neardup.h)
VERSION_PATCH := $(shell sed -n 's/^\#define ND_VERSION_PATCH *\([0-9]*\).*/\1/p' include/neardup.h)
VERSION   := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

DEPS      := libutf8proc libxxhash libzstd zlib libxml-2.0 lmdb libmicrohttpd libcurl
DEP_CFLAGS := $(shell $(PKGCONFIG) --cflags $(DEPS) 2>/dev/null)
# libstemmer (Snowball) ships no pkg-config file
DEP_LIBS   := $(shell $(PKGCONFIG) --libs $(DEPS) 2>/dev/null) -lstemmer
# jansson is a test-only dependency: the oracle of test_json's differential
# test and of fuzz_json (which skips the comparison when jansson is missing).
TEST_CFLAGS := $(shell $(PKGCONFIG) --exists jansson 2>/dev/null && echo -DND_HAVE_JANSSON=1 \
                 $$($(PKGCONFIG) --cflags jansson))
TEST_LIBS  := $(shell $(PKGCONFIG) --libs jansson 2>/dev/null)
LIB_LIBS   := $(shell $(PKGCONFIG) --libs libutf8proc libxxhash libzstd lmdb 2>/dev/null) -lstemmer -lm -lpthread

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wvla -Wformat=2 -Wundef -Wpointer-arith -Wcast-qual
OPT       ?= -O2
CFLAGS    ?= $(OPT) -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden \
             -Iinclude -Isrc/lib $(DEP_CFLAGS)
LDFLAGS   ?=

# neardup-mpi: the same CLI compiled with mpicc and ND_MPI (src/cli/dist/dist.c)
ifdef MPI_BUILD
  ALL_CFLAGS += -DND_MPI=1
endif

ifdef SANITIZE
  BUILD   ?= build/san
  ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=$(SANITIZE)
else
  BUILD   ?= build/rel
endif

LIB_SRC   := $(sort $(wildcard src/lib/*/*.c))
CLI_SRC   := $(sort $(wildcard src/cli/*.c src/cli/*/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
# the report page, compiled in as a string (scripts/embed.sh)
CLI_OBJ   += $(BUILD)/gen/report_page.o
CLI_LIBOBJ := $(filter-out $(BUILD)/src/cli/neardup.o,$(CLI_OBJ))
$(CLI_OBJ): ALL_CFLAGS += -Isrc/cli
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

STATIC    := $(BUILD)/libneardup.a
SHARED_LIB := $(BUILD)/libneardup.so.$(VERSION)
SONAME    := libneardup.so.$(VERSION_MAJOR)

.PHONY: all neardup-mpi help test check unit cli-tests fuzz-replay install uninstall clean man lint bench golden-update

all: neardup libneardup.a libneardup.so  ## build the library (static and shared) and the neardup CLI
ifdef MPI
all: neardup-mpi
endif

# make MPI=1 (or make neardup-mpi): neardup on OpenMPI, built in build/mpi
neardup-mpi:  ## neardup-mpi, the distributed CLI (needs libopenmpi-dev; docs/distributed.md)
	@command -v mpicc >/dev/null || { echo "mpicc not found: install libopenmpi-dev" \
	    "(scripts/install-deps.sh)"; exit 1; }
	+@$(MAKE) --no-print-directory BUILD=build/mpi CC=mpicc MPI_BUILD=1 build/mpi/neardup
	cp build/mpi/neardup $@.tmp && mv -f $@.tmp $@

help:  ## list the targets
	@grep -E '^[a-zA-Z_.-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

# copied under a temporary name, then renamed: a running neardup (a server) keeps its file
neardup: $(BUILD)/neardup
	cp $< $@.tmp && mv -f $@.tmp $@
libneardup.a: $(STATIC)
	cp $< $@.tmp && mv -f $@.tmp $@
libneardup.so: $(SHARED_LIB)
	cp $< $@

$(BUILD)/%.o: %.c $(wildcard include/*.h src/lib/*.h src/lib/*/*.h src/cli/*.h src/cli/*/*.h tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/report_page.c: src/cli/report/page.html scripts/embed.sh
	@mkdir -p $(@D)
	sh scripts/embed.sh nd_report_page $< > $@.tmp && mv -f $@.tmp $@
$(BUILD)/gen/report_page.o: $(BUILD)/gen/report_page.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(LDFLAGS) -o $@ $^ $(LIB_LIBS)

$(BUILD)/neardup: $(CLI_OBJ) $(STATIC)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(DEP_LIBS) -lm -lpthread

$(BUILD)/tests/%: tests/unit/%.c $(CLI_LIBOBJ) $(STATIC) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Isrc/cli $(LDFLAGS) -o $@ $< $(CLI_LIBOBJ) $(STATIC) \
	    $(DEP_LIBS) $(TEST_LIBS) -lm -lpthread

units: $(UNIT_BIN)  ## build the unit-test binaries

# The test targets build on every core (JOBS) unless make was given -j, whose
# job slots they share then; tests/run.sh does the same for its own builds.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PAR = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(JOBS))

check:  ## fast subset: unit, golden and CLI tests (about 1 CPU-minute)
	+@$(MAKE) --no-print-directory $(PAR) all units
	@tests/run.sh --fast $(BUILD)

test:  ## everything: unit, golden, CLI, seeds, data quality, sanitizers, fuzz replay
	+@$(MAKE) --no-print-directory $(PAR) all units
	+@tests/run.sh --all $(BUILD)

# libFuzzer targets (clang); the replay driver runs the corpus without libFuzzer.
fuzz: $(FUZZ_SRC) $(CLI_LIBOBJ) $(LIB_SRC)  ## build libFuzzer targets into build/fuzz (clang); FUZZ_S=N: run each N s
	@mkdir -p build/fuzz
	for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc/lib -Isrc/cli \
	    $(DEP_CFLAGS) $(TEST_CFLAGS) -o build/fuzz/$$n $$f $(LIB_SRC) $(filter-out src/cli/neardup.c,$(CLI_SRC)) \
	    $(BUILD)/gen/report_page.c \
	    $(DEP_LIBS) $(TEST_LIBS) -lm -lpthread || exit 1; done
	@if [ -n "$(FUZZ_S)" ]; then tests/fuzz/run.sh $(FUZZ_S); fi

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(CLI_LIBOBJ) $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Isrc/cli $(LDFLAGS) -o $@ $< tests/fuzz/replay_main.c \
	    $(CLI_LIBOBJ) $(STATIC) $(DEP_LIBS) $(TEST_LIBS) -lm -lpthread

fuzz-replay: $(FUZZ_BIN)  ## build the fuzz targets with the replay driver (any compiler)

neardup.pc: neardup.pc.in include/neardup.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCDIR@|$(INCDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' $< > $@

man: docs/neardup.1  ## regenerate the man page from docs/neardup.1.md (needs pandoc)
docs/neardup.1: docs/neardup.1.md
	pandoc --standalone --to man $< -o $@

install: all neardup.pc  ## install to $(DESTDIR)$(PREFIX) (PREFIX=/usr/local)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR)
	install -m 755 neardup $(DESTDIR)$(BINDIR)/neardup
	install -m 644 libneardup.a $(DESTDIR)$(LIBDIR)/libneardup.a
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/libneardup.so.$(VERSION)
	ln -sf libneardup.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libneardup.so
	install -m 644 include/neardup.h $(DESTDIR)$(INCDIR)/neardup.h
	install -m 644 neardup.pc $(DESTDIR)$(LIBDIR)/pkgconfig/neardup.pc
	install -m 644 docs/neardup.1 $(DESTDIR)$(MANDIR)/neardup.1

uninstall:  ## remove what install put in place
	rm -f $(DESTDIR)$(BINDIR)/neardup $(DESTDIR)$(LIBDIR)/libneardup.* $(DESTDIR)$(INCDIR)/neardup.h \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/neardup.pc $(DESTDIR)$(MANDIR)/neardup.1

lint:  ## line length (<= 100) and trailing whitespace
	@! grep -nE '.{101,}' $(wildcard include/*.h src/*/*.c src/*/*/*.c src/*/*.h src/*/*/*.h tests/unit/*.c) || { echo "lines over 100 columns"; exit 1; }
	@! grep -nE '[[:space:]]+$$' Makefile include/*.h src/*/*.c src/*/*/*.c tests/unit/*.c tests/*.sh || { echo "trailing whitespace"; exit 1; }

# Benchmark against peer tools (not part of make test); see docs/benchmarks.md.
# BENCH_SIZE=100M for a quick run; BENCH_ROWS="main scaling memory reuse" selects rows.
bench:  ## generate a seeded corpus, run neardup and peers, write bench/results/*.json
	bench/run.sh

clean:  ## remove build outputs
	rm -rf build neardup neardup-mpi libneardup.a libneardup.so neardup.pc

# ---- micro-benchmark of the sketching kernels (bench/micro; simd branch) ----
MICRO_BIN := $(BUILD)/bench/micro/kernels
$(MICRO_BIN): bench/micro/kernels.c $(STATIC) $(wildcard src/lib/*.h src/lib/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(STATIC) $(LIB_LIBS)

.PHONY: micro
micro: $(MICRO_BIN)  ## callgrind instructions per input byte of each kernel (needs valgrind)
	bench/micro/run.sh $(MICRO_BIN)

# ---- the cost of each sketch alone (bench/simhash_sketch.c; bench/simhash.sh runs it) ----
SIMHASH_SKETCH_BIN := $(BUILD)/bench/simhash_sketch
$(SIMHASH_SKETCH_BIN): bench/simhash_sketch.c $(STATIC) $(wildcard src/lib/*.h src/lib/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(STATIC) $(LIB_LIBS)

# SimHash against MinHash on the bench corpus (docs/benchmarks.md)
.PHONY: simhash-bench
simhash-bench: $(SIMHASH_SKETCH_BIN)
	bench/simhash.sh

# ---- reader throughput (WARC/WET and the other formats; bench/warc_read.c) ----
WARC_READ_BIN := $(BUILD)/bench/warc_read
$(WARC_READ_BIN): bench/warc_read.c $(CLI_LIBOBJ) $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc/cli $(LDFLAGS) -o $@ $< $(CLI_LIBOBJ) $(STATIC) $(DEP_LIBS) -lm -lpthread

.PHONY: warc-read
warc-read: $(WARC_READ_BIN)  ## build the reader throughput tool (build/rel/bench/warc_read)

# ---- fault injection (tests/fault): the CLI with its Nth allocation, write or rename failing ----
# build/fault: an ASan build (LeakSanitizer on) whose calls go through tests/fault/fault_shim.c.
FAULT_WRAP := malloc calloc realloc strdup strndup realpath open_memstream write pwrite fwrite \
              fputs fputc putc fprintf vfprintf printf fflush fclose rename
FAULT_BIN  := build/fault/neardup-fault
fault_comma := ,
$(FAULT_BIN): tests/fault/fault_shim.c $(LIB_SRC) $(CLI_SRC) src/cli/report/page.html \
              $(wildcard include/*.h src/lib/*.h src/lib/*/*.h src/cli/*.h src/cli/*/*.h)
	@$(MAKE) --no-print-directory SANITIZE=address BUILD=build/fault build/fault/neardup
	$(CC) -std=c17 -D_GNU_SOURCE $(WARN) -g -O1 -fsanitize=address -c -o build/fault/fault_shim.o $<
	$(CC) -fsanitize=address $(addprefix -Wl$(fault_comma)--wrap=,$(FAULT_WRAP)) -o $@ \
	    $(CLI_SRC:%.c=build/fault/%.o) build/fault/gen/report_page.o build/fault/libneardup.a \
	    build/fault/fault_shim.o \
	    $(DEP_LIBS) -lm -lpthread

.PHONY: fault fault-full
fault: $(FAULT_BIN)  ## fault injection, sampled N (tests/fault/run.sh; ~1 min)
	tests/fault/run.sh $(FAULT_BIN)
fault-full: $(FAULT_BIN)  ## fault injection at every N of every command (minutes)
	tests/fault/run.sh --full $(FAULT_BIN)
