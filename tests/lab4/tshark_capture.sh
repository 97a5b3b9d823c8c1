#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# SPONGE_PCAP checked by tshark: one transfer (64 KiB each way) with our end writing every
# datagram it sends and receives to a pcap file; tshark (with checksum validation on) must
# find every IPv4 and TCP checksum good, and its reassembled TCP stream must equal the bytes
# each side sent. Cases: our TCP on tun144 against the kernel (socat) as client and as
# server, our TCP in UDP (tcp_udp both ends; the capture is TCP in synthesized IPv4), and our
# TCP through our NetworkInterface on tap10 (tcp_ip_ethernet; an Ethernet capture, ARP too).
# Each case runs in its own network namespace (lib/netns.sh).
# rules: L4.R23
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
E2E_TOOLS=(socat tshark python3)
E2E_CASES=(
    "capture ipv4 client"
    "capture ipv4 server"
    "capture udp client"
    "capture eth client"
)
SIZE=65536

# check_capture PCAP CLIENT_SENT SERVER_SENT: prints the problems, returns 1 if any.
check_capture() {
    local pcap=$1 client_sent=$2 server_sent=$3 d=$E2E_DIR problems=""
    local -a opts=(-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE)
    local total good bad
    # Packets that carry IPv4 (an Ethernet capture also has the ARP exchange).
    total=$(tshark -r "$pcap" -Y ip 2>/dev/null | wc -l)
    # Wireshark's checksum status: 0 bad, 1 good, 2 unverified.
    bad=$(tshark -r "$pcap" "${opts[@]}" -Y 'tcp.checksum.status == 0 || ip.checksum.status == 0' 2>/dev/null | wc -l)
    good=$(tshark -r "$pcap" "${opts[@]}" -Y 'tcp.checksum.status == 1 && ip.checksum.status == 1' 2>/dev/null |
        wc -l)
    [ "$total" -ge 10 ] || problems+=" only $total packets captured;"
    [ "$bad" = 0 ] || problems+=" $bad packets with a bad checksum;"
    [ "$good" = "$total" ] || problems+=" $good of $total packets have both checksums verified good;"
    # The stream as tshark reassembles it; node 0 is the client (it sent the first SYN).
    # Raw follow output: one hex line per segment, the server's lines indented by a tab.
    tshark -r "$pcap" -q -z follow,tcp,raw,0 2>/dev/null >"$d/follow"
    python3 - "$d/follow" "$d/stream_client" "$d/stream_server" <<'EOF'
import sys
lines = open(sys.argv[1]).read().split("\n")
body = lines[lines.index(next(l for l in lines if l.startswith("Node 1:"))) + 1:]
client, server = bytearray(), bytearray()
for line in body:
    if line.startswith("="):
        break
    if line.startswith("\t"):
        server += bytes.fromhex(line.strip())
    elif line.strip():
        client += bytes.fromhex(line.strip())
open(sys.argv[2], "wb").write(client)
open(sys.argv[3], "wb").write(server)
EOF
    cmp -s "$client_sent" "$d/stream_client" ||
        problems+=" client->server stream in the capture is $(stat -c %s "$d/stream_client") bytes, not the $(stat -c %s "$client_sent") sent;"
    cmp -s "$server_sent" "$d/stream_server" ||
        problems+=" server->client stream in the capture is $(stat -c %s "$d/stream_server") bytes, not the $(stat -c %s "$server_sent") sent;"
    if [ -n "$problems" ]; then
        echo "$problems"
        echo "  first packets:"
        tshark -r "$pcap" "${opts[@]}" -c 6 2>/dev/null | sed 's/^/  /'
        return 1
    fi
    echo "NOTE: $total packets, checksums good, both streams reassembled by tshark equal the data sent"
}

# case_capture KIND ROLE: KIND ipv4 (ours on tun144 against socat) or udp (tcp_udp both ends);
# ROLE is our end's role.
case_capture() {
    local kind=$1 role=$2 d=$E2E_DIR b=$E2E_BUILD p=$E2E_PORT
    head -c "$SIZE" /dev/urandom >"$d/data_ours"
    head -c "$SIZE" /dev/urandom >"$d/data_peer"
    local -a our_cmd peer_cmd ready
    case $kind/$role in
        ipv4/client)
            e2e_setup_tun tun144 169.254.144.1/24
            peer_cmd=(socat -t 60 STDIO "TCP-LISTEN:$p,bind=169.254.144.1,reuseaddr")
            our_cmd=("$b/tcp_ipv4" -t "$E2E_RTO" 169.254.144.1 "$p")
            ready=(e2e_tcp_listening "$p")
            ;;
        ipv4/server)
            e2e_setup_tun tun144 169.254.144.1/24
            our_cmd=("$b/tcp_ipv4" -l -t "$E2E_RTO" 169.254.144.9 "$p")
            peer_cmd=(socat -t 60 STDIO "TCP:169.254.144.9:$p")
            ready=(e2e_tun_attached tun144)
            ;;
        eth/client)
            e2e_setup_tap tap10 169.254.10.1/24
            peer_cmd=(socat -t 60 STDIO "TCP-LISTEN:$p,bind=169.254.10.1,reuseaddr")
            our_cmd=("$b/tcp_ip_ethernet" -t "$E2E_RTO" 169.254.10.1 "$p")
            ready=(e2e_tcp_listening "$p")
            ;;
        udp/client)
            peer_cmd=("$b/tcp_udp" -l -t "$E2E_RTO" 127.0.0.1 "$p")
            our_cmd=("$b/tcp_udp" -t "$E2E_RTO" 127.0.0.1 "$p")
            ready=(e2e_udp_bound "$p")
            ;;
        *) echo "bad case $kind $role"; return 1 ;;
    esac
    if [ "$role" = server ]; then
        SPONGE_PCAP=$d/ours.pcap e2e_spawn ours "$d/data_ours" "$d/got_ours" "${our_cmd[@]}"
        e2e_wait_for "${ready[@]}" || { echo "our server did not come up"; return 1; }
        e2e_spawn peer "$d/data_peer" "$d/got_peer" "${peer_cmd[@]}"
    else
        e2e_spawn peer "$d/data_peer" "$d/got_peer" "${peer_cmd[@]}"
        e2e_wait_for "${ready[@]}" || { echo "the peer did not come up"; return 1; }
        SPONGE_PCAP=$d/ours.pcap e2e_spawn ours "$d/data_ours" "$d/got_ours" "${our_cmd[@]}"
    fi
    local rc_ours=0 rc_peer=0
    # shellcheck disable=SC2154 # E2E_PID_* are set by e2e_spawn (printf -v)
    wait "$E2E_PID_ours" || rc_ours=$?
    # shellcheck disable=SC2154
    wait "$E2E_PID_peer" || rc_peer=$?
    if [ "$rc_ours" != 0 ] || [ "$rc_peer" != 0 ] || ! cmp -s "$d/data_ours" "$d/got_peer" ||
        ! cmp -s "$d/data_peer" "$d/got_ours"; then
        echo "the transfer itself failed (our end exited $rc_ours, the peer $rc_peer)"
        tail -n 5 "$d/ours.err" "$d/peer.err"
        return 1
    fi
    if [ "$role" = client ]; then
        check_capture "$d/ours.pcap" "$d/data_ours" "$d/data_peer"
    else
        check_capture "$d/ours.pcap" "$d/data_peer" "$d/data_ours"
    fi
}

e2e_main "$@"
