#!/bin/sh
# escalator plan on the example campaigns: text, JSON, lock-step, errors.
set -u
. "$SRCDIR/tests/lib.sh"
camp=$SRCDIR/campaigns

expect 0 "plan" "$ESCALATOR" plan "$camp/minimal-testbed.cfg"
has out "campaign minimal-testbed: 1.0 -> 2.0, 3 nodes, 2 procedures, free slots"
has out "level 2  procedure computes: 2 nodes, rolling, after controllers"
has out "    upgrade                  run                     30s"
has out "    batch 2          1 node   cap 1                2m22s .. 3m52s"
has out "  compute API                    5s"
has out "expected total: 3m52s (232000 ms)"

expect 0 "plan --json" "$ESCALATOR" plan --json "$camp/minimal-testbed.cfg"
tr -d ' \n' <"$tmp/out" >"$tmp/flat"
has flat '"total_ms":232000'
has flat '"mode":"free-slots"'
has flat '"outage_budget_ms":30000'
has flat '"name":"computes","level":2,"method":"rolling","after":["controllers"],"nodes":["compute-1","compute-2"]'
has flat '{"node":"compute-2","procedure":"computes","batch":1,"start_ms":142000,"end_ms":212000}'
has flat '{"service":"computeAPI","planned_ms":5000,"over_budget":false}'

# Lock-step: the second compute waits for the first one's tests.
expect 0 "plan --lock-step" "$ESCALATOR" plan --lock-step \
    "$camp/minimal-testbed.cfg"
has out "lock-step batches"
has out "    batch 2          1 node   cap 1      gated     2m42s .. 4m12s"

expect 0 "plan --help" "$ESCALATOR" plan --help
has out "usage: escalator plan FILE"
expect 2 "plan without FILE" "$ESCALATOR" plan
expect 2 "plan --bogus" "$ESCALATOR" plan --bogus "$camp/minimal-testbed.cfg"
expect 3 "plan, no such inventory" "$ESCALATOR" plan \
    --inventory "$tmp/nowhere" "$camp/minimal-testbed.cfg"
expect 3 "plan, no such campaign" "$ESCALATOR" plan "$tmp/nowhere.cfg"

# A dependency cycle is reported, not planned.
cp "$camp/minimal-testbed.inventory" "$tmp/"
sed 's/components = \[ "nova-api" \];/& depends_on = [ "computes" ];/' \
    "$camp/minimal-testbed.cfg" >"$tmp/loop.cfg"
expect 3 "plan, cycle" "$ESCALATOR" plan "$tmp/loop.cfg"
has err "dependency cycle"
[ -s "$tmp/out" ] && fail "plan printed a plan for a cycle"

[ "$fails" -eq 0 ] || exit 1
echo "cli_plan: ok"
