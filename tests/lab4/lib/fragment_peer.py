"""A peer that sends our stack (tcp_ipv4 -l on tun144, 169.254.144.9; with --ethernet
tcp_ip_ethernet -l on tap10, 169.254.10.9) TCP segments split into IPv4 fragments, for
tests/lab4/fragments_e2e.sh. It reuses hostile_peer.py's wire (an AF_PACKET socket on the
device: fragments reach our stack byte for byte, the kernel does not reassemble them) and its
connection bookkeeping. On tap10 the peer is 169.254.10.2 and sends its frames to the Ethernet
broadcast address (our NetworkInterface takes IPv4 sent there), so it needs no ARP of its own.

Run with Debian's python3 (python3-scapy): fragment_peer.py [options] SCENARIO. Prints one line
per check and, last, "expect-counters: name=N ..." (what our app's report must show); exits 1
with "FAIL: ..." on the first failed check. Scenarios:
  fragments  in order, reversed, shuffled with a repeated fragment: each acknowledged (our app
             gets the bytes); an overlapping set (its last fragment starts 8 bytes early with
             different bytes): no answer, then the segment unfragmented: acknowledged
  timeout    (our app runs with SPONGE_FRAG_TIMEOUT_MS=1000) a first fragment alone; after the
             timeout the last fragment alone (no answer: the first is gone); after another
             timeout the segment unfragmented: acknowledged
  echo       (our app is tcp_server, an echo server; no --fifo or --expect-out) a request in
             fragments, last first: the same bytes come back; then a clean close
"""

import argparse
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_peer  # noqa: E402
from hostile_peer import PACKET_OUTGOING, Conn, Wire, fail, ok, wait_attached  # noqa: E402

from scapy.layers.inet import IP, TCP  # noqa: E402
from scapy.packet import Raw, raw  # noqa: E402


class EthWire(Wire):
    """The AF_PACKET socket on a TAP device: IPv4 datagrams in Ethernet frames to broadcast."""

    HEADER = b"\xff" * 6 + bytes.fromhex("020000000a02") + b"\x08\x00"

    def send(self, data):
        return Wire.send(self, EthWire.HEADER + bytes(data))

    def recv(self, timeout, match):
        """As Wire.recv, for the IPv4 frames our stack sends (ARP and the rest skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                return None
            if addr[2] == PACKET_OUTGOING or len(data) < 34 or data[12:14] != b"\x08\x00":
                continue
            ip = IP(data[14:])
            if ip.src == hostile_peer.OUR_STACK and ip.haslayer(TCP) and match(ip):
                return ip


class FragConn(Conn):
    """A connection whose data segments can go out as IPv4 fragments."""

    next_id = random.randint(1, 30000)

    def fragments(self, payload, size, corrupt_overlap=False):
        """The data segment at SND.NXT as a list of fragment datagrams (bytes): its IP payload
        (TCP header + data) cut every `size` bytes (a multiple of 8). With corrupt_overlap, the
        last fragment starts 8 bytes early and carries different bytes there."""
        ip_payload = raw(self.seg("PA", payload=payload))[20:]  # the header has no options
        FragConn.next_id += 1
        pieces = []
        for off in range(0, len(ip_payload), size):
            chunk = ip_payload[off : off + size]
            start = off
            mf = off + size < len(ip_payload)
            if corrupt_overlap and not mf:
                start = off - 8
                chunk = b"OVERLAP!" + chunk
            pkt = IP(
                src=hostile_peer.PEER,
                dst=hostile_peer.OUR_STACK,
                proto=6,
                id=FragConn.next_id,
                flags="MF" if mf else 0,
                frag=start // 8,
            )
            pieces.append(raw(pkt / Raw(chunk)))
        return pieces

    def expect_acked(self, payload, what):
        want = (self.snd_nxt + len(payload)) % 2**32
        self.expect("ACK %d of %s" % (want, what), lambda t: t.ack == want)
        self.snd_nxt += len(payload)
        ok("%s (%d bytes) acknowledged" % (what, len(payload)))

    def send_pieces(self, pieces, order):
        for i in order:
            self.wire.send(pieces[i])


def data(tag, n):
    """n bytes of readable data starting with tag."""
    body = (tag + ":" + "".join(chr(ord("a") + i % 26) for i in range(n))).encode()
    return body[:n]


def scenario_fragments(wire, fifo):
    conn = FragConn(wire, ARGS.port)
    conn.handshake()
    got = b""

    a = data("in-order", 1400)
    pieces = conn.fragments(a, 400)
    conn.send_pieces(pieces, range(len(pieces)))
    conn.expect_acked(a, "a segment in %d fragments, in order" % len(pieces))
    got += a

    b = data("reversed", 1400)
    pieces = conn.fragments(b, 296)
    conn.send_pieces(pieces, reversed(range(len(pieces))))
    conn.expect_acked(b, "a segment in %d fragments, last first" % len(pieces))
    got += b

    c = data("shuffled", 1400)
    pieces = conn.fragments(c, 200)
    order = list(range(len(pieces) - 1))
    random.shuffle(order)
    order = order[:2] + [order[0]] + order[2:] + [len(pieces) - 1]  # a repeat of one, the last one last
    conn.send_pieces(pieces, order)
    conn.expect_acked(c, "a segment in %d fragments, shuffled, one sent twice" % len(pieces))
    got += c

    d = data("overlapped", 1200)
    pieces = conn.fragments(d, 400, corrupt_overlap=True)
    conn.send_pieces(pieces, range(len(pieces)))
    conn.expect_quiet("overlapping fragments")
    ok("overlapping fragments (8 different bytes in the overlap): no answer")
    conn.send(conn.seg("PA", payload=d))
    conn.expect_acked(d, "the same segment unfragmented")
    got += d

    conn.close(fifo)
    print("expect-counters: reassembled=3 overlap=1 duplicate=1 timeout=0", flush=True)
    return got


def scenario_timeout(wire, fifo):
    conn = FragConn(wire, ARGS.port)
    conn.handshake()
    e = data("timeout", 1200)
    pieces = conn.fragments(e, 608)
    wire.send(pieces[0])
    conn.expect_quiet("the first fragment alone")
    time.sleep(ARGS.timeout_s * 1.5)
    wire.send(pieces[1])
    conn.expect_quiet("the last fragment after the timeout")
    ok("first fragment, timeout, last fragment: no answer (the first was dropped)")
    time.sleep(ARGS.timeout_s * 1.5)
    conn.send(conn.seg("PA", payload=e))
    conn.expect_acked(e, "the segment unfragmented")
    conn.close(fifo)
    print("expect-counters: reassembled=0 timeout=2 in_progress=0", flush=True)
    return e


def scenario_echo(wire, _fifo):
    conn = FragConn(wire, ARGS.port)
    conn.handshake()
    req = data("echo-me", 1400)
    pieces = conn.fragments(req, 400)
    conn.send_pieces(pieces, reversed(range(len(pieces))))
    # The echo may come in several segments (we sent no MSS option: 536 bytes each), all within
    # the initial window: collect them before acknowledging (sending drains the socket).
    echoed = {}
    start = conn.rcv_nxt
    while sum(len(b) for b in echoed.values()) < len(req):
        ip = wire.recv(hostile_peer.ANSWER_S, lambda p: conn.mine(p) and len(p[TCP].payload) > 0)
        if ip is None:
            fail("echo: %d of %d bytes came back" % (sum(len(b) for b in echoed.values()), len(req)))
        echoed[(ip[TCP].seq - start) % 2**32] = bytes(ip[TCP].payload)
    got = b"".join(echoed[k] for k in sorted(echoed))
    if got != req:
        fail("echo: %d bytes came back, not the %d sent in fragments" % (len(got), len(req)))
    conn.snd_nxt += len(req)
    conn.rcv_nxt = start + len(req)
    ok("a request in %d fragments, last first: echoed back whole (%d bytes)" % (len(pieces), len(req)))
    # Our FIN: the server closes too; its ACK of our FIN and its FIN may come in one segment.
    conn.send(conn.seg("FA"))
    want = (conn.snd_nxt + 1) % 2**32
    t = conn.expect("ACK of our FIN", lambda t: t.ack == want)
    if not t.flags.F:
        t = conn.expect("FIN from the server", lambda t: t.flags.F)
    conn.snd_nxt += 1
    conn.rcv_nxt = t.seq + 1
    conn.send(conn.seg("A"))
    ok("clean close both ways")
    print("expect-counters: reassembled=1 overlap=0 timeout=0", flush=True)
    return req


SCENARIOS = {"fragments": scenario_fragments, "timeout": scenario_timeout, "echo": scenario_echo}


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default="tun144")
    ap.add_argument("--ethernet", action="store_true", help="our stack is tcp_ip_ethernet on --dev (tap10)")
    ap.add_argument("--port", type=int, default=9090)
    ap.add_argument("--fifo", help="our stack's stdin (a FIFO): closed to end its outbound stream")
    ap.add_argument("--expect-out", help="file to write what our stack must have received")
    ap.add_argument("--timeout-s", type=float, default=1.0, help="our stack's reassembly timeout")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SPONGE_SEED", random.randrange(2**31))))
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ARGS = ap.parse_args()
    random.seed(ARGS.seed)
    print("fragment_peer: scenario %s, seed %d" % (ARGS.scenario, ARGS.seed), flush=True)
    if ARGS.ethernet:
        # hostile_peer's Conn and Wire read these module globals: the tap10 addresses instead.
        hostile_peer.OUR_STACK, hostile_peer.PEER = "169.254.10.9", "169.254.10.2"
    if ARGS.scenario != "echo" and (ARGS.fifo is None or ARGS.expect_out is None):
        ap.error("scenario %s needs --fifo and --expect-out" % ARGS.scenario)
    fifo = open(ARGS.fifo, "wb") if ARGS.fifo else None
    wait_attached(ARGS.dev)
    want = SCENARIOS[ARGS.scenario]((EthWire if ARGS.ethernet else Wire)(ARGS.dev), fifo)
    if ARGS.expect_out:
        with open(ARGS.expect_out, "wb") as f:
            f.write(want)


if __name__ == "__main__":
    main()
