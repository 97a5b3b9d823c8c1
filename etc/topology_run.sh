#!/usr/bin/env bash
# The namespace runner of docs/topologies.md: brings a topology file up on this machine, checks
# it, draws it and tears it down.
#
#   etc/topology_run.sh [--picture DIR] [--bytes N] FILE
#
# Everything happens inside a private network namespace of its own (unshare -n): each router is
# our `router` app on TAP devices (rNiM: router node N, interface M), each link a Linux bridge
# (an impaired link two bridges joined by `impair_relay -T`), each Linux host a namespace
# (tpPID-NAME, a veth into its link's bridge), each of our TCP hosts a TAP device for
# `tcp_ip_ethernet`. Every device gets its link's MTU, and so does our router's interface.
# Checks, each printing ok:/FAIL: lines:
#   1. ping between every ordered pair of Linux hosts (three tries);
#   2. traceroute between every ordered pair of Linux hosts shows the path the drawing predicts
#      (apps/topology plan: the address of each router's arriving interface, then the host);
#   3. N bytes (default 1 MiB) fetched by curl across the longest path between two Linux hosts,
#      and sent by our TCP host over the longest path from one of ours to a Linux host (socat
#      receives), both compared by sha256;
#   4. every router stops cleanly on SIGTERM; its counters (and the relays') are printed.
# With --picture DIR (or always, into the scratch directory) it writes DIR/NAME.{dot,svg,png}
# with the frames each link carried and each router's drops (needs Graphviz's dot for svg/png).
# Nothing is left behind: on exit or interrupt the processes it started are stopped by PID and
# the host namespaces deleted. Exit 0 only if every check passed; 77 if it cannot run here (not
# root, no namespaces); 1 on a bad file (FILE:LINE: what is wrong) or a failed check.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${SPONGE_BUILD:-$here/../build}
picture=""
bytes=1048576
while [ $# -gt 1 ]; do
    case $1 in
        --picture) picture=$2; shift 2 ;;
        --bytes) bytes=$2; shift 2 ;;
        --in-namespace) inside=$2; shift 2 ;;
        *) break ;;
    esac
done
[ $# = 1 ] || { echo "usage: $0 [--picture DIR] [--bytes N] FILE" >&2; exit 2; }
file=$1

if [ -z "${inside:-}" ]; then
    for prog in topology router impair_relay tcp_ip_ethernet; do
        [ -x "$build/$prog" ] || { echo "FAIL: $build/$prog not built" >&2; exit 1; }
    done
    "$build/topology" check "$file" || exit 1
    [ "$(id -u)" = 0 ] || { echo "skipped: needs root for private network namespaces"; exit 77; }
    [ -c /dev/net/tun ] || { echo "skipped: no /dev/net/tun"; exit 77; }
    unshare -n true 2>/dev/null || { echo "skipped: cannot create a network namespace (unshare -n)"; exit 77; }
    for tool in ip ping traceroute curl python3 socat sha256sum; do
        command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed" >&2; exit 1; }
    done
    [ -n "$picture" ] && { mkdir -p "$picture" && picture=$(cd "$picture" && pwd) || exit 1; }
    args=(--bytes "$bytes")
    [ -n "$picture" ] && args+=(--picture "$picture")
    exec unshare -n bash "$0" --in-namespace "$$" "${args[@]}" "$file"
fi

started=$(date +%s.%N)
name=$(basename "$file" .topo)
work=$(mktemp -d)
prefix="tp$inside"
pids=()
namespaces=()
made_etc_netns=""
failed=0
read -r -a wrap <<<"${SPONGE_WRAP:-}"

cleanup() {
    # a second interrupt (or TERM from a test driver stopping everything) must not cut the
    # teardown short and leave namespaces behind
    trap '' INT TERM
    trap - EXIT
    local pid ns
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    for ns in "${namespaces[@]}"; do
        ip netns del "$ns" 2>/dev/null
        rm -rf "/etc/netns/$ns"
    done
    [ -n "$made_etc_netns" ] && rmdir /etc/netns 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "interrupted: tearing down"; exit 130' INT TERM

fail() {
    echo "FAIL: $*"
    failed=1
}
die() {
    echo "FAIL: $*"
    for f in "$work"/*.err; do [ -s "$f" ] && sed "s/^/  $(basename "$f" .err): /" "$f" | tail -5; done
    exit 1
}
elapsed() { echo "$(date +%s.%N) $started" | awk '{printf "%.1f", $1 - $2}'; }

# start NAME EXPECTED_PREFIX COMMAND... (a program that says it is ready): see the library.
# shellcheck source=lib/fifo_start.sh
source "$here/lib/fifo_start.sh"
# shellcheck disable=SC2034 # read by start
start_fail=die

wait_device() {
    local i
    for ((i = 0; i < 100; i++)); do
        ip link show "$1" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

no_ipv6() {
    "$@" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' \
        2>/dev/null
}

"$build/topology" plan "$file" >"$work/plan" || die "topology plan failed"
ip link set lo up
no_ipv6 env

declare -A kind index ns_of port_of addr_of plen_of gw_of router_pid relay_pid
while read -r w a b c _; do
    case $w in
        node) kind[$a]=$b; index[$a]=$c ;;
        gateway) gw_of[$a]=$b ;;
    esac
done <"$work/plan"

# 1. Routers: our router app, each with its configuration from the plan.
for n in "${!kind[@]}"; do
    [ "${kind[$n]}" = router ] || continue
    sed -n "s/^conf $n //p" "$work/plan" >"$work/$n.conf"
    start "$n" READY "${wrap[@]}" "$build/router" -c "$work/$n.conf"
    router_pid[$n]=$started_pid
done

# 2. Hosts: a namespace for each Linux host.
[ -d /etc/netns ] || made_etc_netns=yes
for n in "${!kind[@]}"; do
    [ "${kind[$n]}" = linux ] || continue
    ns="$prefix-$n"
    ip netns add "$ns" || die "ip netns add $ns"
    namespaces+=("$ns")
    ns_of[$n]=$ns
    # Name lookups stay local (nothing listens on the resolver address).
    mkdir -p "/etc/netns/$ns" && echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
    ip netns exec "$ns" ip link set lo up
    no_ipv6 ip netns exec "$ns"
done

# 3. Links: a bridge (two, joined by impair_relay, when impaired) and each member's port on it.
member_port() { # NODE IFACE LINK_MTU: the device in this namespace that is NODE's end of a link
    local n=$1 i=$2 mtu=$3 ns
    case ${kind[$n]} in
        router) echo "r${index[$n]}i$i" ;;
        tcp)
            ip tuntap add mode tap name "h${index[$n]}" || die "cannot create TAP h${index[$n]}"
            echo "h${index[$n]}"
            ;;
        linux)
            ns=${ns_of[$n]}
            ip link add "h${index[$n]}" type veth peer name eth0 netns "$ns" || die "cannot create veth for $n"
            ip netns exec "$ns" ip link set eth0 mtu "$mtu" up
            echo "h${index[$n]}"
            ;;
    esac
}
seed=1
# shellcheck disable=SC2094 # the plan is only read, by both loops
while read -r w lname li _ mtu loss dup delay jitter reorder _; do
    [ "$w" = link ] || continue
    impaired=no
    [ "$loss$dup$delay$jitter$reorder" != 00000 ] && impaired=yes
    bridges=("b$li")
    if [ $impaired = yes ]; then
        bridges=("b${li}a" "b${li}b")
        "${wrap[@]}" "$build/impair_relay" -T -s "$seed" -l "$loss" -u "$dup" -d "$delay" -j "$jitter" -r "$reorder" \
            "x${li}a" "x${li}b" 2>"$work/relay-$lname.err" &
        pids+=("$!")
        relay_pid[$lname]=$!
        seed=$((seed + 1))
        if ! wait_device "x${li}a" || ! wait_device "x${li}b"; then
            die "impair_relay for $lname did not create its devices"
        fi
    fi
    for br in "${bridges[@]}"; do
        ip link add "$br" type bridge forward_delay 0 || die "cannot create bridge $br"
        ip link set "$br" mtu "$mtu" up
    done
    if [ $impaired = yes ]; then
        for s in a b; do
            ip link set "x${li}$s" mtu "$mtu" master "b${li}$s" up || die "relay port x${li}$s"
        done
    fi
    k=0
    while read -r _ _ mnode miface maddr mplen; do
        port=$(member_port "$mnode" "$miface" "$mtu") || exit 1
        br=${bridges[0]}
        [ $impaired = yes ] && [ $k = 1 ] && br=${bridges[1]}
        ip link set "$port" mtu "$mtu" master "$br" up || die "cannot put $port on $br"
        port_of[$lname]+=" $port"
        if [ "${kind[$mnode]}" != router ]; then
            addr_of[$mnode]=$maddr
            plen_of[$mnode]=$mplen
            port_of[$mnode]=$port
        fi
        k=$((k + 1))
    done < <(grep "^member $lname " "$work/plan")
done <"$work/plan"

for n in "${!ns_of[@]}"; do
    ns=${ns_of[$n]}
    ip netns exec "$ns" ip addr add "${addr_of[$n]}/${plen_of[$n]}" dev eth0 || die "address of $n"
    ip netns exec "$ns" ip route add default via "${gw_of[$n]}" dev eth0 onlink || die "default route of $n"
done
echo "ok: $name is up: $(grep -c '^node .* router ' "$work/plan") routers, ${#ns_of[@]} Linux hosts," \
    "$(grep -c '^node .* tcp ' "$work/plan") of our TCP hosts, $(grep -c '^link ' "$work/plan") links ($(elapsed) s)"

# Check 1: ping between every ordered pair of Linux hosts, each source's pings in parallel.
ping_from() {
    local s=$1 d
    while read -r _ src dst rest; do
        if [ "$src" != "$s" ] || [ -z "${ns_of[$dst]:-}" ]; then continue; fi
        d=${rest##* }
        for _ in 1 2 3; do
            ip netns exec "${ns_of[$s]}" ping -n -q -c 1 -W 2 "$d" >/dev/null 2>&1 && continue 2
        done
        echo "FAIL: ping $s -> $dst ($d): no reply in three tries"
    done < <(grep "^path " "$work/plan")
}
ping_pids=()
for s in "${!ns_of[@]}"; do
    ping_from "$s" >"$work/ping-$s.log" &
    ping_pids+=("$!")
    pids+=("$!") # a background subshell ignores SIGINT: cleanup must end it
done
wait "${ping_pids[@]}"
pairs=$(awk -v hosts=" ${!ns_of[*]} " '$1 == "path" && index(hosts, " " $2 " ") && index(hosts, " " $3 " ")' \
    "$work/plan" | wc -l)
bad=$(cat "$work"/ping-*.log | grep -c FAIL)
cat "$work"/ping-*.log
if [ "$bad" = 0 ]; then
    echo "ok: ping: all $pairs ordered pairs of Linux hosts answer ($(elapsed) s)"
else
    fail "ping: $bad of $pairs pairs unanswered"
fi

# Check 2: traceroute paths equal the predicted ones (one probe at a time: routers rate-limit
# their ICMP errors, RFC 1812 4.3.2.8, so a silent hop is retried).
traced=0
while read -r _ src dst rest; do
    if [ -z "${ns_of[$src]:-}" ] || [ -z "${ns_of[$dst]:-}" ]; then continue; fi
    want="$rest"
    d=${rest##* }
    for _ in 1 2 3 4 5; do
        got=$(ip netns exec "${ns_of[$src]}" traceroute -n -q 1 -N 1 -w 1 -m 32 "$d" 2>/dev/null |
            awk 'NR > 1 {print $2}' | tr '\n' ' ')
        got=${got% }
        [ "$got" = "$want" ] && break
        [[ "$got" == *'*'* ]] || break
    done
    if [ "$got" = "$want" ]; then
        traced=$((traced + 1))
    else
        fail "traceroute $src -> $dst: '$got', predicted '$want'"
    fi
done < <(grep "^path " "$work/plan")
echo "ok: traceroute: $traced paths as predicted ($(elapsed) s)"

# Check 3: bytes across the longest paths, compared by sha256.
head -c "$bytes" /dev/urandom >"$work/blob"
want=$(sha256sum <"$work/blob")
read -r _ ls ld < <(grep "^longest " "$work/plan") || true
if [ -n "${ls:-}" ]; then
    mkdir -p "$work/www" && ln "$work/blob" "$work/www/blob"
    start http "Serving HTTP" ip netns exec "${ns_of[$ld]}" python3 -u -m http.server 8080 --bind "${addr_of[$ld]}" \
        --directory "$work/www"
    if ip netns exec "${ns_of[$ls]}" curl -sS --max-time 60 -o "$work/got-curl" "http://${addr_of[$ld]}:8080/blob" &&
        [ "$(sha256sum <"$work/got-curl")" = "$want" ]; then
        echo "ok: curl: $ls fetched $bytes bytes from $ld across the longest path, sha256 matches ($(elapsed) s)"
    else
        fail "curl: $ls could not fetch $bytes intact bytes from $ld (got $(stat -c %s "$work/got-curl" 2>/dev/null || echo 0))"
    fi
fi
read -r _ ts td < <(grep "^longest_tcp " "$work/plan") || true
if [ -n "${ts:-}" ]; then
    ip netns exec "${ns_of[$td]}" socat -u "TCP-LISTEN:9090,bind=${addr_of[$td]},reuseaddr" \
        "OPEN:$work/got-tcp,creat,trunc" 2>"$work/socat.err" &
    socat_pid=$!
    pids+=("$socat_pid")
    for ((i = 0; i < 50; i++)); do
        ip netns exec "${ns_of[$td]}" ss -ltn 2>/dev/null | grep -q ":9090 " && break
        sleep 0.1
    done
    if timeout 120 "${wrap[@]}" "$build/tcp_ip_ethernet" -d "${port_of[$ts]}" -a "${addr_of[$ts]}" -g "${gw_of[$ts]}" \
        "${addr_of[$td]}" 9090 <"$work/blob" >/dev/null 2>"$work/tcp-host.err" &&
        wait "$socat_pid" && [ "$(sha256sum <"$work/got-tcp")" = "$want" ]; then
        echo "ok: our TCP: $ts sent $bytes bytes to $td across the longest path, sha256 matches ($(elapsed) s)"
    else
        fail "our TCP: $ts -> $td: $(stat -c %s "$work/got-tcp" 2>/dev/null || echo 0) of $bytes bytes arrived intact"
        sed 's/^/  tcp_ip_ethernet: /' "$work/tcp-host.err" | tail -3
    fi
fi

# Counters: frames each link carried (what its bridges sent into member ports), then every
# router's and relay's own accounts after SIGTERM.
stats="$work/$name.stats"
: >"$stats"
while read -r w lname _; do
    [ "$w" = link ] || continue
    total=0
    for p in ${port_of[$lname]}; do
        # (not /sys/class/net: sysfs still shows the namespace we came from)
        sent=$(ip -s link show dev "$p" 2>/dev/null | awk '/TX:/ {getline; print $2; exit}')
        total=$((total + ${sent:-0}))
    done
    echo "link $lname frames=$total" >>"$stats"
done <"$work/plan"
for n in "${!kind[@]}"; do
    [ "${kind[$n]}" = router ] || continue
    pid=${router_pid[$n]}
    kill -TERM "$pid" 2>/dev/null || fail "router $n was not running any more"
    wait "$pid" || fail "router $n exited with status $? after SIGTERM"
    sed "s/^/  $n: /" "$work/$n.err"
    sed -n 's/^router: forwarded \([0-9]*\); dropped: ttl_expired \([0-9]*\) no_route \([0-9]*\) bad_header \([0-9]*\) queue_full \([0-9]*\).*/forwarded=\1 ttl_expired=\2 no_route=\3 bad_header=\4 queue_full=\5/p' \
        "$work/$n.err" | sed "s/^/router $n /" >>"$stats"
done
for l in "${!relay_pid[@]}"; do
    f="$work/relay-$l.err"
    kill -TERM "${relay_pid[$l]}" 2>/dev/null
    wait "${relay_pid[$l]}" || fail "impair_relay of $l exited with status $? after SIGTERM"
    sed "s/^/  $l: /" "$f"
    drops=$(awk '/received/ {d += $8; u += $10} END {printf "relay_dropped=%d relay_duplicated=%d", d, u}' "$f")
    sed -i "s/^link $l frames=\([0-9]*\)$/link $l frames=\1 $drops/" "$stats"
done
echo "ok: counters above ($(elapsed) s)"

# The picture.
out=${picture:-$work}
"$build/topology" dot "$file" "$stats" >"$out/$name.dot" || fail "topology dot failed"
if command -v dot >/dev/null; then
    if ! dot -Tsvg "$out/$name.dot" -o "$out/$name.svg" || ! dot -Tpng "$out/$name.dot" -o "$out/$name.png"; then
        fail "Graphviz could not draw $out/$name.dot"
    fi
    [ -n "$picture" ] && echo "ok: picture: $out/$name.svg and $out/$name.png"
else
    echo "note: Graphviz (dot) is not installed: only $out/$name.dot written"
fi

cleanup
if [ "$failed" = 0 ]; then
    echo "ok: $name: up, checked and down in $(elapsed) s"
else
    echo "FAIL: $name: some checks failed ($(elapsed) s)"
fi
exit "$failed"
