#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Beyond the labs, end to end: our TCP in modern mode (the apps' default: MSS, window scaling,
# timestamps, SACK-permitted, RFC 6298 RTO, NewReno; cases with CUBIC and the BBR-style window
# too) on tun144 to the Linux kernel's TCP (socat), 1 MiB each way, sha256 checked; with loss
# on our end too; modern to modern over UDP; and one case with --lab, the labs' behaviour
# through the same apps. The TUN cases run with offloads on and off.
# Case format and namespace setup: tests/lab4/lib/netns.sh.
# shellcheck source=../lab4/lib/netns.sh
source "$(dirname "$0")/../lab4/lib/netns.sh"
E2E_TOOLS=(socat)
# The cases on tun144 run twice: with TUN offloads (super-segments, partial checksums) and
# without (plain datagrams); lab mode and UDP have no offloads.
TUN_CASES=(
    "negotiated"
    "socat client duplex 1048576 default none"
    "socat server duplex 1048576 default none"
    "socat client send 1048576 default down"
    "socat server recv 1048576 default up"
    "socat client duplex 1048576 default both"
    "socat client duplex 1048576 default both cubic"
    "socat client duplex 1048576 default both bbr"
)
E2E_CASES=(
    "${TUN_CASES[@]/#/offload=on }"
    "${TUN_CASES[@]/#/offload=off }"
    "udp client duplex 1048576 default both"
    "udp server duplex 1048576 default down cubic"
    "udp server duplex 1048576 default down bbr"
    "socat client duplex 262144 default none lab"
)

# The kernel's view of the connection (ss -ti) shows what was negotiated: window scaling (ours
# is 5 for 1 MiB) and an MSS of 1448, which is our 1460 less the 12 bytes of timestamps, so
# timestamps are in use (this ss prints no "ts"/"sack" flags, even kernel to kernel).
case_negotiated() {
    local d=$E2E_DIR p=$E2E_PORT
    e2e_setup_tun tun144 169.254.144.1/24
    head -c 1048576 /dev/urandom >"$d/data"
    mkfifo "$d/in"
    e2e_spawn peer /dev/null "$d/got" socat -t 60 STDIO "TCP-LISTEN:$p,bind=169.254.144.1,reuseaddr"
    e2e_wait_for e2e_tcp_listening "$p" || { echo "socat did not listen"; return 1; }
    e2e_spawn ours "$d/in" /dev/null "$E2E_BUILD/tcp_ipv4" -t "$E2E_RTO" 169.254.144.1 "$p"
    # Our stdin stays open (fd 3) after the data, so the connection is still up for ss
    # (in FIN_WAIT_2 on the kernel side: socat's stdin is empty).
    exec 3>"$d/in"
    cat "$d/data" >&3
    local info="" _
    for _ in $(seq 200); do
        [ "$(stat -c %s "$d/got")" = 1048576 ] && break
        sleep 0.05
    done
    info=$(ss -tiHn state connected "sport = :$p")
    exec 3>&-
    # shellcheck disable=SC2154 # E2E_PID_* are set by e2e_spawn
    wait "$E2E_PID_ours" || { echo "our end failed"; return 1; }
    # shellcheck disable=SC2154
    wait "$E2E_PID_peer" || { echo "socat failed"; return 1; }
    cmp -s "$d/data" "$d/got" || { echo "data differs"; return 1; }
    local want
    for want in 'wscale:5,' 'mss:1448'; do
        case $info in
            *"$want"*) ;;
            *) echo "kernel does not report '$want': $info"; return 1 ;;
        esac
    done
}

e2e_main "$@"
