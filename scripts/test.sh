#!/bin/sh
# Set up, build, and run the whole test suite: a normal build, then one
# with AddressSanitizer and UndefinedBehaviorSanitizer.
set -e
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh build
make -C build -s -j2 check || { cat build/test-suite.log; exit 1; }
sh scripts/build.sh build-asan --enable-sanitizers
make -C build-asan -s -j2 check || { cat build-asan/test-suite.log; exit 1; }
echo "all tests passed in both builds"
