# shellcheck shell=bash
# Common code of the lab 4 end-to-end tests (sourced, not a test itself).
#
# A test file lists its cases, one per line of the form
#     KIND ROLE DIRECTION SIZE WINDOW LOSS
# (or NAME ARGS... for a function case_NAME the file defines), and ends with `e2e_main "$@"`. Each case runs in its OWN private network namespace:
# the file re-runs itself as `unshare -n bash FILE __case "CASE"`, and the namespace vanishes
# with its last process. Every process a case starts is killed by PID when the case ends
# (trap), and dies with the case's shell even if that is killed (setpriv --pdeathsig).
#
#   KIND       udp     our TCP to our TCP, segments in UDP on 127.0.0.1 (tcp_udp both ends)
#              routed  our TCP on tun144 to our TCP on tun145, the kernel forwarding between
#              native  our TCP on tun144 to the kernel's TCP (tcp_native)
#              socat   our TCP on tun144 to the kernel's TCP (socat)
#              tap_native, tap_socat  the same through our NetworkInterface (Ethernet + ARP)
#                      on tap10 (tcp_ip_ethernet); the kernel is the ARP peer
#   ROLE       client | server: the role of "our end" (the one with the window and loss options;
#              in udp/routed cases both ends are ours, the other one uses the default window)
#   DIRECTION  send (our end sends), recv (our end receives), duplex (both send)
#   SIZE       bytes each sending side sends (random data)
#   WINDOW     default, or the -w value (receive window) of our end
#   LOSS       none, up (-Lu 0.1), down (-Ld 0.1) or both, on our end
#   MODE       optional: modern (the apps' default), lab (--lab on every end that is ours) or
#              cubic or bbr (modern with --cc cubic or --cc bbr on every end that is ours)
#
# A case line may start with offload=on or offload=off: the case runs with SPONGE_TUN_OFFLOAD=1
# or 0 (TUN offloads in modern mode, the apps' default, or plain datagrams); without it, as the
# environment says.
#
# A case prints nothing when it passes, except lines starting with "NOTE: " (measurements,
# counters), which the runner shows under its PASS line.
#
# Addresses: tun144 kernel side 169.254.144.1/24, our stack 169.254.144.9; tun145 kernel
# side 169.254.145.1/24, our stack 169.254.145.9; tap10 kernel side 169.254.10.1/24, our
# stack 169.254.10.9 (its next hop 169.254.10.1). Nothing leaves the namespace.

set -u

E2E_BUILD=${SPONGE_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/build}
E2E_PORT=9090
# Our TCP's retransmission timeout in every case (ms): small, so that loss costs little and
# the active closer's linger (10 x RTO) is short.
E2E_RTO=40
# Deadline of one case (seconds), including setup.
E2E_DEADLINE=${E2E_DEADLINE:-90}
# SPONGE_WRAP: a command prefix (words split on blanks) put before every program of ours that a
# case starts, e.g. "valgrind --error-exitcode=99" (tests/framework/valgrind_apps.sh); empty: none.
read -r -a E2E_WRAP <<<"${SPONGE_WRAP:-}"

# Skips (exit 77, one line) unless we can make namespaces and TUN devices.
e2e_require() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: needs root (private network namespace with TUN devices)"
        exit 77
    fi
    if [ ! -c /dev/net/tun ]; then
        echo "SKIP: no /dev/net/tun"
        exit 77
    fi
    if ! unshare -n true 2>/dev/null; then
        echo "SKIP: cannot create a network namespace (unshare -n)"
        exit 77
    fi
    local tool
    for tool in ip ss setpriv sha256sum "$@"; do
        if ! command -v "$tool" >/dev/null; then
            echo "SKIP: $tool is not installed"
            exit 77
        fi
    done
}

# --- inside a case's namespace ---------------------------------------------------------

E2E_PIDS=()
# The EXIT trap of a case: kills what it started and removes its directory. A sanitizer report
# in the stderr of any program the case started fails the case even if the case ignored that
# program (GCC's UBSan writes its reports to stderr whatever log_path says: see
# etc/sanitize_script.sh for the others).
e2e_cleanup() {
    local status=$? pid
    for pid in "${E2E_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${E2E_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    if [ -n "${E2E_DIR:-}" ]; then
        local -a reports
        mapfile -t reports < <(grep -l -E ': runtime error: |^SUMMARY: [A-Za-z]+Sanitizer' "$E2E_DIR"/*.err \
            "$E2E_DIR"/err 2>/dev/null)
        if [ ${#reports[@]} -gt 0 ]; then
            echo "sanitizer report in the stderr of: ${reports[*]##*/}"
            grep -h -A 12 -E ': runtime error: |ERROR: [A-Za-z]+Sanitizer' "${reports[@]}" | head -n 40
            status=1
        fi
        rm -rf "$E2E_DIR"
    fi
    exit "$status"
}

# Starts a command in the background: e2e_spawn NAME STDIN STDOUT CMD...; stderr goes to
# $E2E_DIR/NAME.err and the PID to E2E_PID_<NAME>. Our programs get the SPONGE_WRAP prefix
# (exec'd by the same process, so the PID is theirs).
e2e_spawn() {
    local name=$1 in=$2 out=$3
    shift 3
    local -a wrap=()
    case $1 in "$E2E_BUILD"/*) wrap=("${E2E_WRAP[@]}") ;; esac
    setpriv --pdeathsig KILL "${wrap[@]}" "$@" <"$in" >"$out" 2>"$E2E_DIR/$name.err" &
    E2E_PIDS+=("$!")
    printf -v "E2E_PID_$name" '%s' "$!"
}

# Waits (bounded, 10 s) until a condition command succeeds.
e2e_wait_for() {
    local _
    for _ in $(seq 200); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

e2e_setup_lo() {
    ip link set lo up
}

# e2e_setup_tun DEV KERNEL_ADDR/PREFIX
e2e_setup_tun() {
    ip tuntap add mode tun name "$1"
    sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
    ip addr add "$2" dev "$1"
    ip link set "$1" up
}

# e2e_setup_tap DEV KERNEL_ADDR/PREFIX: a TAP device; the kernel answers ARP on it.
e2e_setup_tap() {
    ip tuntap add mode tap name "$1"
    sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
    ip addr add "$2" dev "$1"
    ip link set "$1" up
}

# A TUN or TAP device has carrier once a process (our stack) has attached to it.
e2e_tun_attached() {
    ip link show "$1" 2>/dev/null | grep -q LOWER_UP
}

e2e_tcp_listening() {
    ss -Htln "sport = :$1" | grep -q .
}

e2e_udp_bound() {
    ss -Huln "sport = :$1" | grep -q .
}

# The options of our end (ROLE side) and of the other end when it is ours too.
e2e_our_opts() {
    local window=$1 loss=$2 mode=${3:-modern}
    printf -- '-t %s' "$E2E_RTO"
    [ "$mode" = lab ] && printf -- ' --lab'
    case $mode in cubic | bbr) printf -- ' --cc %s' "$mode" ;; esac
    [ "$window" != default ] && printf -- ' -w %s' "$window"
    case $loss in
        none) ;;
        up) printf -- ' -Lu 0.1' ;;
        down) printf -- ' -Ld 0.1' ;;
        both) printf -- ' -Lu 0.1 -Ld 0.1' ;;
        *) return 1 ;;
    esac
}

# Every case starts here: a scratch directory and the trap that kills what the case started.
e2e_begin() {
    E2E_DIR=$(mktemp -d)
    trap e2e_cleanup EXIT
    trap 'exit 143' TERM INT
    e2e_setup_lo
}

# Runs one case (inside its namespace). Prints nothing on success; on failure prints the
# reason and the ends' logs, and returns 1.
e2e_case() {
    local kind=$1 role=$2 dir=$3 size=$4 window=$5 loss=$6 mode=${7:-modern}
    e2e_begin
    local d=$E2E_DIR
    local -a ours peer_opts=(-t "$E2E_RTO")
    [ "$mode" = lab ] && peer_opts+=(--lab)
    case $mode in cubic | bbr) peer_opts+=(--cc "$mode") ;; esac
    local words
    words=$(e2e_our_opts "$window" "$loss" "$mode") || { echo "bad LOSS $loss"; return 1; }
    read -r -a ours <<<"$words"

    # What each end sends: "our" end is $role, the peer is the other role.
    head -c "$size" /dev/urandom >"$d/data_ours"
    head -c "$size" /dev/urandom >"$d/data_peer"
    local in_ours=/dev/null in_peer=/dev/null
    case $dir in
        send) in_ours=$d/data_ours ;;
        recv) in_peer=$d/data_peer ;;
        duplex) in_ours=$d/data_ours in_peer=$d/data_peer ;;
        *) echo "bad DIRECTION $dir"; return 1 ;;
    esac

    local b=$E2E_BUILD p=$E2E_PORT
    # server_cmd / client_cmd for our end and the peer; `ready` tells when the server listens.
    local -a our_cmd peer_cmd
    local -a ready
    case $kind in
        udp)
            if [ "$role" = server ]; then
                our_cmd=("$b/tcp_udp" -l "${ours[@]}" 127.0.0.1 "$p")
                peer_cmd=("$b/tcp_udp" "${peer_opts[@]}" 127.0.0.1 "$p")
            else
                peer_cmd=("$b/tcp_udp" -l "${peer_opts[@]}" 127.0.0.1 "$p")
                our_cmd=("$b/tcp_udp" "${ours[@]}" 127.0.0.1 "$p")
            fi
            ready=(e2e_udp_bound "$p")
            ;;
        routed)
            e2e_setup_tun tun144 169.254.144.1/24
            e2e_setup_tun tun145 169.254.145.1/24
            sysctl -qw net.ipv4.ip_forward=1
            if [ "$role" = server ]; then
                our_cmd=("$b/tcp_ipv4" -l -d tun145 "${ours[@]}" 169.254.145.9 "$p")
                peer_cmd=("$b/tcp_ipv4" -d tun144 "${peer_opts[@]}" 169.254.145.9 "$p")
            else
                peer_cmd=("$b/tcp_ipv4" -l -d tun145 "${peer_opts[@]}" 169.254.145.9 "$p")
                our_cmd=("$b/tcp_ipv4" -d tun144 "${ours[@]}" 169.254.145.9 "$p")
            fi
            ready=(e2e_tun_attached tun145)
            ;;
        native | socat | tap_native | tap_socat)
            # Our end: tcp_ipv4 on tun144, or tcp_ip_ethernet on tap10; the kernel at NET.1.
            local app=tcp_ipv4 dev=tun144 net=169.254.144
            if [ "${kind#tap_}" != "$kind" ]; then
                app=tcp_ip_ethernet dev=tap10 net=169.254.10
                e2e_setup_tap "$dev" "$net.1/24"
            else
                e2e_setup_tun "$dev" "$net.1/24"
            fi
            if [ "$role" = server ]; then
                our_cmd=("$b/$app" -l "${ours[@]}" "$net.9" "$p")
                if [ "${kind#tap_}" = native ]; then
                    peer_cmd=("$b/tcp_native" "$net.9" "$p")
                else
                    peer_cmd=(socat -t 60 STDIO "TCP:$net.9:$p")
                fi
                ready=(e2e_tun_attached "$dev")
            else
                our_cmd=("$b/$app" "${ours[@]}" "$net.1" "$p")
                if [ "${kind#tap_}" = native ]; then
                    peer_cmd=("$b/tcp_native" -l "$net.1" "$p")
                else
                    peer_cmd=(socat -t 60 STDIO "TCP-LISTEN:$p,bind=$net.1,reuseaddr")
                fi
                ready=(e2e_tcp_listening "$p")
            fi
            ;;
        *) echo "bad KIND $kind"; return 1 ;;
    esac

    if [ "$role" = server ]; then
        e2e_spawn ours "$in_ours" "$d/got_ours" "${our_cmd[@]}"
        e2e_wait_for "${ready[@]}" || { echo "server did not come up"; tail -n 5 "$d/ours.err"; return 1; }
        e2e_spawn peer "$in_peer" "$d/got_peer" "${peer_cmd[@]}"
    else
        e2e_spawn peer "$in_peer" "$d/got_peer" "${peer_cmd[@]}"
        e2e_wait_for "${ready[@]}" || { echo "server did not come up"; tail -n 5 "$d/peer.err"; return 1; }
        e2e_spawn ours "$in_ours" "$d/got_ours" "${our_cmd[@]}"
    fi
    local rc_ours=0 rc_peer=0
    # shellcheck disable=SC2154 # E2E_PID_* are set by e2e_spawn (printf -v)
    wait "$E2E_PID_ours" || rc_ours=$?
    # shellcheck disable=SC2154
    wait "$E2E_PID_peer" || rc_peer=$?

    local problems=""
    [ "$rc_ours" = 0 ] || problems+=" our end exited $rc_ours;"
    [ "$rc_peer" = 0 ] || problems+=" peer exited $rc_peer;"
    local want_ours=/dev/null want_peer=/dev/null
    [ "$in_peer" = /dev/null ] || want_ours=$d/data_peer
    [ "$in_ours" = /dev/null ] || want_peer=$d/data_ours
    local w g
    w=$(sha256sum <"$want_ours" | cut -c1-16)
    g=$(sha256sum <"$d/got_ours" | cut -c1-16)
    [ "$w" = "$g" ] || problems+=" our end received $(stat -c %s "$d/got_ours") bytes, sha256 $g, expected $w;"
    w=$(sha256sum <"$want_peer" | cut -c1-16)
    g=$(sha256sum <"$d/got_peer" | cut -c1-16)
    [ "$w" = "$g" ] || problems+=" peer received $(stat -c %s "$d/got_peer") bytes, sha256 $g, expected $w;"
    if [ -n "$problems" ]; then
        echo "$problems"
        echo "  --- our end (${our_cmd[*]}) stderr:"
        tail -n 8 "$d/ours.err" | sed 's/^/  /'
        echo "  --- peer (${peer_cmd[*]}) stderr:"
        tail -n 8 "$d/peer.err" | sed 's/^/  /'
        return 1
    fi
    return 0
}

# --- outside: run every case in its own namespace --------------------------------------

# e2e_main "$@": with "__case SPEC" runs that case (inside the namespace), otherwise runs all
# cases listed in E2E_CASES, one line each, and exits non-zero if any failed.
e2e_main() {
    if [ "${1:-}" = __case ]; then
        local -a words
        read -r -a words <<<"$2"
        case ${words[0]} in
            offload=on) export SPONGE_TUN_OFFLOAD=1 words=("${words[@]:1}") ;;
            offload=off) export SPONGE_TUN_OFFLOAD=0 words=("${words[@]:1}") ;;
        esac
        if declare -F "case_${words[0]}" >/dev/null; then
            e2e_begin
            "case_${words[0]}" "${words[@]:1}"
        else
            e2e_case "${words[@]}"
        fi
        exit $?
    fi
    e2e_require ${E2E_TOOLS[@]+"${E2E_TOOLS[@]}"}
    local script=$0 spec failed=0 total=0 out rc start elapsed
    E2E_RUNNER=""
    trap '[ -n "$E2E_RUNNER" ] && kill "$E2E_RUNNER" 2>/dev/null' EXIT
    for spec in "${E2E_CASES[@]}"; do
        total=$((total + 1))
        start=$EPOCHREALTIME
        out=$(mktemp)
        timeout -k 5 "$E2E_DEADLINE" unshare -n bash "$script" __case "$spec" >"$out" 2>&1 &
        E2E_RUNNER=$!
        rc=0
        wait "$E2E_RUNNER" || rc=$?
        E2E_RUNNER=""
        elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
        if [ "$rc" = 0 ]; then
            printf 'PASS  %-52s %5ss\n' "$spec" "$elapsed"
            # A passing case may report measurements on lines starting with "NOTE: ".
            sed -n 's/^NOTE: /      /p' "$out"
        else
            failed=$((failed + 1))
            [ "$rc" = 124 ] && echo "deadline of ${E2E_DEADLINE}s passed" >>"$out"
            printf 'FAIL  %-52s %5ss:%s\n' "$spec" "$elapsed" "$(head -n 1 "$out")"
            tail -n +2 "$out"
        fi
        rm -f "$out"
    done
    echo "$((total - failed)) of $total cases passed"
    [ "$failed" = 0 ]
}

# e2e_webget_case SERVER_ADDR WEBGET_ARGS...: serves a generated 1 MiB file with python3's
# http.server on SERVER_ADDR:80 (the device must be set up already), fetches it with
# `webget WEBGET_ARGS... SERVER_ADDR /file` (stderr kept in $E2E_DIR/err), and checks the
# response is a 200 whose body has the file's sha256.
e2e_webget_case() {
    local addr=$1 d=$E2E_DIR rc=0
    shift
    mkdir "$d/www"
    head -c 1048576 /dev/urandom >"$d/www/file"
    e2e_spawn server /dev/null "$d/server.out" python3 -m http.server --bind "$addr" --directory "$d/www" 80
    e2e_wait_for e2e_tcp_listening 80 || { echo "http.server did not come up"; tail -n 3 "$d/server.err"; return 1; }
    setpriv --pdeathsig KILL "${E2E_WRAP[@]}" "$E2E_BUILD/webget" "$@" "$addr" /file >"$d/response" 2>"$d/err" || rc=$?
    if [ "$rc" != 0 ]; then
        echo "webget exited $rc: $(tail -n 1 "$d/err")"
        return 1
    fi
    python3 - "$d/response" "$d/body" <<'PY' || return 1
import sys
data = open(sys.argv[1], "rb").read()
head, sep, body = data.partition(b"\r\n\r\n")
if not sep or head.split(b"\r\n", 1)[0].split(b" ")[1:2] != [b"200"]:
    sys.exit("no 200 response with headers in %d bytes" % len(data))
open(sys.argv[2], "wb").write(body)
PY
    local want got
    want=$(sha256sum <"$d/www/file" | cut -c1-16)
    got=$(sha256sum <"$d/body" | cut -c1-16)
    if [ "$want" != "$got" ]; then
        echo "body: $(stat -c %s "$d/body") bytes, sha256 $got; file sha256 $want"
        return 1
    fi
}
