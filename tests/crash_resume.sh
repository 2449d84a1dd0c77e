#!/bin/sh
# Crash-resume: kill a batch run with SIGKILL right after its 1st, 2nd,
# 3rd... durable journal write until a run completes unharmed; after each
# kill, resume to the end. The final state must equal an unbroken run's,
# and the simulated cluster must have started every step exactly as
# often as in the unbroken run (so none ran twice). Twice: a campaign
# that commits, and one that fails mid-execution and rolls back.
set -eu
: "${ESCALATOR:?}" "${SRCDIR:?}" "${BUILDDIR:?}"
dump=$BUILDDIR/tests/test_engine_simdump
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset ESCALATOR_CRASH_AT_JOURNAL_POINT

# What must come out the same: state, and every node's name, version and
# status (status --json prints one key per line).
final() {
	"$ESCALATOR" status --state-dir "$1" --json |
	    grep -E '^ *"(state|name|version|status)":'
}

# How often each step was started on each node, done or undone.
counts() {
	"$dump" "$1" | awk '{ print $1, $2, $3 }' | sort | uniq -c
}

# scenario NAME EXIT-CODE STATE CAMPAIGN [RUN-ARGS...]
scenario() {
	name=$1 want_rc=$2 want_state=$3 campaign=$4
	shift 4
	ref=$tmp/$name-ref
	rc=0
	"$ESCALATOR" run "$campaign" --batch --yes --virtual-time \
	    --operator alice --state-dir "$ref" "$@" >"$ref.out" 2>&1 || rc=$?
	final "$ref" >"$ref.final"
	counts "$ref" >"$ref.counts"
	if [ "$rc" -ne "$want_rc" ] ||
	    ! grep -q "\"state\": \"$want_state\"" "$ref.final"; then
		echo "$name: the unbroken run exited $rc, not $want_rc" \
		    "in $want_state"
		cat "$ref.out"
		exit 1
	fi
	n=1
	while :; do
		dir=$tmp/$name$n
		rc=0
		ESCALATOR_CRASH_AT_JOURNAL_POINT=$n "$ESCALATOR" run \
		    "$campaign" --batch --yes --virtual-time --operator alice \
		    --state-dir "$dir" "$@" >"$dir.out" 2>&1 || rc=$?
		[ "$rc" -eq 137 ] || break
		rc=0
		"$ESCALATOR" resume --state-dir "$dir" --batch --yes \
		    --operator alice >"$dir.resume" 2>&1 || rc=$?
		if [ "$rc" -ne "$want_rc" ]; then
			echo "$name: point $n: resume exited $rc"
			cat "$dir.resume"
			exit 1
		fi
		final "$dir" >"$dir.final"
		if ! cmp -s "$ref.final" "$dir.final"; then
			echo "$name: point $n: final state differs"
			diff "$ref.final" "$dir.final" || true
			exit 1
		fi
		counts "$dir" >"$dir.counts"
		if ! cmp -s "$ref.counts" "$dir.counts"; then
			echo "$name: point $n: steps ran a different number" \
			    "of times"
			diff "$ref.counts" "$dir.counts" || true
			exit 1
		fi
		rm -rf "$dir" "$dir".*
		n=$((n + 1))
	done
	if [ "$rc" -ne "$want_rc" ]; then
		echo "$name: point $n: the run exited $rc"; cat "$dir.out"
		exit 1
	fi
	if [ "$n" -le 20 ]; then
		echo "$name: only $n journal points: the hook is not firing"
		exit 1
	fi
	echo "$name: $((n - 1)) journal points, every one resumed to the same end"
}

scenario commit 0 committed "$SRCDIR/campaigns/minimal-testbed.cfg"
# A test may run on a node after its batch, after its procedure and in
# the testing phase; every other step runs once.
if awk '$1 > 1 && $3 != "api-smoke" && $3 != "boot-vm" { bad = 1 }
    END { exit !bad }' "$tmp/commit-ref.counts"; then
	echo "the unbroken run started a step twice"
	cat "$tmp/commit-ref.counts"
	exit 1
fi
scenario rollback 1 rolled_back "$SRCDIR/tests/data/engine/testbed.cfg" \
    --fault fail:upgrade@cmp-2
