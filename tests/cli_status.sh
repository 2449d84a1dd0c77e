#!/bin/sh
# escalator status and log on a state directory written by store_fixture.
set -u
. "$SRCDIR/tests/lib.sh"
dir=$tmp/state

"$BUILDDIR/tests/store_fixture" "$dir" || { echo "FAIL: fixture"; exit 1; }

expect 0 "status --json" "$ESCALATOR" status --state-dir "$dir" --json
tr -d ' \n' <"$tmp/out" >"$tmp/flat"
has flat '"state":"executing"'
has flat '"phase":"execution"'
has flat '"run":"20261125T181200Z-4f2a"'
has flat '"campaign":"minimal-testbed.cfg"'
has flat '"name":"compute-1"'
has flat '"version":"1.0"'
has flat '"status":"running"'
has flat '"maintenance":true'
has flat '"intent":1'
# nodes come in name order
grep -q '"name":"compute-1".*"name":"compute-2".*"name":"controller-1"' "$tmp/flat" ||
    fail "status --json: nodes not in name order"

expect 0 "status" "$ESCALATOR" status --state-dir "$dir"
has out 'state      executing'
has out 'phase      execution'
has out 'nodes      3: 1 pending, 1 running, 1 upgraded'
has out 'compute-1     1.0      running   execution  degraded  yes'
has out 'alice  approval  phase:execution  approved'

expect 0 "status --help" "$ESCALATOR" status --help
has out 'usage: escalator status'
expect 2 "status without --state-dir" "$ESCALATOR" status --json
expect 2 "status --bogus" "$ESCALATOR" status --state-dir "$dir" --bogus
has err 'unknown option --bogus'
expect 2 "status --state-dir without value" "$ESCALATOR" status --state-dir
has err 'needs a value'
mkdir -m 700 "$tmp/empty"
expect 3 "status on an empty dir" "$ESCALATOR" status --state-dir "$tmp/empty"
has err 'no journal'
chmod 755 "$dir"
expect 3 "status on a world-readable dir" "$ESCALATOR" status --state-dir "$dir"
has err 'chmod 700'
chmod 700 "$dir"

expect 0 "log" "$ESCALATOR" log --state-dir "$dir"
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "log: not 4 lines"
has out '2026-11-25T18:12:03.200Z  step:computes/compute-1/upgrade  upgrade  failed  code=1  3.2s  dpkg: error'
expect 0 "log --node" "$ESCALATOR" log --state-dir "$dir" --node compute-1
[ "$(wc -l <"$tmp/out")" -eq 2 ] || fail "log --node: not 2 lines"
expect 0 "log --errors --json" "$ESCALATOR" log --state-dir "$dir" --errors --json
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "log --errors: not 1 line"
has out '"result":"failed"'
printf '{"ts":"2026-11-25T18:1' >>"$dir/log.jsonl"
expect 0 "log with a cut line" "$ESCALATOR" log --state-dir "$dir"
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "log after a cut line: not 4 lines"
has err 'log.jsonl:5: malformed line skipped'
expect 3 "log on an empty dir" "$ESCALATOR" log --state-dir "$tmp/empty"
expect 2 "log --node without value" "$ESCALATOR" log --state-dir "$dir" --node

# A writer killed after its 4th journal point (run, state, two nodes):
# status reads what it committed.
ESCALATOR_CRASH_AT_JOURNAL_POINT=4 "$BUILDDIR/tests/store_fixture" \
    "$tmp/crashed" 2>/dev/null
[ $? -eq 137 ] || fail "fixture did not die by SIGKILL at point 4"
expect 0 "status after a crash" "$ESCALATOR" status --state-dir "$tmp/crashed"
has out 'nodes      2: 1 pending, 1 upgraded'

[ "$fails" -eq 0 ] || exit 1
echo "cli_status: all passed"
