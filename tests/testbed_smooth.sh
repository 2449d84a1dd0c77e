#!/bin/sh
# The smooth-upgrade proof through escalator itself, on a four-node test
# bed under a steady client load through HAProxy:
#  - `escalator run testbed.cfg --batch --yes --ssh`, the rolling upgrade
#    with a drain in HAProxy: zero failed requests, every node on 2.0;
#  - the same bed upgraded all at once, nobody drained
#    (tests/data/net/testbed-all-at-once.cfg): failed requests, so the
#    test can tell the difference;
#  - a run whose upgrade fails on node2, stopped at its first approval
#    and carried on by `escalator resume` (which reopens SSH from the
#    run's record): rolled back, every node on 1.0 and serving, and still
#    no failed request.
# Skipped (77) without sshd or HAProxy. KEEP=1 keeps the work directory
# (journals, outputs, the load's report) to look at after a failure.
set -eu

. "$(dirname "$0")/lib.sh"
# A third octet of its own: test_testbed's beds are on 110 to 249, and
# a node's sshd must not be another bed's.
testbed_init testbed_smooth 10 90
NODES="1 2 3 4"
LOAD=

cleanup() {
	[ -z "$LOAD" ] || kill "$LOAD" 2>/dev/null || true
	testbed_cleanup
}
trap cleanup EXIT

fail() {
	echo "testbed_smooth: $*" >&2
	exit 1
}

# wait_for PATTERN WHAT: until $WORK/load.out has a line that matches,
# else fail with WHAT.
wait_for() {
	tries=0
	until grep -q "$1" "$WORK/load.out"; do
		tries=$((tries + 1))
		[ $tries -lt 200 ] || fail "$2"
		sleep 0.05
	done
}

# Four clients through HAProxy until load_stop; back once they have
# started.
load_start() {
	: >"$WORK/load.out"
	"$BUILDDIR/tests/http_load" "http://127.0.$NET.254:18080/" 4 \
	    >"$WORK/load.out" 2>"$WORK/load.err" &
	LOAD=$!
	wait_for '^started' "the client load did not start"
}

# The number of failed requests, after at least one request went through.
# The report comes once the requests in flight are done; under make
# check, wait has been seen to return before it was written: a poll.
load_stop() {
	kill "$LOAD"
	wait "$LOAD" || true
	wait_for '^requests ' "the client load gave no report"
	LOAD=
	sed -n 's/^requests \([1-9][0-9]*\) failed \([0-9]*\)$/\2/p' \
	    "$WORK/load.out"
}

escalator_ssh() {
	"$ESCALATOR" run "$1" --ssh --identity "$BED/id" \
	    --known-hosts "$BED/known_hosts" \
	    --haproxy-socket "$BED/haproxy.sock" --haproxy-backend nodes \
	    --state-dir "$WORK/$2" --batch ${3:+"$3"} >"$WORK/$2.out" 2>&1
}

# Every node's version as its own service reports it, distinct, sorted.
versions() {
	for i in $NODES; do
		curl -sf --max-time 2 "http://127.0.$NET.$i:18080/version" |
		    sed -n 's/.*"version":"\([^"]*\)".*/\1/p'
	done | sort -u | tr '\n' ' '
}

# Every node's version in the run's journal, distinct, sorted.
journal_versions() {
	"$ESCALATOR" status --state-dir "$WORK/$1" --json |
	    sed -n '/"nodes"/,/]/s/.*"version": "\([^"]*\)".*/\1/p' |
	    sort -u | tr '\n' ' '
}

downgrade() {
	for i in $NODES; do
		ESCALATOR_NODE_DIR=$BED/node$i "$BED/node$i/service" \
		    upgrade 1.0 >/dev/null &
	done
	wait
	[ "$(versions)" = "1.0 " ] || fail "the bed is not back on 1.0"
}

testbed up 4

# The rolling upgrade: not one failed request.
load_start
escalator_ssh "$BED/testbed.cfg" rolling --yes ||
    fail "the rolling upgrade did not commit: $(tail -3 "$WORK/rolling.out")"
failed=$(load_stop)
[ "$failed" = 0 ] ||
    fail "${failed:-no} requests failed during the rolling upgrade"
[ "$(versions)" = "2.0 " ] || fail "nodes on $(versions), not 2.0"
[ "$(journal_versions rolling)" = "2.0 " ] ||
    fail "the journal has the nodes on $(journal_versions rolling)"
"$ESCALATOR" status --state-dir "$WORK/rolling" --json |
    grep -q '"state": "committed"' || fail "the rolling run is not committed"

# The same upgrade all at once, nobody drained: the clients see it.
downgrade
cp "$SRCDIR/tests/data/net/testbed-all-at-once.cfg" "$BED/"
load_start
escalator_ssh "$BED/testbed-all-at-once.cfg" all-at-once --yes ||
    fail "the all-at-once upgrade did not commit"
failed=$(load_stop)
[ "${failed:-0}" -gt 0 ] ||
    fail "no failed request while every node restarted at once"
[ "$(versions)" = "2.0 " ] || fail "all at once: nodes on $(versions)"

# A failing upgrade on node2, carried on by resume: rolled back.
downgrade
testbed fail node2
load_start
rc=0
escalator_ssh "$BED/testbed.cfg" failing || rc=$?
[ $rc = 4 ] || fail "without --yes the run did not stop for a decision ($rc)"
rc=0
"$ESCALATOR" resume --state-dir "$WORK/failing" --batch --yes \
    >"$WORK/resume.out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "the failing run ended with $rc, not rolled back (1)"
failed=$(load_stop)
[ "$failed" = 0 ] || fail "${failed:-no} requests failed during the rollback"
[ "$(versions)" = "1.0 " ] || fail "after rollback, nodes on $(versions)"
"$ESCALATOR" status --state-dir "$WORK/failing" --json |
    grep -q '"state": "rolled_back"' ||
    fail "the failing run is not rolled back"
grep -q 'node2: upgrade: failed' "$WORK/resume.out" ||
    fail "the resumed run did not go through node2's failing upgrade"
for i in $NODES; do
	sh "$SRCDIR/scripts/testbed" --dir "$BED" --net "$NET" status |
	    grep -q "^node$i .*UP" || fail "node$i is not serving in HAProxy"
done
