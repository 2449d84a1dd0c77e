#!/bin/sh
# escalator run and resume from the command line: exit codes, stopping
# for a decision and carrying on, roles, refusals, and a step whose
# outcome a crash left unknown.
set -eu
: "${ESCALATOR:?}" "${SRCDIR:?}" "${BUILDDIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset ESCALATOR_CRASH_AT_JOURNAL_POINT
cp "$SRCDIR/tests/data/engine/testbed.cfg" \
    "$SRCDIR/tests/data/engine/testbed.inventory" "$tmp/"
campaign=$tmp/testbed.cfg
dump=$BUILDDIR/tests/test_engine_simdump
fails=0

check() {	# check WHAT WANT GOT
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1: expected $2, got $3"
		fails=$((fails + 1))
	else
		echo "ok: $1"
	fi
}

run() {		# run DIR [ARGS...]: exit code
	dir=$1; shift
	rc=0
	"$ESCALATOR" run "$campaign" --batch --virtual-time --state-dir "$dir" \
	    "$@" >"$dir.out" 2>&1 || rc=$?
	echo "$rc"
}

resume() {
	dir=$1; shift
	rc=0
	"$ESCALATOR" resume --state-dir "$dir" --batch "$@" \
	    >"$dir.resume" 2>&1 || rc=$?
	echo "$rc"
}

state() {
	"$ESCALATOR" status --state-dir "$1" --json |
	    sed -n 's/^  "state": "\(.*\)",$/\1/p'
}

# Help and usage.
rc=0; "$ESCALATOR" run --help >/dev/null || rc=$?
check "run --help" 0 "$rc"
rc=0; "$ESCALATOR" resume --help >/dev/null || rc=$?
check "resume --help" 0 "$rc"
rc=0; "$ESCALATOR" resume --batch 2>/dev/null || rc=$?
check "resume without --state-dir" 2 "$rc"
check "a bad fault spec" 2 "$(run "$tmp/bad" --fault 'fail:nostep')"
grep -q "STEP@NODE expected" "$tmp/bad.out" ||
    { echo "FAIL: the bad fault is not explained"; fails=$((fails + 1)); }

# Roles: bob approves but may not run; nothing is created.
check "an approver may not run" 5 "$(run "$tmp/bob" --yes --operator bob)"
[ ! -e "$tmp/bob" ] || { echo "FAIL: a refused run left a state dir";
    fails=$((fails + 1)); }

# No answer: stop at a safe point, exit 4, resume to the end.
check "no answer stops" 4 "$(run "$tmp/wait" --operator alice \
    --policy phase=approve)"
check "stopped state" suspended "$(state "$tmp/wait")"
check "the same dir twice" 3 "$(run "$tmp/wait" --yes --operator alice)"
check "resume with --yes" 0 "$(resume "$tmp/wait" --yes --operator alice)"
check "resumed state" committed "$(state "$tmp/wait")"
check "resume a finished run" 0 "$(resume "$tmp/wait" --operator alice)"

# A failure rolls back: exit 1.
check "rollback exit" 1 "$(run "$tmp/rb" --yes --operator alice \
    --fault fail:upgrade@cmp-1)"
check "rolled back state" rolled_back "$(state "$tmp/rb")"

# An error the policy answers.
check "error=abort" 1 "$(run "$tmp/ab" --yes --operator alice \
    --policy error=abort --fault fail:ping@ctl-1)"
check "aborted state" aborted "$(state "$tmp/ab")"

# The campaign changed under a stopped run: resume refuses.
check "stop before the change" 4 "$(run "$tmp/chg" --operator alice)"
echo "# changed" >>"$campaign"
check "resume a changed campaign" 3 "$(resume "$tmp/chg" --yes \
    --operator alice)"
grep -q "changed since the run started" "$tmp/chg.resume" ||
    { echo "FAIL: the change is not explained"; fails=$((fails + 1)); }
cp "$SRCDIR/tests/data/engine/testbed.cfg" "$campaign"

# Health in the output: a failure and its recovery as they come, first
# healthy results as one line per check, not one per node.
echo 'monitor = { interval = "10s"; checks = [ "ping" ];
    on_failure = "continue"; };' >>"$campaign"
check "monitored run" 0 "$(run "$tmp/mon" --yes --operator alice \
    --fault flap:cmp-2)"
check "health summary" 1 "$(grep -c \
    '  health ping: 2 of 3 nodes ok, 1 failing$' "$tmp/mon.out")"
check "first healthy results, one by one" 0 \
    "$(grep -c 'health check ping ok' "$tmp/mon.out")"
check "failure and recovery" 2 "$(grep -c \
    'cmp-2: health check ping \(failed\|passes again\)' "$tmp/mon.out")"
cp "$SRCDIR/tests/data/engine/testbed.cfg" "$campaign"

# A crash leaves cmp-1's upgrade without an outcome the probe can tell:
# the operator is asked (no answer: exit 4), then says it took effect.
n=1
while [ "$n" -lt 400 ]; do
	dir=$tmp/unk$n
	rc=0
	ESCALATOR_CRASH_AT_JOURNAL_POINT=$n "$ESCALATOR" run "$campaign" \
	    --batch --yes --virtual-time --operator alice --state-dir "$dir" \
	    --fault unknown:upgrade@cmp-1 >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 137 ] || { echo "FAIL: never asked about an unknown" \
	    "outcome"; fails=$((fails + 1)); break; }
	rc=$(resume "$dir" --operator alice \
	    --policy phase=approve,gate=approve,vnf=approve)
	if grep -q "(unknown)" "$dir.resume"; then
		check "unknown outcome, no answer" 4 "$rc"
		check "unknown outcome approved" 0 "$(resume "$dir" --yes \
		    --operator alice)"
		check "resumed after the unknown outcome" committed \
		    "$(state "$dir")"
		# The operator said it took effect: never run a second time.
		ran=$("$dump" "$dir" | grep -c '^cmp-1 upgrade do' || true)
		check "upgrade of cmp-1 at most once" yes \
		    "$([ "$ran" -le 1 ] && echo yes || echo "no: $ran")"
		break
	fi
	rm -rf "$dir" "$dir".*
	n=$((n + 1))
done

[ "$fails" -eq 0 ]
