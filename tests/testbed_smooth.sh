#!/bin/sh
# The smooth-upgrade proof through escalator itself: a four-node test
# bed under a steady client load through HAProxy, upgraded by
# `escalator run campaigns/testbed.cfg --batch --yes` on the SSH
# transport: zero failed requests, every node on 2.0. Then a run whose
# upgrade fails on node2 rolls back: every node on 1.0, serving, and
# still no failed request. Skipped (77) without sshd or HAProxy.
set -eu

[ -x /usr/sbin/sshd ] && command -v haproxy >/dev/null || exit 77
: "${ESCALATOR:?}" "${SRCDIR:?}" "${BUILDDIR:?}"
NET=$((110 + $$ % 140))
WORK=$(mktemp -d "${TMPDIR:-/tmp}/escalator-smooth-XXXXXX")
BED=$WORK/bed
LOAD=

testbed() {
	sh "$SRCDIR/scripts/testbed" --dir "$BED" --net "$NET" "$@" >/dev/null
}

cleanup() {
	[ -z "$LOAD" ] || kill "$LOAD" 2>/dev/null || true
	testbed down || true
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
	echo "testbed_smooth: $*" >&2
	exit 1
}

load_start() {
	"$BUILDDIR/tests/http_load" "http://127.0.$NET.254:18080/" 4 \
	    >"$WORK/load.out" &
	LOAD=$!
	sleep 0.5
}

# The number of failed requests.
load_stop() {
	kill "$LOAD"
	wait "$LOAD" || true
	LOAD=
	sed -n 's/^requests [0-9]* failed \([0-9]*\)$/\1/p' "$WORK/load.out"
}

escalator_run() {
	"$ESCALATOR" run "$BED/testbed.cfg" --batch --yes --ssh \
	    --identity "$BED/id" --known-hosts "$BED/known_hosts" \
	    --haproxy-socket "$BED/haproxy.sock" --haproxy-backend nodes \
	    --state-dir "$WORK/$1"
}

versions() {
	for i in 1 2 3 4; do
		curl -sf "http://127.0.$NET.$i:18080/version" |
		    sed -n 's/.*"version":"\([^"]*\)".*/\1/p'
	done | sort -u | tr '\n' ' '
}

testbed up 4

load_start
escalator_run rolling || fail "the rolling upgrade did not commit"
failed=$(load_stop)
[ "$failed" = 0 ] || fail "$failed requests failed during the rolling upgrade"
[ "$(versions)" = "2.0 " ] || fail "nodes on $(versions), not 2.0"

# Back to 1.0 by hand, then a run that fails on node2 and rolls back.
for i in 1 2 3 4; do
	ESCALATOR_NODE_DIR=$BED/node$i "$BED/node$i/service" upgrade 1.0 \
	    >/dev/null
done
testbed fail node2
load_start
if escalator_run failing; then
	fail "a run whose upgrade fails on node2 committed"
fi
failed=$(load_stop)
[ "$failed" = 0 ] || fail "$failed requests failed during the rollback"
[ "$(versions)" = "1.0 " ] || fail "after rollback, nodes on $(versions)"
"$ESCALATOR" status --state-dir "$WORK/failing" | grep -q rolled_back ||
    fail "the failing run is not rolled back"
