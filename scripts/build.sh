#!/bin/sh
# build.sh DIR [CONFIGURE-ARGS...]: configure and build out of tree in DIR.
set -e
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
[ -x configure ] || ./autogen.sh >/dev/null
mkdir -p "$dir"
cd "$dir"
[ -f Makefile ] || ../configure --quiet "$@"
make -s -j"$(nproc)"
