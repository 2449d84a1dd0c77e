#!/bin/sh
# resume --skip-node: a node whose step failed is taken out of the
# campaign as it is, by an operator, and the others commit. Then the
# same resume killed with SIGKILL after its 1st, 2nd... durable journal
# write: once the skip is journaled, a plain resume keeps the node
# skipped and never runs its steps again.
set -u
. "$SRCDIR/tests/lib.sh"
campaign=$SRCDIR/tests/data/engine/testbed.cfg
dump=$BUILDDIR/tests/test_engine_simdump
unset ESCALATOR_CRASH_AT_JOURNAL_POINT

status() { "$ESCALATOR" status --state-dir "$1" --json | tr -d ' \n'; }
skipped() {
	status "$1" |
	    grep -q '"name":"cmp-1","version":"1.0",[^}]*"status":"skipped"'
}
# How often cmp-1's failed step was started: once, never again.
drains() { "$dump" "$1" | awk '$1 == "cmp-1" && $2 == "drain"' | wc -l; }

# cmp-1's maintenance_on fails and pauses: nobody answers in batch mode.
failed=$tmp/failed
expect 4 "run with a failing drain" "$ESCALATOR" run "$campaign" --batch \
    --yes --virtual-time --operator alice --state-dir "$failed" \
    --fault fail:drain@cmp-1
expect 2 "run --skip-node" "$ESCALATOR" run "$campaign" --batch \
    --skip-node cmp-1 --state-dir "$tmp/none"
expect 5 "a viewer skips" "$ESCALATOR" resume --state-dir "$failed" \
    --batch --yes --operator vic --skip-node cmp-1
skipped "$failed" && fail "a viewer's skip took effect"

dir=$tmp/whole
cp -r "$failed" "$dir"
expect 0 "resume --skip-node" "$ESCALATOR" resume --state-dir "$dir" \
    --batch --yes --operator alice --skip-node cmp-1
has out "cmp-1 skipped by alice"
has out "committed with 1 node skipped, left as they are: cmp-1"
skipped "$dir" || fail "cmp-1 is not skipped: $(status "$dir")"
status "$dir" | grep -q '"state":"committed"' || fail "not committed"
status "$dir" | grep -q '"name":"cmp-2","version":"2.0"' ||
    fail "cmp-2 not upgraded"
expect 0 "log" "$ESCALATOR" log --state-dir "$dir"
[ "$(drains "$dir")" -eq 1 ] || fail "cmp-1's drain ran again"

n=1
while :; do
	dir=$tmp/crash$n
	rm -rf "$dir"
	cp -r "$failed" "$dir"
	rc=0
	ESCALATOR_CRASH_AT_JOURNAL_POINT=$n "$ESCALATOR" resume \
	    --state-dir "$dir" --batch --yes --operator alice \
	    --skip-node cmp-1 >"$tmp/out" 2>&1 || rc=$?
	[ "$rc" -eq 137 ] || break
	# Skipped before the kill: it stays so. Not yet: skip it again.
	if skipped "$dir"; then
		set --
	else
		set -- --skip-node cmp-1
	fi
	rc=0
	"$ESCALATOR" resume --state-dir "$dir" --batch --yes \
	    --operator alice "$@" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] || ! skipped "$dir"; then
		fail "point $n: resume exited $rc: $(status "$dir")"
		cat "$tmp/out"
		break
	fi
	[ "$(drains "$dir")" -eq 1 ] || fail "point $n: cmp-1's drain ran again"
	rm -rf "$dir"
	n=$((n + 1))
done
[ "$rc" -eq 0 ] || fail "point $n: the resume exited $rc"
[ "$n" -gt 5 ] || fail "only $n journal points: the hook is not firing"
[ "$fails" -eq 0 ] || exit 1
echo "resume --skip-node: $((n - 1)) crash points, each resumed skipped"
