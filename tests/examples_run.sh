#!/bin/sh
# Every example campaign runs to commit on the simulator, and every node
# ends on the campaign's new version.
set -u
: "${ESCALATOR:?}" "${SRCDIR:?}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
for c in minimal-testbed ha-openstack multisite; do
	dir=$tmp/$c
	if ! "$ESCALATOR" run "$SRCDIR/campaigns/$c.cfg" --batch --yes \
	    --virtual-time --seed 3 --operator alice --state-dir "$dir" \
	    >"$tmp/$c.out" 2>&1; then
		echo "FAIL: $c did not run to the end"; tail -5 "$tmp/$c.out"
		fail=1; continue
	fi
	"$ESCALATOR" status --state-dir "$dir" --json >"$tmp/$c.json"
	to=$(sed -n 's/^version.*to *= *"\([^"]*\)".*/\1/p' \
	    "$SRCDIR/campaigns/$c.cfg")
	if ! grep -q '"state": *"committed"' "$tmp/$c.json"; then
		echo "FAIL: $c is not committed"; fail=1
	elif grep -o '"version": *"[^"]*"' "$tmp/$c.json" |
	    grep -v "\"$to\"" | grep -q .; then
		echo "FAIL: $c left a node off version $to"; fail=1
	else
		echo "ok: $c committed, every node on $to"
	fi
done
exit $fail
