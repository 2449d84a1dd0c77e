#!/bin/sh
# A restore on the test bed, through `escalator run --ssh`: each node's
# version is backed up (a command's output, fetched over SFTP with its
# manifest) before the upgrade; the upgrade fails on node2, so the
# campaign restores the backup, the restore command reading the saved
# output on its stdin. The upgrade has no undo: only the restore can
# bring node1, already on 2.0, back to 1.0, and it does, serving.
# Skipped (77) without sshd or HAProxy. KEEP=1 keeps the work directory.
set -eu

. "$(dirname "$0")/lib.sh"
# A third octet of its own, as testbed_smooth.sh (10..99) and
# test_testbed (110..249) have theirs, and not the default bed's 100.
testbed_init testbed_restore 101 9
trap testbed_cleanup EXIT

fail() {
	echo "testbed_restore: $*" >&2
	exit 1
}

version() {
	curl -sf --max-time 2 "http://127.0.$NET.$1:18080/version" |
	    sed -n 's/.*"version":"\([^"]*\)".*/\1/p'
}

testbed up 2
testbed fail node2
cat >"$BED/restore.cfg" <<'CFG'
name = "testbed-restore";
version = { from = "1.0"; to = "2.0"; };
inventory = "testbed.inventory";
backup = (
  { name = "version"; command = "cat \"$ESCALATOR_NODE_DIR/version\"";
    restore = "d=$ESCALATOR_NODE_DIR; \"$d/service\" stop && cat >\"$d/version\" && \"$d/service\" start"; }
);
procedures = ( { name = "web"; target = { roles = [ "web" ]; };
  method = "rolling"; batch = 1;
  steps = (
    { name = "upgrade"; action = "run";
      command = "\"$ESCALATOR_NODE_DIR/service\" upgrade 2.0";
      sets_version = true; timeout = "30s"; expected = "500ms";
      on_failure = "restore"; }
  ); } );
CFG
"$ESCALATOR" check "$BED/restore.cfg" >/dev/null ||
    fail "the campaign does not check"

rc=0
"$ESCALATOR" run "$BED/restore.cfg" --ssh --identity "$BED/id" \
    --known-hosts "$BED/known_hosts" --state-dir "$WORK/run" --batch --yes \
    >"$WORK/run.out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "the run ended with $rc, not restored (1): $(tail -3 \
    "$WORK/run.out")"
grep -q 'node1: upgrade: ok' "$WORK/run.out" ||
    fail "node1 was not upgraded first"
grep -q 'node2: upgrade: failed' "$WORK/run.out" ||
    fail "node2's upgrade did not fail"
for i in 1 2; do
	grep -q "node$i: restore:version: ok" "$WORK/run.out" ||
	    fail "node$i was not restored"
	[ "$(version "$i")" = 1.0 ] ||
	    fail "node$i serves $(version "$i"), not 1.0"
	(cd "$WORK/run/backup/node$i/version" &&
	    sha256sum --quiet -c MANIFEST.sha256 && grep -qx 1.0 output) ||
	    fail "node$i's backup and its manifest disagree"
done
"$ESCALATOR" status --state-dir "$WORK/run" --json |
    grep -q '"state": "rolled_back"' || fail "the run is not rolled back"
