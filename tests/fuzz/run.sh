#!/bin/sh
# run.sh [SECONDS] [OUTDIR]: build the campaign and inventory fuzz targets
# with clang -fsanitize=fuzzer,address,undefined and run each for SECONDS
# (default 60). New inputs go to OUTDIR/corpus-*, crashes to OUTDIR/crash-*;
# the corpus in the source tree is read, not written: copy a crash into it
# once the bug is fixed, so `make check` replays it from then on.
set -eu
secs=${1:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-fuzz-out}
cc=${CC_FUZZ:-clang}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The campaign sources need no configure results: an empty config.h.
: >"$out/config.h"
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined
    -I$out -I$src/include -I$src/tests/fuzz
    $(pkg-config --cflags libconfig json-c)"
libs="$(pkg-config --libs libconfig json-c)"
lib="$src/src/core/*.c $src/src/campaign/*.c $src/tests/fuzz/fuzz_file.c"
for t in campaign inventory; do
	# shellcheck disable=SC2086
	$cc $flags -o "$out/fuzz_$t" "$src/tests/fuzz/fuzz_$t.c" $lib $libs
	mkdir -p "$out/corpus-$t"
	echo "fuzzing $t for ${secs}s"
	"$out/fuzz_$t" -max_total_time="$secs" -timeout=10 -max_len=16384 \
	    -artifact_prefix="$out/crash-$t-" -print_final_stats=1 \
	    "$out/corpus-$t" "$src/tests/fuzz/corpus/$t"
done
