#!/bin/sh
# Golden screens: the real console in tmux at a fixed size, TERM, TZ and
# HOME, on the simulator in virtual time with a fixed seed; scripted keys;
# the screen captured as text once the console says it is at rest (its
# ready file, ESCALATOR_READY_FILE in doc/console.md), and compared with
# tests/ui/NAME.txt.
#
#   golden.sh [--regen] [SCENARIO...]
#
# --regen writes the dumps instead of comparing. A scenario
# (tests/ui/NAME.scenario) is a list of commands, one a line:
#   args ARG...      console options besides the fixed ones
#   env VAR=VALUE    for the console's environment
#   size COLS ROWS   the terminal at start (default 100 30)
#   start            start the console (again: reopen it on its state)
#   keys KEY...      tmux send-keys names: y, Enter, Escape, Tab, C-c
#   type TEXT        literal text
#   wait TEXT        until TEXT is on screen (else fail)
#   gone TEXT        until TEXT is off screen
#   resize COLS ROWS the terminal changes size
#   snap NAME        wait for rest, then compare the screen with NAME.txt
#   snapattr NAME    the same, with the attributes (capture-pane -e)
#   stderr TEXT      the console's stderr will hold TEXT (else: empty)
#   signal SIG       send SIG to the console process (by its pid)
#   restored         the terminal is back: no alternate screen, a cursor
#   quit             q, and y when the console asks
#   exited CODE      the console has ended with CODE
set -u

: "${ESCALATOR:?}" "${SRCDIR:?}"
here=$(cd "$SRCDIR/tests/ui" && pwd)
regen=no
if [ "${1:-}" = "--regen" ]; then
	regen=yes
	shift
fi
command -v tmux >/dev/null 2>&1 || { echo "tmux is missing: skipped"; exit 77; }
timeout=${GOLDEN_TIMEOUT:-30}
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/escalator-golden.XXXXXX")
# the server's socket in tmp: it goes with it
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
tm() { tmux -S "$tmp/tmux" -f /dev/null "$@"; }
# One server for every scenario: one that exits with its last session
# may still be leaving when the next scenario starts.
tm start-server \; set-option -s exit-empty off

fail() {
	echo "FAIL $scenario: $*"
	failed=$((failed + 1))
}

screen() { tm capture-pane -p $attrs -t golden; }

# Time the engine cannot fix under virtual time is none; what varies
# is masked all the same, should it ever show: dates and wall clocks.
mask() {
	sed -e 's/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z/YYYY-MM-DDTHH:MM:SSZ/g' \
	    -e "s|$here|@HERE@|g"
}

# Attributes as tmux captures them (-e) depend on where its escape
# sequences fall, not only on the cells: spell out each line's runs as
# <attributes>text, the same however the terminal got there.
cells() {
	perl -ne '
	BEGIN { %a = (); }
	sub st { join(",", map { "$_=$a{$_}" } sort grep { $a{$_} ne "" } keys %a) }
	sub sgr {
		my @p = split /;/, ($_[0] eq "" ? "0" : $_[0]);
		while (@p) {
			my $n = shift @p;
			if ($n == 0) { %a = (); }
			elsif ($n == 1) { $a{b} = 1 } elsif ($n == 2) { $a{d} = 1 }
			elsif ($n == 4) { $a{u} = 1 } elsif ($n == 5) { $a{k} = 1 }
			elsif ($n == 7) { $a{r} = 1 } elsif ($n == 22) { $a{b} = $a{d} = "" }
			elsif ($n == 24) { $a{u} = "" } elsif ($n == 27) { $a{r} = "" }
			elsif ($n == 39) { $a{f} = "" } elsif ($n == 49) { $a{g} = "" }
			elsif ($n == 38 || $n == 48) { shift @p; $a{$n == 38 ? "f" : "g"} = shift @p }
			elsif (($n >= 30 && $n <= 37) || ($n >= 90 && $n <= 97)) { $a{f} = $n }
			elsif (($n >= 40 && $n <= 47) || ($n >= 100 && $n <= 107)) { $a{g} = $n }
		}
	}
	chomp; my $out = ""; my $last = undef;
	for my $t (split /(\e\[[0-9;]*m)/) {
		if ($t =~ /^\e\[([0-9;]*)m$/) { sgr($1); next }
		next if $t eq "";
		my $s = st(); $out .= "<$s>" if !defined $last || $s ne $last;
		$last = $s; $out .= $t;
	}
	print "$out\n";'
}

# Poll the pane until grep -F finds (want=yes) or loses (no) the text.
poll() {
	want=$1 text=$2 n=0
	while [ $n -lt $((timeout * 10)) ]; do
		if screen | grep -qF -- "$text"; then
			[ "$want" = yes ] && return 0
		else
			[ "$want" = no ] && return 0
		fi
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# The console's ready file: "COUNT KEYS COLS ROWS", rewritten each time
# it comes to rest (input read, engine events taken, screen drawn, the
# engine idle). 0 0 0 0 before the first.
ready_read() {
	r_count=0 r_keys=0 r_cols=0 r_rows=0
	[ -s "$dir/ready" ] && read -r r_count r_keys r_cols r_rows <"$dir/ready"
	:
}

# Before keys or a resize go: what the console said last, to wait past.
sending() {
	ready_read
	count0=$r_count
}

# At rest after everything sent: the count has moved past its value
# when the last keys went, every key sent has been read, and the screen
# drawn has the terminal's size.
rested() {
	n=0
	while [ $n -lt $((timeout * 20)) ]; do
		ready_read
		[ "$r_count" -gt "$count0" ] && [ "$r_keys" -ge "$sent" ] &&
		    [ "$r_cols" = "$cols" ] && [ "$r_rows" = "$rows" ] &&
		    return 0
		sleep 0.05
		n=$((n + 1))
	done
	echo "ready file: $r_count $r_keys $r_cols $r_rows; wanted a count" \
	    "past $count0, $sent keys, ${cols}x$rows"
	return 1
}

# The console has written its screen; tmux reads it from the pane in
# chunks, so the capture is whole once two in a row agree.
settle() {
	rested || return 1
	prev= n=0
	while [ $n -lt $((timeout * 20)) ]; do
		# the x keeps a blank screen from looking like no capture yet
		cur=x$(screen | mask)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.05
		n=$((n + 1))
	done
	return 1
}

start() {
	rm -f "$dir/exit" "$dir/stderr" "$dir/pid" "$dir/ready"
	sent=0 count0=0
	cat >"$dir/run.sh" <<RUN
cd "$dir" || exit 1
# the console keeps this shell's pid (exec), for signal
sh -c 'echo \$\$ >"$dir/pid"; exec "\$@"' sh \
    env -u NO_COLOR -u XDG_CONFIG_HOME -u TMUX TERM=xterm-256color \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC HOME="$dir" \
    ESCALATOR_READY_FILE="$dir/ready" $envs \
    "$ESCALATOR" --virtual-time --seed 1 --operator alice --state-dir st \
    $args 2>"$dir/stderr"
echo \$? >"$dir/exit"
# keep the pane alive: restored checks the terminal the console left
read -r _
RUN
	if tm has-session -t golden 2>/dev/null; then
		tm respawn-pane -k -t golden "sh $dir/run.sh"
	else
		tm new-session -d -s golden -x "$cols" -y "$rows" "sh $dir/run.sh"
		tm set-option -t golden remain-on-exit on
	fi
}

snap() {
	echo "$1" >>"$tmp/snapped"
	settle || { fail "screen never settled for $1"; return; }
	if [ $regen = yes ]; then
		screen | mask | $canon >"$here/$1.txt"
		return
	fi
	screen | mask | $canon >"$dir/$1.txt"
	if ! diff -u "$here/$1.txt" "$dir/$1.txt" >"$dir/$1.diff"; then
		fail "screen $1 differs from tests/ui/$1.txt"
		cat "$dir/$1.diff"
	fi
}

exited() {
	n=0
	while [ ! -s "$dir/exit" ] && [ $n -lt $((timeout * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -s "$dir/exit" ] || { fail "the console did not exit"; return; }
	[ "$(cat "$dir/exit")" = "$1" ] ||
	    fail "exit code $(cat "$dir/exit"), expected $1"
	if [ -n "$want_stderr" ]; then
		grep -qF -- "$want_stderr" "$dir/stderr" ||
		    fail "stderr lacks: $want_stderr"
	elif [ -s "$dir/stderr" ]; then
		fail "the console wrote to stderr:"
		cat "$dir/stderr"
	fi
}

# q, then y if it asks: work may be running or not at that moment.
quit() {
	send q
	n=0
	while [ ! -s "$dir/exit" ] && [ $n -lt $((timeout * 10)) ]; do
		if screen | grep -qF "Quit?"; then
			send y
			return
		fi
		sleep 0.1
		n=$((n + 1))
	done
}

signal() {
	[ -s "$dir/pid" ] || { fail "no console process"; return; }
	kill -s "$1" "$(cat "$dir/pid")"
}

restored() {
	[ "$(tm display-message -p -t golden '#{alternate_on}')" = 0 ] ||
	    fail "the terminal is still on the alternate screen"
	[ "$(tm display-message -p -t golden '#{cursor_flag}')" = 1 ] ||
	    fail "the cursor is still hidden"
}

# Keys, counted as the console counts what it reads: one per name.
send() {
	sending
	sent=$((sent + $#))
	tm send-keys -t golden "$@"
}

run_scenario() {
	scenario=$1
	dir=$tmp/$scenario
	mkdir -p "$dir"
	args= envs= cols=100 rows=30 attrs= want_stderr= sent=0 count0=0
	while read -r cmd rest; do
		case $cmd in
		''|'#'*) ;;
		args) args=$(echo "$rest" | sed "s|@HERE@|$here|g") ;;
		env) envs="$envs $rest" ;;
		size) set -- $rest; cols=$1 rows=$2 ;;
		start) start ;;
		keys) eval "send $rest" ;;
		type) sending; sent=$((sent + ${#rest}))
			tm send-keys -t golden -l "$rest" ;;
		wait) poll yes "$rest" || { fail "never saw: $rest"; screen; break; } ;;
		gone) poll no "$rest" || { fail "still there: $rest"; screen; break; } ;;
		resize) set -- $rest; sending; cols=$1 rows=$2
			tm resize-window -t golden -x "$1" -y "$2" ;;
		snap) attrs= canon=cat; snap "$rest" ;;
		snapattr) attrs=-e canon=cells; snap "$rest"; attrs= ;;
		stderr) want_stderr=$rest ;;
		quit) quit ;;
		signal) signal "$rest" ;;
		restored) restored ;;
		exited) exited "$rest" ;;
		*) fail "unknown command: $cmd" ;;
		esac
	done <"$here/$scenario.scenario"
	tm kill-session -t golden 2>/dev/null
	echo "ran $scenario"
}

all=no
if [ $# -eq 0 ]; then
	all=yes
	for f in "$here"/*.scenario; do
		set -- "$@" "$(basename "$f" .scenario)"
	done
fi
for s in "$@"; do
	run_scenario "$s"
done
# every dump belongs to a scenario: none is left stale
if [ $all = yes ]; then
	scenario=dumps
	for f in "$here"/*.txt; do
		grep -qx "$(basename "$f" .txt)" "$tmp/snapped" 2>/dev/null ||
		    fail "$(basename "$f") is no scenario's snap"
	done
fi
[ $failed -eq 0 ] || { echo "$failed failure(s)"; exit 1; }
exit 0
