# Sourced by the shell tests: a scratch directory $tmp removed on exit,
# failures counted in $fails, and checks on a command and its output.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/escalator-$(basename "$0" .sh)-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect CODE DESCRIPTION COMMAND...: run it, keep its output in $tmp/out
expect() {
	code=$1 what=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		fail "$what: exit $rc, not $code"
		cat "$tmp/err"
	fi
}

# has FILE TEXT: $tmp/FILE holds TEXT
has() {
	grep -qF -- "$2" "$tmp/$1" || fail "$1 lacks: $2"
}

# testbed_init NAME FIRST COUNT: for a test on a test bed of its own,
# skipped (77) without sshd or HAProxy. The third octet of the bed's
# addresses in $NET, one of FIRST to FIRST+COUNT-1 that no listening
# socket has; the work directory in $WORK ($tmp), the bed's in $BED.
testbed_init() {
	[ -x /usr/sbin/sshd ] && command -v haproxy >/dev/null || exit 77
	: "${ESCALATOR:?}" "${SRCDIR:?}" "${BUILDDIR:?}"
	NET=$(($2 + $$ % $3))
	tries=0
	while ss -ltn 2>/dev/null | grep -q " 127\.0\.$NET\.[0-9]*:"; do
		tries=$((tries + 1))
		[ $tries -lt "$3" ] || { echo "$1: no free net" >&2; exit 1; }
		NET=$(($2 + (NET - $2 + 1) % $3))
	done
	WORK=$tmp
	BED=$WORK/bed
}

# testbed ARGS...: scripts/testbed on the bed in $BED
testbed() {
	sh "$SRCDIR/scripts/testbed" --dir "$BED" --net "$NET" "$@" >/dev/null
}

# testbed_cleanup: the bed down, $WORK removed unless KEEP is set
testbed_cleanup() {
	testbed down || true
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
