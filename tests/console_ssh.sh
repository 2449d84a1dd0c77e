#!/bin/sh
# The console on a real node: one sshd on a loopback address whose host
# key nobody knows yet. The console, opened with --ssh, asks about the
# key in its approval dialog with the fingerprint ssh-keygen -lf shows;
# deferred, the campaign suspends; reopened on its state directory with
# no transport option, the console goes back to SSH (the run's recorded
# options), asks again, and once the operator accepts, the key is in
# known_hosts and the campaign runs to commit on the node. Batch mode
# first: --yes does not trust the key, the run stops for the decision.
# Skipped (77) when tmux or sshd is missing.
set -u

: "${ESCALATOR:?}"
command -v tmux >/dev/null 2>&1 || { echo "tmux is missing: skipped"; exit 77; }
[ -x /usr/sbin/sshd ] || { echo "sshd is missing: skipped"; exit 77; }
. "$(dirname "$0")/lib.sh"

sock=escalator-console-ssh-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; [ -s "$tmp/sshd.pid" ] &&
    kill "$(cat "$tmp/sshd.pid")" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
timeout=${CONSOLE_SSH_TIMEOUT:-60}

# --- a node: sshd on an address of its own, with a host key ------------------
[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
addr=127.77.$(($$ % 250 + 1)).$(($$ / 250 % 250 + 1))
port=2222
user=$(id -un)
for k in host_key id; do
	ssh-keygen -q -t ed25519 -N '' -C test -f "$tmp/$k" || exit 1
done
cp "$tmp/id.pub" "$tmp/authorized_keys"
cat >"$tmp/sshd_config" <<CFG
ListenAddress $addr:$port
HostKey $tmp/host_key
AuthorizedKeysFile $tmp/authorized_keys
PidFile $tmp/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin yes
LogLevel ERROR
CFG
/usr/sbin/sshd -f "$tmp/sshd_config" -E "$tmp/sshd.log" || {
	cat "$tmp/sshd.log"; exit 1; }
fp=$(ssh-keygen -lf "$tmp/host_key.pub" | cut -d' ' -f2)

cat >"$tmp/node.inventory" <<INV
nodes = ( { name = "n1"; address = "$addr"; port = $port; user = "$user";
  version = "1.0"; roles = [ "web" ]; } );
INV
cat >"$tmp/node.cfg" <<CFG
name = "console-ssh";
version = { from = "1.0"; to = "2.0"; };
inventory = "node.inventory";
operators = ( { name = "alice"; role = "admin"; } );
procedures = ( { name = "web"; target = { roles = [ "web" ]; };
  method = "rolling"; batch = 1;
  steps = ( { name = "upgrade"; action = "run"; command = "touch $tmp/ran";
    sets_version = true; timeout = "30s"; expected = "1s";
    on_failure = "abort"; } ); } );
CFG

# --- batch mode: no question answered for the operator --------------------------
batch() {
	"$ESCALATOR" run "$tmp/node.cfg" --ssh --identity "$tmp/id" \
	    --known-hosts "$tmp/known_hosts.batch" --state-dir "$tmp/batch" \
	    --operator alice --batch "$@"
}
expect 2 "--policy hostkey=approve" batch --policy hostkey=approve
has err "hostkey=deny|defer"
expect 4 "batch --yes, unknown host key" batch --yes
has out "(hostkey)"
has out "$fp"
[ ! -e "$tmp/known_hosts.batch" ] || fail "batch mode recorded the key"
[ ! -e "$tmp/ran" ] || fail "batch mode ran the step"
rm -rf "$tmp/batch"

# --- the console in tmux -------------------------------------------------------
# Each opening in a session of its own: $win.
screen() { tm capture-pane -p -t "$win" 2>/dev/null; }
key() { tm send-keys -t "$win" "$@"; }

console() {
	win=$1
	shift
	tm new-session -d -s "$win" -x 100 -y 30 \
	    "cd '$tmp' && env HOME='$tmp' TERM=xterm-256color \
	    '$ESCALATOR' node.cfg --state-dir state --operator alice \
	    --no-mouse $* 2>'$tmp/stderr.$win'; echo \$? >'$tmp/rc'; sleep 600"
}

# Answer phase boundaries (y) and resume a suspended run (r) until TEXT
# is on screen; 1 if it never comes.
until_screen() {
	n=0
	rm -f "$tmp/rc"
	while [ $n -lt $((timeout * 5)) ]; do
		s=$(screen)
		case $s in
		*"$1"*) return 0 ;;
		*"Phase boundary"*) key y ;;
		*"state suspended"*) key r ;;
		esac
		[ -e "$tmp/rc" ] && break
		sleep 0.2
		n=$((n + 1))
	done
	echo "--- screen, waiting for: $1"
	screen
	cat "$tmp/stderr.$win"
	return 1
}

quit() {
	key q
	n=0
	while [ ! -e "$tmp/rc" ] && [ $n -lt $((timeout * 5)) ]; do
		screen | grep -qF "Quit?" && key y
		sleep 0.2
		n=$((n + 1))
	done
	# nothing on stderr, not even from the sanitizers
	[ ! -s "$tmp/stderr.$win" ] || fail "stderr: $(cat "$tmp/stderr.$win")"
}

# hostkey_answer KEY STATE WHAT: at the host-key question, its dialog
# (kept in $tmp/dialog) with the key's fingerprint, KEY until the run is
# in STATE, else fail with WHAT; 1 if there is no question.
hostkey_answer() {
	until_screen "Unknown host key" || return 1
	screen >"$tmp/dialog"
	has dialog "$fp"
	has dialog "ssh, real time"
	key "$1"
	until_screen "state $2" || fail "$3"
}

# quit_ok WHICH: quit, the console exiting with 0
quit_ok() {
	quit
	[ "$(cat "$tmp/rc" 2>/dev/null)" = 0 ] || fail "$1 console: exit" \
	    "$(cat "$tmp/rc" 2>/dev/null)"
}

# First opening: over SSH, the unknown key is a question with its
# fingerprint; deferred, nothing is recorded and the step has not run.
console first --ssh --identity id --known-hosts known_hosts
if hostkey_answer e suspended "defer did not suspend"; then
	has dialog "ssh-ed25519"
	has dialog "$addr port $port"
	has dialog "Accepting records the key in"
	has dialog "found by:"
else
	fail "no host-key question"
fi
quit_ok first
[ ! -e "$tmp/known_hosts" ] || fail "known_hosts written before acceptance"
[ ! -e "$tmp/ran" ] || fail "the step ran before acceptance"

# Reopened on its state directory alone: SSH again, the same question;
# accepted, the key is recorded and the campaign commits on the node.
console again
hostkey_answer a committed "no commit after acceptance" ||
    fail "reopened console: no host-key question"
quit_ok second
[ -e "$tmp/ran" ] || fail "the step did not run on the node"
grep -qF "[$addr]:$port ssh-ed25519 $(cut -d' ' -f2 "$tmp/host_key.pub")" \
    "$tmp/known_hosts" 2>/dev/null || fail "known_hosts lacks the key"
# The operator's acceptance is journaled with the fingerprint.
"$ESCALATOR" status --state-dir "$tmp/state" --json >"$tmp/status" 2>&1
grep -F '"kind": "approve"' -A2 "$tmp/status" | grep -qF "$fp" ||
    fail "no journaled acceptance of $fp"

[ $fails -eq 0 ] || exit 1
echo "ok: console over SSH, host key accepted in the dialog"
