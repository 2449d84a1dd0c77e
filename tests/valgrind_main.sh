#!/bin/sh
# The main paths under valgrind: no leaks, no invalid reads or writes.
# check, plan, a whole campaign to commit on the simulator, status, log.
# Skipped in a sanitizer build (ASan and valgrind do not mix).
set -u
[ -n "${SAN_CFLAGS:-}" ] && { echo "sanitizer build: skipped"; exit 77; }
command -v valgrind >/dev/null || { echo "no valgrind: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect \
	    --show-leak-kinds=definite,indirect "$@"
}
c=$SRCDIR/campaigns/minimal-testbed.cfg
fail=0
step() {
	name=$1; shift
	vg "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -ge 99 ] || grep -q "==[0-9]*==" "$tmp/out"; then
		echo "FAIL: $name (rc $rc)"; cat "$tmp/out"; fail=1
	else
		echo "ok: $name"
	fi
}
step check "$ESCALATOR" check "$c"
step plan "$ESCALATOR" plan "$c" --json
step run "$ESCALATOR" run "$c" --batch --yes --virtual-time --seed 7 \
    --state-dir "$tmp/state" --operator alice
step status "$ESCALATOR" status --state-dir "$tmp/state" --json
step log "$ESCALATOR" log --state-dir "$tmp/state" --errors
vg "$ESCALATOR" status --state-dir "$tmp/state" --json 2>/dev/null |
    grep -q '"committed"' || { echo "FAIL: the run did not commit"; fail=1; }
exit $fail
