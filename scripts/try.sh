#!/bin/sh
# Set up, build, and open escalator on the built-in simulated test bed.
set -e
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh build
# The minimal test bed names its operators; the trainee plays alice (admin).
exec ./build/escalator --operator alice "$@"
