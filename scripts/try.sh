#!/bin/sh
# Set up, build, and open escalator on the built-in simulated test bed.
set -e
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh build
exec ./build/escalator "$@"
