#!/usr/bin/env bash
# bench/wan.sh - benchmark (not a test): bulk TCP over a 20 ms round trip, without and with 1%
# loss and behind a shallow-buffered bottleneck, our TCP (modern mode with BBR, and lab mode)
# against the Linux kernel's TCP (its BBR by default) on the same path; then one traced run of
# each case drawn with gnuplot, ours beside the kernel's.
#
# The kernel here has no netem, so the path is shaped by this project's impairment relay
# (apps/impair_relay.c), 10 ms each way, and every sender crosses the same relay:
#
#   namespace C: kernel TCP client (wan_peer.py send) on veth wanC 169.254.146.2 (offloads off)
#       | veth pair                                                           \
#   namespace A: wanA 169.254.146.1   tun144 169.254.144.1 <- our TCP (tun_throughput send,
#       |  A's kernel forwards                                  169.254.144.9, modern or --lab)
#   tun145 169.254.145.2 == impair_relay (-d 10 [-l 1 -s SEED]) == tun145, moved to namespace B
#   namespace B: tun145 169.254.145.1, kernel TCP receiver (wan_peer.py recv)
#
# Each round (RUNS, default 5) runs, interleaved and in a rotating order:
#   delay: kernel, modern, lab   20 ms RTT, no loss, BYTES each (default 100 MiB)
#   loss:  the same three        20 ms RTT, 1% loss each way (relay seed 1000 + round, the same
#                                for the three), LOSS_BYTES for kernel and modern (8 MiB) and
#                                LAB_LOSS_BYTES for lab mode (1 MiB: fixed 1 s RTO, no fast
#                                retransmit, so each lost segment costs a second)
#   shallow: kernel, modern      20 ms RTT behind a SHALLOW_MBIT (100) Mbit/s bottleneck whose
#                                queue holds 1/4 of the BDP (relay -b, -Q: 42 packets of 1500
#                                bytes at 100 Mbit/s), SHALLOW_BYTES (25 MiB); the figure is
#                                also the share of packets that queue dropped
#   clean: modern, lab           our TCP on tun144 to the kernel in A, no relay (like bench/tun.sh),
#                                BYTES each way (send: ours -> kernel, recv: kernel -> ours)
# A fresh relay serves every transfer. Throughput is the receiver's: bytes from its accept()
# to the arrival of the last byte (wan_peer.py recv; tun_throughput recv for clean recv).
# Every transfer's SHA-256 is compared between sender and receiver; a mismatch fails the run
# (and the script's exit code). Prints one line per transfer, then the medians, and last
#   wan_modern_vs_kernel: R ratio      (modern / kernel, 20 ms RTT, no loss)
# Figures (when gnuplot is installed and TRACE is not 0): after the rounds, one more transfer
# of kernel and modern per relayed case, traced (ours: SPONGE_CC_TRACE; the kernel's: ss -ti
# every 10 ms in its namespace, bench/ss_trace.py), drawn as FIGURES/wan_CASE.png (default
# BUILD_DIR/wan_figures) with the trace files beside them. Traced runs are not in the medians.
#
# Usage (root): bench/wan.sh [BUILD_DIR]      prints one skip line when it cannot run
# Env: RUNS (5), BYTES (104857600), LOSS_BYTES (8388608), LAB_LOSS_BYTES (1048576),
#      WINDOW (our modern window, -w; default 16 MiB), KERNEL_RMEM_MAX / KERNEL_WMEM_MAX
#      (the kernel ends' tcp_rmem/tcp_wmem maximum in their namespaces; 32 MiB),
#      RELAY_CPU (0) / SENDER_CPU (1); RELAY_PRIO (the relay's command prefix, "nice -n -10":
#      the relay is the link, and a descheduled relay drops packets at its input queues);
#      KERNEL_CC (the kernel sender's congestion control; default: the host's);
#      MODERN_OPTS (tun_throughput options for modern mode in the relayed cases; default
#      "--cc bbr"; "--cc newreno" or "--cc cubic" for the loss-based ones);
#      MODERN_LOSS_OPTS (added after MODERN_OPTS in the loss and shallow phases; default
#      empty: offloads on in every phase, see below; "--no-offload" for plain packets);
#      SHALLOW_MBIT (100), SHALLOW_BYTES (26214400), SHALLOW_QUEUE (packets; default 1/4 BDP);
#      TRACE (1; 0: no figures), FIGURES (where they go);
#      PHASES ("delay loss shallow clean") and PROGS ("kernel modern lab") pick a subset.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"

skip() {
    echo "wan: skipped ($1)"
    exit 0
}

if [ "${1:-}" != __inside ]; then
    BUILD="$(realpath "${1:-$ROOT/build}")"
    [ "$(id -u)" = 0 ] || skip "needs root for private network namespaces"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    for tool in ip nsenter unshare setpriv taskset timeout python3; do
        command -v "$tool" >/dev/null || skip "$tool is not installed"
    done
    for prog in impair_relay tun_throughput; do
        [ -x "$BUILD/$prog" ] || skip "$BUILD/$prog not built"
    done
    unshare -n true 2>/dev/null || skip "cannot create a network namespace"
    exec unshare -n bash "$0" __inside "$BUILD"
fi

# ---- inside namespace A --------------------------------------------------------------------
BUILD=$2
RUNS=${RUNS:-5}
BYTES=${BYTES:-104857600}
LOSS_BYTES=${LOSS_BYTES:-8388608}
LAB_LOSS_BYTES=${LAB_LOSS_BYTES:-1048576}
WINDOW=${WINDOW:-16777216}
KERNEL_RMEM_MAX=${KERNEL_RMEM_MAX:-33554432}
KERNEL_WMEM_MAX=${KERNEL_WMEM_MAX:-33554432}
PHASES=${PHASES:-delay loss shallow clean}
read -ra MODERN_OPTS <<<"${MODERN_OPTS---cc bbr}"
# Offloads stay on where segments are lost too. Our sender with TSO makes super-segments of up
# to 64 KiB that the kernel cuts into MSS packets, but it keeps its records of them (SACK, RACK,
# rate samples) in MSS pieces and repairs a loss with MSS-sized segments, only the pieces not
# SACKed (libsponge/tcp/sender_modern.c). It used to resend a lost super-segment whole, which in
# front of the shallow 42-packet queue lost its tail again every time, so these phases ran with
# --no-offload until then. (The kernel sender is still held to one segment per packet here:
# gso_max_segs 1 on the veth.)
read -ra MODERN_LOSS_OPTS <<<"${MODERN_LOSS_OPTS-}"
SHALLOW_MBIT=${SHALLOW_MBIT:-100}
SHALLOW_BYTES=${SHALLOW_BYTES:-26214400}
TRACE=${TRACE:-1}
FIGURES=${FIGURES:-$BUILD/wan_figures}
PROGS=${PROGS:-kernel modern lab}
RELAY_CPU=${RELAY_CPU:-0}
SENDER_CPU=${SENDER_CPU:-1}
[ "$(nproc)" -ge 2 ] || RELAY_CPU=0 SENDER_CPU=0
DELAY_MS=10
LOSS_PCT=1
# 1/4 of the bottleneck's BDP in 1500-byte packets: rate x RTT / 8 / 1500 / 4, rounded.
SHALLOW_QUEUE=${SHALLOW_QUEUE:-$(awk -v m="$SHALLOW_MBIT" -v d="$DELAY_MS" 'BEGIN { printf "%d", m * 1e6 * 2 * d / 1000 / 8 / 1500 / 4 + 0.5 }')}
PEER=(python3 "$HERE/wan_peer.py")
read -ra RELAY_PRIO <<<"${RELAY_PRIO:-nice -n -10}"
TMO=(timeout 180)
PORT=5000

WORK="$(mktemp -d /tmp/sponge_wan_bench.XXXXXX)"
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# spawn NAME CMD...: a background process that dies with this script; its PID in PID_<NAME>.
spawn() {
    local name=$1
    shift
    setpriv --pdeathsig KILL "$@" &
    PIDS+=("$!")
    printf -v "PID_$name" '%s' "$!"
}
wait_for() { # up to 10 s
    local _
    for _ in $(seq 200); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}
other_netns() { [ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/$$/ns/net)" ]; }
field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" "$1" 2>/dev/null | head -n1; }
busy_pct() { # whole-host CPU busy % over 0.3 s (/proc/stat is not per namespace)
    local -a a b
    local t=0 k
    read -ra a </proc/stat
    sleep 0.3
    read -ra b </proc/stat
    for k in 1 2 3 4 5 6 7 8; do t=$((t + b[k] - a[k])); done
    [ "$t" -gt 0 ] && echo $((100 - 100 * (b[4] - a[4] + b[5] - a[5]) / t)) || echo 0
}

# Namespace A (this one): our TCP's TUN, the relay's near TUN, the veth end of C; forwarding.
ip link set lo up
sysctl -qw net.ipv4.ip_forward=1
for dev in tun144:169.254.144.1 tun145:169.254.145.2; do
    ip tuntap add mode tun name "${dev%%:*}"
    sysctl -qw "net.ipv6.conf.${dev%%:*}.disable_ipv6=1"
    ip addr add "${dev#*:}/24" dev "${dev%%:*}"
    ip link set "${dev%%:*}" up
done
# Namespaces B (kernel receiver) and C (kernel sender) live as long as their holders.
spawn holder_b unshare -n sleep 86400
spawn holder_c unshare -n sleep 86400
# shellcheck disable=SC2154 # PID_* set by spawn
B=(nsenter -t "$PID_holder_b" -n) C=(nsenter -t "$PID_holder_c" -n)
wait_for other_netns "$PID_holder_b" && wait_for other_netns "$PID_holder_c" || {
    echo "wan: namespaces did not appear"
    exit 1
}
"${B[@]}" ip link set lo up
"${C[@]}" ip link set lo up
# The receiver's buffers must hold the bandwidth-delay product (namespace-local sysctls).
"${B[@]}" sysctl -qw net.ipv4.tcp_rmem="4096 131072 $KERNEL_RMEM_MAX"
"${C[@]}" sysctl -qw net.ipv4.tcp_wmem="4096 16384 $KERNEL_WMEM_MAX"
export TCP_CONGESTION=${KERNEL_CC:-$("${C[@]}" sysctl -n net.ipv4.tcp_congestion_control)} # read by wan_peer.py
ip link add wanA type veth peer name wanC netns "$PID_holder_c"
sysctl -qw net.ipv6.conf.wanA.disable_ipv6=1
"${C[@]}" sysctl -qw net.ipv6.conf.wanC.disable_ipv6=1
OFFLOADS="veth offloads off"
if command -v ethtool >/dev/null; then
    ethtool -K wanA tx off rx off tso off gso off gro off >/dev/null 2>&1 || OFFLOADS="veth offloads partly on"
    "${C[@]}" ethtool -K wanC tx off rx off tso off gso off gro off >/dev/null 2>&1 || OFFLOADS="veth offloads partly on"
else
    # Without ethtool: no GSO/TSO super-packets at least (one MSS per skb), checksums still offloaded.
    ip link set wanA gso_max_segs 1
    "${C[@]}" ip link set wanC gso_max_segs 1
    OFFLOADS="veth gso_max_segs 1 (ethtool not installed: checksum offload left on)"
fi
ip addr add 169.254.146.1/24 dev wanA
ip link set wanA up
"${C[@]}" ip addr add 169.254.146.2/24 dev wanC
"${C[@]}" ip link set wanC up
"${C[@]}" ip route add default via 169.254.146.1

# relay_up SEED RELAY_OPTIONS...: a fresh relay between A's tun145 and a new TUN that moves to B.
relay_up() {
    local seed=$1
    shift
    ip tuntap add mode tun name tun145b
    sysctl -qw net.ipv6.conf.tun145b.disable_ipv6=1
    ip link set tun145b up
    : >"$WORK/relay.err"
    spawn relay "${RELAY_PRIO[@]}" taskset -c "$RELAY_CPU" "$BUILD/impair_relay" -s "$seed" -d "$DELAY_MS" "$@" \
        tun145 tun145b 2>"$WORK/relay.err"
    wait_for grep -q '<->' "$WORK/relay.err" || {
        echo "wan: relay did not attach"
        cat "$WORK/relay.err"
        exit 1
    }
    ip link set tun145b netns "$PID_holder_b"
    "${B[@]}" ip link set tun145b name tun145
    "${B[@]}" sysctl -qw net.ipv6.conf.tun145.disable_ipv6=1
    "${B[@]}" ip addr add 169.254.145.1/24 dev tun145
    "${B[@]}" ip link set tun145 up
    "${B[@]}" ip route add 169.254.144.0/24 dev tun145
    "${B[@]}" ip route add 169.254.146.0/24 dev tun145
}
# relay_down: stops the relay; its counters stay in relay.err.
relay_down() {
    # shellcheck disable=SC2154
    kill -TERM "$PID_relay"
    wait "$PID_relay" || true
    "${B[@]}" ip link del tun145
}
tx_dropped() { # tx_dropped [NSENTER...]: packets tun145 dropped on the way to the relay
    "$@" awk '{ sub(/^ */, ""); split($0, f, /[: ]+/); if (f[1] == "tun145") print f[13] }' /proc/net/dev
}
relay_max() { # relay_max FIELD: a counter's larger value of the two directions
    awk -v f="$1" '$1 == "impair_relay:" { for (i = 3; i < NF; i += 2) if ($i == f && $(i + 1) > m) m = $(i + 1) } END { print m + 0 }' \
        "$WORK/relay.err"
}
relay_sum() { # relay_sum FIELD: a counter summed over both directions
    awk -v f="$1" '$1 == "impair_relay:" { for (i = 3; i < NF; i += 2) if ($i == f) s += $(i + 1) } END { print s + 0 }' \
        "$WORK/relay.err"
}

FAIL=0
# transfer CASE PROG RECV_DIR RECV_CMD -- SEND_CMD...: runs one transfer and prints its line.
# The receiver (RECV_CMD, an array name) starts first and must print READY; RECV_DIR is "rx"
# (the receiver's RESULT is the figure) and the sender's RESULT gives the SHA-256 to compare.
transfer() {
    local case=$1 prog=$2 rxname=$3
    shift 4
    local -n rxcmd=$rxname
    local hb rc=0 rxrc=0
    hb=$(busy_pct)
    spawn rx "${TMO[@]}" "${rxcmd[@]}" >"$WORK/rx.out" 2>"$WORK/rx.err"
    wait_for grep -qs READY "$WORK/rx.out" "$WORK/rx.err" || {
        echo "wan: receiver did not start"
        cat "$WORK/rx.err"
        exit 1
    }
    "${TMO[@]}" "$@" >"$WORK/tx.out" 2>"$WORK/tx.err" || rc=$?
    # shellcheck disable=SC2154 # set by spawn
    [ "$rc" = 0 ] || kill "$PID_rx" 2>/dev/null || true
    wait "$PID_rx" || rxrc=$?
    local mbps secs bytes txsha rxsha ok=OK
    secs=$(field "$WORK/rx.out" elapsed_s)
    bytes=$(field "$WORK/rx.out" bytes)
    mbps=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { if (s > 0) printf "%.3f", b * 8 / s / 1e6; else print "?" }')
    txsha=$(field "$WORK/tx.out" sha256)
    rxsha=$(field "$WORK/rx.out" sha256)
    if [ "$rc" != 0 ] || [ "$rxrc" != 0 ] || [ -z "$txsha" ] || [ "$txsha" != "$rxsha" ] ||
        [ "$(field "$WORK/tx.out" bytes)" != "$bytes" ]; then
        ok=FAIL
        FAIL=1
    fi
    printf '%-6s %-6s %9s Mbit/s  %s bytes in %ss  sha256 %s  host_busy %s%%\n' "$case" "$prog" "$mbps" \
        "${bytes:-?}" "${secs:-?}" "$ok" "$hb"
    if [ $ok = OK ]; then
        echo "$mbps" >>"$WORK/res.$case.$prog"
    else
        sed 's/^/    | /' "$WORK/tx.out" "$WORK/tx.err" "$WORK/rx.out" "$WORK/rx.err" | tail -n 12
    fi
}

# relayed CASE PROG BYTES SEED RELAY_OPTIONS...: one sender through a fresh relay to B. With
# TRACE_TO set, the sender's congestion control is traced to that file (ours: SPONGE_CC_TRACE;
# the kernel's: ss_trace.py in C) and CASE names the results apart from the measured ones.
TRACE_TO=
relayed() {
    local case=$1 prog=$2 bytes=$3 seed=$4 trace_env=()
    shift 4
    relay_up "$seed" "$@"
    local drops_a
    drops_a=$(tx_dropped)
    PORT=$((PORT + 1))
    # shellcheck disable=SC2034 # used through a nameref
    local -a rx=("${B[@]}" "${PEER[@]}" recv 169.254.145.1 "$PORT")
    local -a tx modern_opts=("${MODERN_OPTS[@]}")
    [ "${case#t-}" = loss ] || [ "${case#t-}" = shallow ] && modern_opts+=("${MODERN_LOSS_OPTS[@]}")
    if [ -n "$TRACE_TO" ] && [ "$prog" = kernel ]; then
        spawn sstrace "${C[@]}" python3 "$HERE/ss_trace.py" 169.254.145.1 "$TRACE_TO" 10
    fi
    [ -n "$TRACE_TO" ] && trace_env=(env SPONGE_CC_TRACE="$TRACE_TO")
    case $prog in
        kernel) tx=("${C[@]}" taskset -c "$SENDER_CPU" "${PEER[@]}" send 169.254.145.1 "$PORT" "$bytes") ;;
        modern) tx=("${trace_env[@]}" taskset -c "$SENDER_CPU" "$BUILD/tun_throughput" -w "$WINDOW" "${modern_opts[@]}" send 169.254.145.1 "$PORT" "$bytes") ;;
        lab) tx=(taskset -c "$SENDER_CPU" "$BUILD/tun_throughput" --lab send 169.254.145.1 "$PORT" "$bytes") ;;
    esac
    transfer "$case" "$prog" rx -- "${tx[@]}"
    if [ -n "$TRACE_TO" ] && [ "$prog" = kernel ]; then
        # shellcheck disable=SC2154 # set by spawn
        kill -TERM "$PID_sstrace" 2>/dev/null || true
        wait "$PID_sstrace" || true
    fi
    drops_a=$(($(tx_dropped) - drops_a))
    local drops_b
    drops_b=$(tx_dropped "${B[@]}")
    relay_down
    local qd rcv pct
    qd=$(relay_sum queue_drops)
    rcv=$(relay_sum received)
    pct=$(awk -v d="$qd" -v n="$rcv" 'BEGIN { printf "%.3f", (n > 0 ? 100 * d / n : 0) }')
    printf '      relay: dropped %s overflow %s queue_drops %s (%s%%) queue_max %s of %s packets; device queues before it dropped %s (A) %s (B)\n' \
        "$(relay_sum dropped)" "$(relay_sum overflow)" "$qd" "$pct" "$(relay_max queue_max)" "$rcv" "$drops_a" "$drops_b"
    [ "$case" = shallow ] && echo "$pct" >>"$WORK/res.qdrop.$prog"
    return 0
}

# clean DIRECTION PROG: our TCP on tun144 straight to the kernel in A (no relay).
clean() {
    local dir=$1 prog=$2 lab=()
    [ "$prog" = lab ] && lab=(--lab)
    PORT=$((PORT + 1))
    local -a rx tx
    if [ "$dir" = send ]; then
        # shellcheck disable=SC2034
        rx=(taskset -c "$RELAY_CPU" "${PEER[@]}" recv 169.254.144.1 "$PORT")
        tx=(taskset -c "$SENDER_CPU" "$BUILD/tun_throughput" "${lab[@]}" send 169.254.144.1 "$PORT" "$BYTES")
    else
        # shellcheck disable=SC2034
        rx=(taskset -c "$SENDER_CPU" "$BUILD/tun_throughput" "${lab[@]}" recv "$PORT")
        tx=(taskset -c "$RELAY_CPU" "${PEER[@]}" send 169.254.144.9 "$PORT" "$BYTES")
    fi
    transfer "c$dir" "$prog" rx -- "${tx[@]}"
}

rotate() { # rotate N WORDS...: the words starting at index N mod count
    local n=$1
    shift
    local -a w=("$@")
    local i
    for i in $(seq 0 $((${#w[@]} - 1))); do printf '%s ' "${w[$(((i + n) % ${#w[@]}))]}"; done
}

want() { [[ " $PHASES " == *" $1 "* ]]; }

export TUN_DEV=tun144
start=$SECONDS
echo "== wan: $RUNS rounds, interleaved; 20 ms RTT (relay -d $DELAY_MS each way); $(nproc) CPUs, relay on cpu$RELAY_CPU," \
    "senders on cpu$SENDER_CPU; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   kernel: cc $TCP_CONGESTION, receiver tcp_rmem max $KERNEL_RMEM_MAX," \
    "sender tcp_wmem max $KERNEL_WMEM_MAX, $OFFLOADS; ours: modern window $WINDOW (-w)${MODERN_OPTS[*]:+ ${MODERN_OPTS[*]}}," \
    "with loss (and shallow) adding '${MODERN_LOSS_OPTS[*]:-nothing: offloads on}'; lab 64000"
echo "   bytes: $BYTES (delay, clean), $LOSS_BYTES (loss: kernel, modern), $LAB_LOSS_BYTES (loss: lab)," \
    "$SHALLOW_BYTES (shallow: relay -b $SHALLOW_MBIT -Q $SHALLOW_QUEUE)"
for r in $(seq 1 "$RUNS"); do
    echo "-- round $r"
    if want delay; then
        for p in $(rotate "$r" $PROGS); do relayed delay "$p" "$BYTES" "$r"; done
    fi
    if want loss; then
        for p in $(rotate "$r" $PROGS); do
            nbytes=$LOSS_BYTES
            if [ "$p" = lab ]; then nbytes=$LAB_LOSS_BYTES; fi
            relayed loss "$p" "$nbytes" $((1000 + r)) -l "$LOSS_PCT"
        done
    fi
    if want shallow; then
        for p in $(rotate "$r" $PROGS); do
            if [ "$p" != lab ]; then
                relayed shallow "$p" "$SHALLOW_BYTES" $((2000 + r)) -b "$SHALLOW_MBIT" -Q "$SHALLOW_QUEUE"
            fi
        done
    fi
    if want clean; then
        for p in $(rotate "$r" $PROGS); do
            if [ "$p" != kernel ]; then
                clean send "$p"
                clean recv "$p"
            fi
        done
    fi
done

median() { # median CASE PROG
    local f="$WORK/res.$1.$2"
    [ -s "$f" ] || { echo n/a; return; }
    sort -g "$f" | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
# draw CASE TITLE: FIGURES/wan_CASE.png from the traces of ours and the kernel's.
draw() {
    local c=$1 title=$2 ours="$FIGURES/wan_$1_modern.trace" kern="$FIGURES/wan_$1_kernel.trace"
    [ -s "$ours" ] && [ -s "$kern" ] || return 0
    local rx_ours rx_kern
    rx_ours=$(awk '!/^#/ { r = $7 } END { print r + 0 }' "$ours")
    rx_kern=$(awk '!/^#/ { r = $7 } END { print r + 0 }' "$kern")
    gnuplot <<EOF || echo "wan: gnuplot failed for $c"
set terminal pngcairo size 1400,900 font ",10"
set output "$FIGURES/wan_$c.png"
set multiplot layout 2,2 title "$title"
set grid
set key top right
set xlabel "time since connect (ms)"
set ylabel "KB"
set title "ours (modern, BBR): window and flight; $rx_ours segments resent"
plot "$ours" using 1:(\$2/1000) with lines lw 2 title "cwnd", "" using 1:(\$3/1000) with lines title "in flight"
set title "kernel ($TCP_CONGESTION, ss -ti every 10 ms): window and flight; $rx_kern segments resent"
plot "$kern" using 1:(\$2/1000) with lines lw 2 title "cwnd", "" using 1:(\$3/1000) with lines title "in flight"
set ylabel "Mbit/s"
set y2label "ms"
set ytics nomirror
set y2tics
set title "ours: rates, and SRTT (right axis)"
plot "$ours" using 1:(\$4*8/1e6) with lines title "pacing rate", "" using 1:(\$5*8/1e6) with lines title "delivery rate", \
     "" using 1:(\$8*8/1e6) with lines title "bandwidth estimate", "" using 1:6 axes x1y2 with lines title "SRTT"
set title "kernel: rates, and SRTT (right axis)"
plot "$kern" using 1:(\$4*8/1e6) with lines title "pacing rate", "" using 1:(\$5*8/1e6) with lines title "delivery rate", \
     "" using 1:(\$8*8/1e6) with lines title "bandwidth estimate", "" using 1:6 axes x1y2 with lines title "SRTT"
unset multiplot
EOF
    echo "   figure: $FIGURES/wan_$c.png"
}

if [ "$TRACE" != 0 ] && command -v gnuplot >/dev/null; then
    mkdir -p "$FIGURES"
    echo "-- traced runs (not in the medians): figures in $FIGURES"
    for c in delay loss shallow; do
        want "$c" || continue
        for p in kernel modern; do
            [[ " $PROGS " == *" $p "* ]] || continue
            TRACE_TO="$FIGURES/wan_${c}_$p.trace"
            case $c in
                delay) relayed "t-$c" "$p" "$BYTES" 1 ;;
                loss) relayed "t-$c" "$p" "$LOSS_BYTES" 1001 -l "$LOSS_PCT" ;;
                shallow) relayed "t-$c" "$p" "$SHALLOW_BYTES" 2001 -b "$SHALLOW_MBIT" -Q "$SHALLOW_QUEUE" ;;
            esac
            TRACE_TO=
        done
    done
    draw delay "20 ms RTT, no loss (relay -d $DELAY_MS)"
    draw loss "20 ms RTT, $LOSS_PCT% loss each way"
    draw shallow "20 ms RTT, $SHALLOW_MBIT Mbit/s bottleneck, queue $SHALLOW_QUEUE packets (1/4 BDP)"
elif [ "$TRACE" != 0 ]; then
    echo "-- no figures: gnuplot is not installed (Debian: gnuplot-nox)"
fi

echo "== medians of $RUNS (Mbit/s), $((SECONDS - start)) s in all"
for c in delay loss; do
    for p in kernel modern lab; do echo "wan_${c}_$p: $(median "$c" "$p") Mbit/s"; done
done
for c in csend crecv; do
    for p in modern lab; do echo "wan_${c#c}_clean_$p: $(median "$c" "$p") Mbit/s"; done
done
echo "wan_clean_modern_vs_lab: send $(ratio "$(median csend modern)" "$(median csend lab)")" \
    "recv $(ratio "$(median crecv modern)" "$(median crecv lab)") ratio"
echo "wan_loss_modern_vs_lab: $(ratio "$(median loss modern)" "$(median loss lab)") ratio"
echo "wan_loss_modern_vs_kernel: $(ratio "$(median loss modern)" "$(median loss kernel)") ratio"
for p in kernel modern; do
    echo "wan_shallow_$p: $(median shallow "$p") Mbit/s, queue drops $(median qdrop "$p") %"
done
echo "wan_shallow_modern_vs_kernel: $(ratio "$(median shallow modern)" "$(median shallow kernel)") ratio," \
    "queue drops $(ratio "$(median qdrop modern)" "$(median qdrop kernel)")x the kernel's"
echo "wan_lab_vs_kernel: $(ratio "$(median delay lab)" "$(median delay kernel)") ratio"
echo "wan_modern_vs_kernel: $(ratio "$(median delay modern)" "$(median delay kernel)") ratio"
exit $FAIL
