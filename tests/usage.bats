#!/usr/bin/env bats
# Every tool's usage() is its man page's SYNOPSIS, as mandoc renders it:
# the same words in the same order (options, metavariables, operands), the
# line breaks and blanks being layout. -h prints it to stdout; a usage
# error prints it to stderr after getopt's message, and exits 2.

load test_helper
bats_require_minimum_version 1.5.0

# One word a line: blanks and line breaks are layout.
words() {
	tr -s ' \t\n' '\n' | sed '/^$/d'
}

# man/TOOL.1's SYNOPSIS, one word a line.
man_synopsis() {
	mandoc -Tascii "$KP_ROOT/man/$1.1" | col -b |
	    sed -n '/^SYNOPSIS$/,/^DESCRIPTION$/p' | sed '1d;$d' | words
}

# same_words WHAT WANT GOT: fails showing the words that differ.
same_words() {
	[ "$2" = "$3" ] && return 0
	fail "$1 is not the man page's SYNOPSIS:
$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3"))"
}

# synopsis_is_usage TOOL
synopsis_is_usage() {
	local tool=$1 man
	man=$(man_synopsis "$tool")
	# Not two empty texts agreeing: the page names the tool and -h, -V.
	[ "$(head -n 1 <<<"$man")" = "$tool" ] ||
	    fail "man/$tool.1: no SYNOPSIS that starts with $tool"
	grep -qx -- '\[-[A-Za-z]*h[A-Za-z]*V\]' <<<"$man" ||
	    fail "man/$tool.1: no [-hV] in the SYNOPSIS"

	run --separate-stderr "$tool" -h
	assert_success
	[ -z "$stderr" ] || fail "$tool -h wrote to stderr: $stderr"
	[[ "$output" == "usage: $tool "* ]] || fail "$tool -h: $output"
	same_words "$tool -h" "$man" "$(sed '1s/^usage: //' <<<"$output" | words)"

	run --separate-stderr "$tool" --no-such-option
	[ "$status" -eq 2 ] || fail "$tool --no-such-option: exit $status"
	[ -z "$output" ] || fail "$tool --no-such-option wrote to stdout: $output"
	[[ "$(head -n 1 <<<"$stderr")" == *"unrecognized option '--no-such-option'" ]] ||
	    fail "$tool --no-such-option: no word from getopt: $stderr"
	same_words "$tool --no-such-option" "$man" \
	    "$(sed '1d; 2s/^usage: //' <<<"$stderr" | words)"
}

@test "usage: kin -h prints kin(1)'s SYNOPSIS; a bad option prints it to stderr, exit 2" {
	synopsis_is_usage kin
}

@test "usage: kout -h prints kout(1)'s SYNOPSIS; a bad option prints it to stderr, exit 2" {
	synopsis_is_usage kout
}

@test "usage: strategy -h prints strategy(1)'s SYNOPSIS; a bad option prints it to stderr, exit 2" {
	synopsis_is_usage strategy
}

@test "usage: wjoin -h prints wjoin(1)'s SYNOPSIS; a bad option prints it to stderr, exit 2" {
	synopsis_is_usage wjoin
}

@test "usage: wagg -h prints wagg(1)'s SYNOPSIS; a bad option prints it to stderr, exit 2" {
	synopsis_is_usage wagg
}

@test "usage: mockgen -h prints mockgen(1)'s SYNOPSIS; a bad option prints it to stderr, exit 2" {
	synopsis_is_usage mockgen
}

@test "usage: ktopic -h prints ktopic(1)'s SYNOPSIS; a bad option prints it to stderr, exit 2" {
	synopsis_is_usage ktopic
}

@test "usage: kbroker -h prints kbroker(1)'s SYNOPSIS; a bad option prints it to stderr, exit 2" {
	synopsis_is_usage kbroker
}

@test "usage: metavariables are lowercase in every usage() and SYNOPSIS" {
	local tool n=0
	for tool in kin kout strategy wjoin wagg mockgen ktopic kbroker; do
		# A word of two or more capitals is a metavariable shouted.
		! "$tool" -h | grep -nE '\b[A-Z]{2,}\b' ||
		    fail "$tool -h: an uppercase metavariable"
		! man_synopsis "$tool" | grep -nE '\b[A-Z]{2,}\b' ||
		    fail "man/$tool.1: an uppercase metavariable"
		n=$((n + 1))
	done
	assert_equal "$n" 8
}

@test "usage: -h and -V whose stdout cannot be written exit 1, not 0" {
	local tool
	for tool in kin kout strategy wjoin wagg mockgen ktopic kbroker; do
		run --separate-stderr bash -c '"$1" -h > /dev/full' _ "$tool"
		[ "$status" -eq 1 ] || fail "$tool -h > /dev/full: exit $status"
		[[ "$stderr" == "$tool: stdout: No space left on device" ]] ||
		    fail "$tool -h > /dev/full: $stderr"
		run bash -c '"$1" -V > /dev/full' _ "$tool"
		[ "$status" -eq 1 ] || fail "$tool -V > /dev/full: exit $status"
	done
}

@test "usage: a bad count, number or duration is refused in one shape, 'tool: OPT ARG: not a ...', exit 2" {
	local cmd want n=0
	# An unreachable broker: the value is refused before any connection.
	while IFS='|' read -r cmd want; do
		# $cmd unquoted: a command and its arguments, none with spaces.
		# shellcheck disable=SC2086
		run --separate-stderr with_timeout 20 $cmd
		[ "$status" -eq 2 ] && [ "$stderr" = "$want" ] && [ -z "$output" ] ||
		    fail "$cmd: exit $status, stderr '$stderr' (want '$want')"
		n=$((n + 1))
	done <<-'EOF'
	kin -b 127.0.0.1:1 -c 0 t|kin: -c 0: not a whole number, 1 or more
	kin -b 127.0.0.1:1 -c 18446744073709551616 t|kin: -c 18446744073709551616: not a whole number, 1 or more
	kin -b 127.0.0.1:1 --max-hold 5x t|kin: --max-hold 5x: not a duration like 1500ms, 30s, 5m, 2h
	kin -b 127.0.0.1:1 --drain-timeout -1s t|kin: --drain-timeout -1s: not a duration like 1500ms, 30s, 5m, 2h
	kin -b 127.0.0.1:1 -p 3-1 t|kin: -p 3-1: not a partition list like 0,2,5-7 (partitions 0 to 4095)
	kin -b 127.0.0.1:1 -o -x t|kin: -o -x: not an offset: beginning, end, stored, n, -n or @time
	kout -b 127.0.0.1:1 -P 2147483648 t|kout: -P 2147483648: not a whole number from 0 to 2147483647
	kout -b 127.0.0.1:1 --connect-timeout soon t|kout: --connect-timeout soon: not a duration like 1500ms, 30s, 5m, 2h
	ktopic -b 127.0.0.1:1 create -p 0 t|ktopic: -p 0: not a whole number from 1 to 1000000
	ktopic -b 127.0.0.1:1 create -r 1e3 t|ktopic: -r 1e3: not a whole number from 1 to 32767
	ktopic -b 127.0.0.1:1 --timeout 2d list|ktopic: --timeout 2d: not a duration from 1ms to 1d
	kbroker -n 33|kbroker: -n 33: not a whole number from 1 to 32
	kbroker -t a:x|kbroker: -t a:x: partitions: not a whole number from 1 to 10000
	mockgen -n -5|mockgen: -n -5: not a whole number, 0 or more
	mockgen --late 1.5|mockgen: --late 1.5: not a number from 0 to 1
	mockgen -r fast|mockgen: -r fast: not a number, 0 or more
	mockgen --step 5parsecs|mockgen: --step 5parsecs: not a duration like 1500ms, 30s, 5m, 2h
	wjoin -w 1s --stats 0 /dev/null|wjoin: --stats 0: not a number from 0.001 to 1e+06
	wjoin --after 1x /dev/null|wjoin: --after 1x: not a duration like 1500ms, 30s, -5m
	wagg -w 1m --hop 1x|wagg: --hop 1x: not a duration like 1500ms, 30s, 5m, 2h
	EOF
	assert_equal "$n" 20
}
