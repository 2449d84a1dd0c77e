#!/bin/sh
# escalator check: the examples pass, a broken campaign reports every
# error with FILE:LINE and exits 3, bad usage exits 2.
set -u
fail=0
out=${TMPDIR:-/tmp}/check_campaign.$$
trap 'rm -f "$out"' EXIT

expect() {	# expect CODE ARGS...: run escalator, compare the exit code
	want=$1
	shift
	"$ESCALATOR" "$@" >"$out" 2>&1
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: escalator $* exited $got, not $want" >&2
		cat "$out" >&2
		fail=1
	fi
}

contains() {	# contains TEXT: the last output has this line
	if ! grep -qxF -- "$1" "$out"; then
		echo "FAIL: no line: $1" >&2
		cat "$out" >&2
		fail=1
	fi
}

for c in minimal-testbed ha-openstack multisite; do
	expect 0 check "$SRCDIR/campaigns/$c.cfg"
	grep -q "^$SRCDIR/campaigns/$c.cfg: ok (" "$out" || {
		echo "FAIL: $c: no ok line" >&2
		fail=1
	}
done
expect 0 check "$SRCDIR/campaigns/ha-openstack.cfg" \
    --inventory "$SRCDIR/campaigns/ha-openstack.inventory.json"
contains "$SRCDIR/campaigns/ha-openstack.cfg: ok (3 procedures, 14 nodes)"

b=$SRCDIR/tests/data/campaign/broken.cfg
expect 3 check "$b"
contains "$b:6: error: unknown key \"descripton\""
contains "  hint: did you mean \"description\"?"
contains "$b:8: error: dependency cycle: a -> b -> a"
contains "$b:9: error: step \"upgrade\": unknown action \"rnu\""
contains "$b:11: error: procedure \"b\": target matches no node"
contains "$b:12: error: step \"upgrade\": missing timeout"
contains "$b:12: error: step \"upgrade\": on_failure \"rollback\" needs undo"

expect 3 check /nonexistent.cfg
expect 2 check
expect 2 check a.cfg b.cfg
expect 2 check --bogus a.cfg
expect 0 check --help
contains "usage: escalator check FILE [--inventory FILE]"
exit $fail
