# README, "Using the library from C" (and examples/README.md): examples/dedup_api.c
# built against the checkout's libneardup.a.
. "$ROOT/tests/cli/readme_lib.inc"
show 'cc -Iinclude examples/dedup_api.c libneardup.a $(pkg-config --libs libutf8proc libxxhash) -lm'
show './a.out'
