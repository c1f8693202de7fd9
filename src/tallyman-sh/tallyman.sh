#!/bin/sh
# tallyman.sh: tallyman for images without Node. Runs COMMAND as the health check, passes its
# stdout, stderr and exit status through unchanged, and reports the result to the collector:
#
#   tallyman.sh [-s HOST:PORT] [-h NAME] SRVID COMMAND [ARGS...]
#
# POSIX sh: runs under busybox sh, dash and bash. Besides the shell it needs what busybox or
# coreutils and any awk provide (mktemp, mkfifo, tee, head, cat, od, rm, sleep, awk), and one of
# curl, bash (its /dev/tcp), nc or wget to send the report, tried in that order.

CAP=4096   # bytes of each stream kept for the report, as tallyman
WAIT=3     # seconds the whole report may take: tallyman's --connection-timeout
DRAIN=1    # seconds to wait for output pipes that a background child of COMMAND keeps open
PORT=8990
SYNOPSIS='usage: tallyman.sh [-s HOST:PORT] [-h NAME] SRVID COMMAND [ARGS...]'

say() { printf 'tallyman.sh: %s\n' "$*" >&2; }
usage() {
	say "$1"
	printf '%s\n' "$SYNOPSIS" >&2
	exit 64
}

# HOST:PORT, :PORT (host from the default gateway), HOST, [IPV6]:PORT, [IPV6] or a bare IPv6
# address, as tallyman reads them. Sets host and port; bad text is a usage error.
parse_server() {
	host= port=$PORT
	case $1 in
	\[*\]) host=${1#\[} host=${host%\]} ;;
	\[*\]:*) host=${1#\[} host=${host%%\]*} port=${1##*\]:} ;;
	*:*:*) host=$1 ;;
	*:*) host=${1%:*} port=${1##*:} ;;
	*) host=$1 ;;
	esac
	case $port in
	'' | *[!0-9]* | ??????*) usage "$2 '$1': port must be a number from 1 to 65535" ;;
	esac
	[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || usage "$2 '$1': port must be a number from 1 to 65535"
	case $host in
	*[!A-Za-z0-9.:-]*) usage "$2 '$1' is not HOST:PORT (IPv6 addresses go in brackets: [::1]:8990)" ;;
	esac
}

# The default gateway from /proc/net/route: among the routes that are up, go through a gateway
# and have destination and mask 0, the one with the lowest metric. The gateway field is the
# address in host byte order printed in hex: little-endian here.
default_gateway() {
	_best= _metric=
	while read -r _if _dest _gw _flags _ref _use _m _mask _rest; do
		[ "$_dest" = 00000000 ] && [ "$_mask" = 00000000 ] || continue
		case $_gw$_flags$_m in *[!0-9A-Fa-f]*) continue ;; esac
		[ $((0x$_flags & 3)) -eq 3 ] || continue
		[ -z "$_metric" ] || [ "$_m" -lt "$_metric" ] || continue
		_n=$((0x$_gw))
		_best=$((_n & 255)).$((_n >> 8 & 255)).$((_n >> 16 & 255)).$((_n >> 24 & 255)) _metric=$_m
	done </proc/net/route 2>/dev/null
	printf '%s' "$_best"
}

# Waits for the processes PIDS, killing them after SECONDS; returns the last one's status.
# The watchdog is stopped with SIGPIPE, which this shell does not trap (a child that has not yet
# dropped the traps it inherited would run them) and no shell reports.
within() {
	_secs=$1
	shift
	(
		trap 'kill $_sleep 2>/dev/null; exit 0' PIPE
		sleep "$_secs" &
		_sleep=$!
		wait $_sleep && kill "$@"
	) >/dev/null 2>&1 &
	_dog=$!
	wait "$@"
	_rc=$?
	kill -s PIPE $_dog 2>/dev/null
	wait $_dog
	return $_rc
}

# The report as JSON on stdout: od's decimal bytes of the kept stdout, a line '-', then those of
# stderr, are decoded as UTF-8 the way tallyman (Node, the WHATWG decoder) does: each maximal
# invalid subsequence becomes U+FFFD, and when the 4 KiB cap cut the stream, a sequence that
# its last 4 bytes begin and do not finish is dropped (src/common/utf8.ts). Every character
# outside printable ASCII is written as a \u escape, so the body is ASCII whatever the bytes
# and the locale (RFC 8259 section 7).
report_json() {
	LC_ALL=C awk -v cap=$CAP '
	function reset() { need = 0; seen = 0; cp = 0; lo = 128; hi = 191 }
	function put(c) {
		if (c == 34) text = text "\\\""
		else if (c == 92) text = text "\\\\"
		else if (c >= 32 && c < 127) text = text chr[c]
		else if (c == 10) text = text "\\n"
		else if (c == 9) text = text "\\t"
		else if (c == 13) text = text "\\r"
		else if (c < 65536) text = text sprintf("\\u%04x", c)
		else { c -= 65536; text = text sprintf("\\u%04x\\u%04x", 55296 + int(c / 1024), 56320 + c % 1024) }
	}
	function byte(b) {
		if (need == 0) {
			if (b < 128) put(b)
			else if (b >= 194 && b <= 223) { need = 1; cp = b - 192 }
			else if (b >= 224 && b <= 239) { need = 2; cp = b - 224; if (b == 224) lo = 160; if (b == 237) hi = 159 }
			else if (b >= 240 && b <= 244) { need = 3; cp = b - 240; if (b == 240) lo = 144; if (b == 244) hi = 143 }
			else put(65533)
			return
		}
		if (b < lo || b > hi) { reset(); put(65533); byte(b); return }
		lo = 128; hi = 191; cp = cp * 64 + b - 128
		if (++seen == need) { put(cp); reset() }
	}
	function finish(cut, end, i, b, s) {
		end = n > cap ? cap : n
		for (i = end; cut && i > 0 && i > end - 4; i--) {
			b = kept[i]
			if (b >= 128 && b < 192) continue
			if (i - 1 + (b >= 240 ? 4 : b >= 224 ? 3 : b >= 192 ? 2 : 1) > end) end = i - 1
			break
		}
		for (i = 1; i <= end; i++) byte(kept[i])
		if (need > 0) put(65533)
		s = text; text = ""; reset(); n = 0
		return s
	}
	function string(s, i) {
		for (i = 1; i <= length(s); i++) kept[++n] = ord[substr(s, i, 1)]
		return finish(0)
	}
	BEGIN {
		for (i = 1; i < 256; i++) { c = sprintf("%c", i); ord[c] = i; if (i >= 32 && i < 127) chr[i] = c }
		reset(); text = ""; n = 0
	}
	$1 == "-" { cut[0] = n > cap; out[0] = finish(cut[0]); next }
	{ for (i = 1; i <= NF; i++) if (++n <= cap) kept[n] = $i + 0 }
	END {
		cut[1] = n > cap; out[1] = finish(cut[1])
		printf "{\"service\":\"%s\",\"hostname\":\"%s\",\"exitCode\":%d,", string(ENVIRON["TALLYMAN_SH_SERVICE"]), string(ENVIRON["TALLYMAN_SH_HOSTNAME"]), ENVIRON["TALLYMAN_SH_STATUS"]
		printf "\"stdout\":\"%s\",\"stderr\":\"%s\",\"truncated\":%s}", out[0], out[1], (cut[0] || cut[1]) ? "true" : "false"
	}'
}

# ': REASON' from the collector's refusal in FILE, { "error": REASON, ... } (up to a quote in
# REASON), or nothing.
refusal_reason() {
	[ -s "$1" ] || return 0
	while IFS= read -r _l || [ -n "$_l" ]; do
		case $_l in *'"error":"'*)
			_l=${_l#*\"error\":\"}
			printf ': %s' "${_l%%\"*}"
			return 0
			;;
		esac
		_l=
	done <"$1"
}

# Sends $body to $host:$port with the first transport the image has; says on stderr, in one
# line, why a report was not delivered. Runs in the background under the WAIT bound: SIGTERM
# (the bound) or SIGPIPE (tallyman.sh interrupted) stops the transport too.
send() {
	_pid=
	trap 'kill $_pid 2>/dev/null; say "report not delivered to $_hp: no answer within ${WAIT}s"; exit 1' TERM
	trap 'kill $_pid 2>/dev/null; exit 1' PIPE
	unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
	case $host in *:*) _hp="[$host]:$port" ;; *) _hp=$host:$port ;; esac
	printf '%s' "$body" >"$tmp/body"
	if command -v curl >/dev/null 2>&1; then
		_tool=curl _auth= _refusal=$tmp/refusal
		if [ -n "$token" ]; then
			printf 'Authorization: Bearer %s\n' "$token" >"$tmp/auth"
			_auth=-H@$tmp/auth
		fi
		curl -sS -o "$tmp/refusal" -w 'HTTP/1.1 %{http_code}\n' -m $WAIT -H 'Content-Type: application/json' \
			${_auth:+"$_auth"} --data-binary @"$tmp/body" "http://$_hp/v1/report" >"$tmp/answer" 2>"$tmp/why" &
	elif command -v bash >/dev/null 2>&1 || command -v nc >/dev/null 2>&1; then
		_refusal=$tmp/answer
		# HTTP/1.1 by hand (RFC 9112): Connection: close makes the collector end the exchange.
		_head="POST /v1/report HTTP/1.1\r\nHost: $_hp\r\nContent-Type: application/json\r\nContent-Length: ${#body}\r\n"
		[ -z "$token" ] || _head="${_head}Authorization: Bearer $token\r\n"
		printf "${_head}Connection: close\r\n\r\n" >"$tmp/request"
		# No half-close after the request: a Node server drops a request whose client has sent
		# FIN before it answered. bash never half-closes; some nc builds do at the end of their
		# input, so a sleep keeps that open until nc ends with the collector's close.
		if command -v bash >/dev/null 2>&1; then
			_tool=bash
			bash -c 'exec 3<>"/dev/tcp/$1/$2" && cat "$3" "$4" >&3 && cat <&3' \
				bash "$host" "$port" "$tmp/request" "$tmp/body" >"$tmp/answer" 2>"$tmp/why" &
		else
			_tool=nc
			{
				cat "$tmp/request" "$tmp/body"
				sleep $WAIT &
				echo $! >"$tmp/holder"
			} 2>/dev/null | nc -w $WAIT "$host" "$port" >"$tmp/answer" 2>"$tmp/why" &
		fi
	elif command -v wget >/dev/null 2>&1; then
		_tool=wget
		set -- -q -O /dev/null --header 'Content-Type: application/json' --post-file "$tmp/body"
		[ -z "$token" ] || set -- "$@" --header "Authorization: Bearer $token"
		wget "$@" "http://$_hp/v1/report" 2>"$tmp/why" &
	else
		say 'report not sent: this image has none of curl, bash, nc or wget to send it'
		return 1
	fi
	_pid=$!
	wait $_pid
	_rc=$?
	[ ! -s "$tmp/holder" ] || { read -r _holder <"$tmp/holder" && kill $_holder 2>/dev/null; }
	_code= _why=
	if [ "$_tool" = wget ]; then
		[ $_rc -ne 0 ] || return 0
		_why="wget exited $_rc"
	elif [ -s "$tmp/answer" ]; then
		read -r _proto _code _rest <"$tmp/answer"
	fi
	case $_code in
	2??) return 0 ;;
	[1-5]??) _why="HTTP $_code$(refusal_reason "$_refusal")" ;;
	*) while read -r _line; do _why=$_line; done <"$tmp/why" ;;
	esac
	say "report not delivered to $_hp: ${_why:-the collector closed the connection without an answer}"
	return 1
}

# Runs COMMAND, found on PATH as tallyman finds it (a program, not a shell builtin), in place of
# this shell, so that signals reach it directly.
run() {
	case $1 in
	*/*) _found=$1 ;;
	*)
		_found= _ifs=$IFS
		IFS=:
		set -f
		for _dir in $PATH; do
			if [ -f "${_dir:-.}/$1" ] && [ -x "${_dir:-.}/$1" ]; then
				_found=${_dir:-.}/$1
				break
			fi
		done
		IFS=$_ifs
		set +f
		;;
	esac
	if [ ! -f "$_found" ]; then
		say "$1: command not found"
		exit 127
	elif [ ! -x "$_found" ]; then
		say "$1: permission denied (not an executable file)"
		exit 126
	fi
	shift
	exec "$_found" "$@"
}
# --- Settings: what the command line leaves open comes from the environment, as in tallyman.
server=${TALLYMAN_SERVER-}
origin=TALLYMAN_SERVER
hostname=${TALLYMAN_HOSTNAME-}
token=${TALLYMAN_TOKEN-}
# Not passed to COMMAND: a check that prints its environment would send the token in its report.
unset TALLYMAN_TOKEN
while getopts ':s:h:' _opt; do
	case $_opt in
	s) server=$OPTARG origin=-s ;;
	h) hostname=$OPTARG ;;
	:) usage "-$OPTARG needs a value" ;;
	*) usage "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage 'SRVID and COMMAND are required'
service=$1
shift
case $service in
'' | *[!A-Za-z0-9_.-]* | ?????????????????????????????????????????????????????????????????*)
	usage "SRVID '$service' is not a service name (1 to 64 characters of A-Z a-z 0-9 _ . -)"
	;;
esac
host= port=$PORT
[ -z "$server" ] || parse_server "$server" "$origin"
if [ -n "$token" ]; then
	_t=$token
	while case $_t in *=) true ;; *) false ;; esac do _t=${_t%=}; done
	case $_t in
	'' | *[!A-Za-z0-9._~+/-]*) usage 'TALLYMAN_TOKEN may hold only A-Z a-z 0-9 - . _ ~ + / and trailing =' ;;
	esac
fi
[ -n "$hostname" ] || read -r hostname </proc/sys/kernel/hostname 2>/dev/null || hostname=$(hostname)

if ! tmp=$(mktemp -d "${TMPDIR:-/tmp}/tallyman.XXXXXX" 2>/dev/null) || ! mkfifo "$tmp/out" "$tmp/err" "$tmp/out.copy" "$tmp/err.copy"; then
	say "report not sent: no temporary directory in ${TMPDIR:-/tmp}"
	[ -z "$tmp" ] || rm -rf "$tmp"
	run "$@"
fi
# No EXIT trap removes them: with one, bash also runs it in a child that a signal ends before
# the child has dropped the traps it inherited. Every way out below calls leave.
leave() {
	rm -rf "$tmp"
	exit "$1"
}

# --- Run COMMAND. Its output goes to our stdout and stderr through tee as it is produced; the
# copies go to readers that keep the first CAP+1 bytes (one more tells that it was cut).
keep() {
	head -c $((CAP + 1)) >"$1"
	cat >/dev/null
}
keep "$tmp/out.kept" <"$tmp/out.copy" &
_keep_out=$!
keep "$tmp/err.kept" <"$tmp/err.copy" &
_keep_err=$!
tee "$tmp/out.copy" <"$tmp/out" &
_tee_out=$!
tee "$tmp/err.copy" <"$tmp/err" >&2 &
_tee_err=$!

# SIGTERM, SIGINT and SIGHUP are passed on to COMMAND. A shell starts a background command
# with SIGINT ignored, so SIGINT reaches it as SIGTERM.
child= forwarded=
forward() {
	forwarded=yes
	[ -z "$child" ] || kill -"$1" "$child" 2>/dev/null
}
trap 'forward TERM' TERM INT
trap 'forward HUP' HUP
# A shell gives a background command /dev/null as stdin: COMMAND gets ours through fd 5.
{ command exec 5<&0; } 2>/dev/null || exec 5</dev/null
run "$@" <&5 5<&- >"$tmp/out" 2>"$tmp/err" &
child=$!
exec 5<&-
wait $child
status=$?
# A wait that a forwarded signal interrupted returns above 128: wait again for the real
# status (127 means the shell had reaped COMMAND already: the status stands).
while [ -n "$forwarded" ] && [ $status -gt 128 ]; do
	forwarded=
	wait $child
	_s=$?
	[ $_s -eq 127 ] || status=$_s
done

# Once COMMAND has ended, a signal ends the report at once; the exit status stays COMMAND's.
_send=
trap 'kill -s PIPE $_send 2>/dev/null; leave $status' TERM INT HUP
# The readers end once the tees have: what the tees passed on is all in the kept files then.
within $DRAIN $_tee_out $_tee_err
within $DRAIN $_keep_out $_keep_err

[ -n "$host" ] || host=$(default_gateway)
if [ -z "$host" ]; then
	say 'report not sent: no default gateway to find the collector; use -s HOST:PORT or TALLYMAN_SERVER'
	leave $status
fi
body=$(
	{
		od -An -v -tu1 "$tmp/out.kept"
		echo -
		od -An -v -tu1 "$tmp/err.kept"
	} 2>/dev/null | TALLYMAN_SH_SERVICE=$service TALLYMAN_SH_HOSTNAME=$hostname TALLYMAN_SH_STATUS=$status report_json
)
send &
_send=$!
within $WAIT $_send
leave $status
