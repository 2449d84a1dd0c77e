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
