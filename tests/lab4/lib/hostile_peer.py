"""A hostile TCP peer for the hostile_*.sh tests: crafts with scapy what a normal kernel never
sends and checks how our stack (tcp_ipv4 -l on tun144, 169.254.144.9) answers.

Packets are written to and read from tun144 through an AF_PACKET socket bound to the device:
a packet sent there goes out of tun144 byte for byte (no checksum or length fixed up by the
kernel, unlike a raw IP socket) and is what our stack reads; what our stack writes arrives on
tun144 as input and the socket sees it. The hostile peer uses the address 169.254.144.2, which
the kernel does not own: the kernel drops our stack's answers to it silently (no RST of its own).

Run with Debian's python3 (python3-scapy): hostile_peer.py [options] SCENARIO. Prints one line
per check; exits 1 with "FAIL: ..." on the first failed check. Scenarios: malformed, window,
bogus_ack, rst_inwindow, syn_established, rst_window, rst_exact, synflood, synflood_unanswered,
spoofed_syn.
"""

import argparse
import os
import random
import socket
import subprocess
import sys
import time

from scapy.layers.inet import IP, TCP
from scapy.packet import Raw, raw

ETH_P_ALL = 3
PACKET_OUTGOING = 4
OUR_STACK = "169.254.144.9"
PEER = "169.254.144.2"
QUIET_S = 0.25  # how long "no answer" is watched for
ANSWER_S = 2.0  # how long an expected answer may take


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg, flush=True)


class Wire:
    """The AF_PACKET socket on the TUN device."""

    def __init__(self, dev):
        self.dev = dev
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind((dev, 0))

    def send(self, data):
        self.drain()
        try:
            self.sock.sendto(bytes(data), (self.dev, 0x0800))
            return True
        except OSError:
            return False  # device queue full or no reader attached: a lost packet

    def drain(self):
        """Discards what has arrived so far, so that an answer is matched to what we send next."""
        self.sock.setblocking(False)
        try:
            while True:
                self.sock.recv(65535)
        except BlockingIOError:
            pass
        finally:
            self.sock.setblocking(True)

    def recv(self, timeout, match):
        """The first packet from our stack for which match(ip) holds, or None after timeout."""
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
            if addr[2] == PACKET_OUTGOING or len(data) < 20 or data[0] >> 4 != 4:
                continue
            ip = IP(data)
            if ip.src == OUR_STACK and ip.haslayer(TCP) and match(ip):
                return ip


class Conn:
    """One connection of the hostile peer to our stack, tracking both sequence spaces."""

    def __init__(self, wire, port):
        self.wire = wire
        self.port = port
        self.sport = random.randint(20000, 60000)
        self.snd_nxt = random.getrandbits(32)
        self.rcv_nxt = None
        self.snd_una_peer = None  # our stack's SND.NXT as far as we know

    def seg(self, flags, seq=None, ack=None, payload=b"", **kw):
        seq = self.snd_nxt if seq is None else seq
        ack = (self.rcv_nxt or 0) if ack is None else ack
        pkt = IP(src=PEER, dst=OUR_STACK) / TCP(
            sport=self.sport, dport=self.port, flags=flags, seq=seq % 2**32, ack=ack % 2**32, window=65535, **kw
        )
        if payload:
            pkt = pkt / Raw(payload)
        return pkt

    def send(self, pkt):
        self.wire.send(raw(pkt))

    def mine(self, ip):
        return ip.dst == PEER and ip[TCP].dport == self.sport

    def expect(self, what, cond, timeout=ANSWER_S):
        ip = self.wire.recv(timeout, lambda p: self.mine(p) and cond(p[TCP]))
        if ip is None:
            fail("no answer: expected " + what)
        return ip[TCP]

    def expect_quiet(self, what, timeout=QUIET_S):
        ip = self.wire.recv(timeout, self.mine)
        if ip is not None:
            fail("%s: expected no answer, got %s" % (what, ip[TCP].summary()))

    def handshake(self):
        self.send(self.seg("S"))
        synack = self.expect("SYN+ACK", lambda t: t.flags.S and t.flags.A)
        if synack.ack != (self.snd_nxt + 1) % 2**32:
            fail("SYN+ACK acknowledges %d, expected %d" % (synack.ack, self.snd_nxt + 1))
        self.snd_nxt += 1
        self.rcv_nxt = synack.seq + 1
        self.snd_una_peer = self.rcv_nxt
        self.send(self.seg("A"))
        ok("handshake with our stack from port %d" % self.sport)

    def send_data(self, payload, what):
        """Sends in-order data and checks that exactly it is acknowledged."""
        self.send(self.seg("PA", payload=payload))
        want = (self.snd_nxt + len(payload)) % 2**32
        self.expect("ACK %d of %s" % (want, what), lambda t: t.ack == want)
        self.snd_nxt += len(payload)
        ok("%s (%d bytes) acknowledged" % (what, len(payload)))

    def expect_ack_unchanged(self, what):
        """The answer to a segment that must be dropped: an ACK of RCV.NXT, no RST."""
        want = self.snd_nxt % 2**32
        t = self.expect("an ACK of %d to %s" % (want, what), lambda t: t.flags.A)
        if t.flags.R or t.flags.S or t.ack != want:
            fail("%s: answered with %s, expected a plain ACK of %d" % (what, t.summary(), want))
        ok("%s: answered with an ACK of %d, not accepted" % (what, want))

    def close(self, fifo):
        """Our FIN, then the end of the server's stdin: its FIN, which we acknowledge."""
        self.send(self.seg("FA"))
        want = (self.snd_nxt + 1) % 2**32
        self.expect("ACK of our FIN", lambda t: t.ack == want)
        self.snd_nxt += 1
        fifo.close()
        fin = self.expect("FIN from our stack", lambda t: t.flags.F)
        self.rcv_nxt = fin.seq + len(fin.payload) + 1
        self.send(self.seg("A"))
        ok("clean close both ways")


def malformed_variants(conn):
    """(name, counter, bytes): a data segment at the right seqno, broken one way each."""
    good = conn.seg("PA", payload=b"EVIL")

    def fixed_ip(b):
        """Recomputes the IPv4 header checksum of bytes b (header length from IHL)."""
        b = bytearray(b)
        hl = (b[0] & 0x0F) * 4
        b[10:12] = b"\0\0"
        s = sum(int.from_bytes(b[i : i + 2], "big") for i in range(0, hl, 2))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        b[10:12] = (~s & 0xFFFF).to_bytes(2, "big")
        return bytes(b)

    def with_opts(opts):
        """The segment with a 4-byte option area holding opts (checksums right)."""
        pkt = IP(src=PEER, dst=OUR_STACK) / TCP(
            sport=conn.sport,
            dport=conn.port,
            flags="PA",
            seq=conn.snd_nxt % 2**32,
            ack=conn.rcv_nxt,
            window=65535,
            dataofs=6,
        )
        return raw(pkt / Raw(opts + b"EVIL"))

    g = bytearray(raw(good))
    v = []
    b = bytearray(g)
    b[10] ^= 0xFF
    v.append(("bad IP checksum", "bad_ip", bytes(b)))
    b = bytearray(g)
    b[20 + 16] ^= 0xFF
    v.append(("bad TCP checksum", "bad_checksum", bytes(b)))
    v.append(("IP header cut to 12 bytes", "bad_ip", bytes(g[:12])))
    b = bytearray(g)
    b[0] = 0x44  # IHL 4: 16 bytes
    v.append(("IHL 4 (header too short)", "bad_ip", fixed_ip(b)))
    b = bytearray(g)
    b[0] = 0x4F  # IHL 15: 60 bytes, the datagram has 44
    v.append(("IHL 15 (header longer than the datagram)", "bad_ip", bytes(b)))
    b = bytearray(g)
    b[2:4] = (len(g) + 100).to_bytes(2, "big")
    v.append(("IP total length 100 past the end", "bad_ip", fixed_ip(b)))
    b = bytearray(g)
    b[0] = 0x65
    v.append(("IP version 6 in an IPv4 header", "bad_ip", bytes(b)))
    b = bytearray(g[:30])
    b[2:4] = (30).to_bytes(2, "big")
    v.append(("TCP header cut to 10 bytes", "bad_tcp", fixed_ip(b)))
    v.append(
        (
            "TCP data offset 4",
            "bad_tcp",
            raw(
                IP(src=PEER, dst=OUR_STACK)
                / TCP(sport=conn.sport, dport=conn.port, flags="PA", seq=conn.snd_nxt % 2**32, ack=conn.rcv_nxt, dataofs=4)
                / Raw(b"EVIL")
            ),
        )
    )
    v.append(
        (
            "TCP data offset 15 (past the segment)",
            "bad_tcp",
            raw(
                IP(src=PEER, dst=OUR_STACK)
                / TCP(sport=conn.sport, dport=conn.port, flags="PA", seq=conn.snd_nxt % 2**32, ack=conn.rcv_nxt, dataofs=15)
                / Raw(b"EVIL")
            ),
        )
    )
    v.append(("option with length 0", "bad_tcp", with_opts(b"\x08\x00\x01\x01")))
    v.append(("option with length 1", "bad_tcp", with_opts(b"\x01\x02\x01\x00")))
    v.append(("option running past the header", "bad_tcp", with_opts(b"\x01\x01\x08\x0a")))
    v.append(("MSS option with length 3", "bad_tcp", with_opts(b"\x02\x03\x05\x00")))
    v.append(("window scale option with length 4", "bad_tcp", with_opts(b"\x03\x04\x07\x00")))
    return v


def scenario_malformed(wire, args, fifo):
    conn = Conn(wire, args.port)
    conn.handshake()
    conn.send_data(b"before-", "data before the malformed segments")
    counts = {"bad_ip": 0, "bad_tcp": 0, "bad_checksum": 0}
    for name, counter, data in malformed_variants(conn):
        wire.send(data)
        conn.expect_quiet(name)
        counts[counter] += 1
        ok("%s: no answer" % name)
    conn.send_data(b"after", "data after the malformed segments")
    conn.close(fifo)
    print("expect-drops: " + " ".join("%s=%d" % kv for kv in sorted(counts.items())), flush=True)
    return b"before-after"


def scenario_window(wire, args, fifo):
    conn = Conn(wire, args.port)
    conn.handshake()
    conn.send_data(b"in-window", "data in the window")
    base = conn.snd_nxt
    conn.send(conn.seg("PA", seq=base + 200000, payload=b"FAR-AHEAD"))
    conn.expect_ack_unchanged("data 200000 bytes beyond RCV.NXT (past the window)")
    conn.send(conn.seg("PA", seq=base + 64000, payload=b"JUST-PAST"))
    conn.expect_ack_unchanged("data starting at RCV.NXT + 64000 (one past the window)")
    conn.send(conn.seg("PA", seq=base - 5000, payload=b"OLD"))
    conn.expect_ack_unchanged("old data 5000 bytes before RCV.NXT")
    conn.send(conn.seg("PA", seq=base + 2**31, payload=b"HALF-SPACE"))
    conn.expect_ack_unchanged("data half the sequence space away")
    conn.send_data(b"-still", "data after the out-of-window segments")
    conn.close(fifo)
    return b"in-window-still"


def scenario_bogus_ack(wire, args, fifo):
    conn = Conn(wire, args.port)
    conn.handshake()
    conn.send_data(b"hello", "data")
    conn.send(conn.seg("PA", ack=conn.rcv_nxt + 1000, payload=b"ACKS-THE-FUTURE"))
    conn.expect_ack_unchanged("data acknowledging 1000 bytes never sent")
    conn.send(conn.seg("A", ack=conn.rcv_nxt + 2**30))
    conn.expect_ack_unchanged("a bare ACK 2^30 bytes ahead")
    conn.send_data(b" world", "data after the bogus ACKs")
    conn.close(fifo)
    return b"hello world"


def scenario_rst_inwindow(wire, args, fifo):
    conn = Conn(wire, args.port)
    conn.handshake()
    conn.send_data(b"one", "data")
    for off in (1, 1000, 63999):
        conn.send(conn.seg("R", seq=conn.snd_nxt + off))
        conn.expect_ack_unchanged("RST at RCV.NXT + %d (challenge ACK, RFC 5961 3.2)" % off)
    conn.send(conn.seg("R", seq=conn.snd_nxt + 70000))
    conn.expect_quiet("RST outside the window")
    ok("RST outside the window: dropped silently")
    conn.send_data(b"-two", "data after the RSTs")
    conn.close(fifo)
    return b"one-two"


def scenario_syn_established(wire, args, fifo):
    conn = Conn(wire, args.port)
    conn.handshake()
    conn.send_data(b"abc", "data")
    for what, seq in (
        ("at RCV.NXT", conn.snd_nxt),
        ("in the window", conn.snd_nxt + 100),
        ("far outside the window", conn.snd_nxt + 2**31),
    ):
        conn.send(conn.seg("S", seq=seq))
        conn.expect_ack_unchanged("SYN %s on an established connection (challenge ACK, RFC 5961 4.2)" % what)
    conn.send(conn.seg("SA", payload=b"SYN-DATA"))
    conn.expect_ack_unchanged("SYN+ACK with data on an established connection")
    conn.send_data(b"def", "data after the SYNs")
    conn.close(fifo)
    return b"abcdef"


def scenario_rst_window(wire, args, fifo):
    """Lab mode (RFC 793 p. 37): a RST counts if its seqno is in the window, wherever in it."""
    conn = Conn(wire, args.port)
    conn.handshake()
    conn.send_data(b"bye", "data")
    for what, seq in (("outside the window", conn.snd_nxt + 70000), ("before RCV.NXT", conn.snd_nxt - 1)):
        conn.send(conn.seg("R", seq=seq))
        conn.expect_quiet("RST " + what)
        ok("RST %s: dropped silently" % what)
    conn.send_data(b"!", "data after them")
    conn.send(conn.seg("R", seq=conn.snd_nxt + 1000))
    conn.expect_quiet("RST at RCV.NXT + 1000")
    ok("RST at RCV.NXT + 1000: no answer (the shell checks the app exits with a reset)")
    return b"bye!"


def scenario_rst_exact(wire, args, fifo):
    conn = Conn(wire, args.port)
    conn.handshake()
    conn.send_data(b"bye", "data")
    conn.send(conn.seg("R", seq=conn.snd_nxt + 1))
    conn.expect_ack_unchanged("RST at RCV.NXT + 1")
    conn.send(conn.seg("R"))
    conn.expect_quiet("RST at exactly RCV.NXT")
    ok("RST at exactly RCV.NXT: no answer (the shell checks the app exits with a reset)")
    return b"bye"


def syn_flood(wire, args, src):
    """args.count SYNs from random ports of `src` (seeded by args.seed); returns how many were written."""
    rng = random.Random(args.seed)
    template = IP(src=src, dst=OUR_STACK) / TCP(dport=args.port, flags="S", window=65535)
    sent = 0
    start = time.monotonic()
    for _ in range(args.count):
        template[TCP].sport = rng.randint(1024, 65535)
        template[TCP].seq = rng.getrandbits(32)
        template[TCP].chksum = None
        sent += wire.send(raw(template))
    return sent, time.monotonic() - start


def scenario_synflood(wire, args, fifo):
    """SYNs from random ports of 169.254.144.1, the kernel's own address: each SYN+ACK our
    stack answers is refused by the kernel with a RST, which sends our listener back to LISTEN."""
    sent, took = syn_flood(wire, args, "169.254.144.1")
    ok("flood: %d of %d SYNs written to %s in %.1f s (seed %d)" % (sent, args.count, wire.dev, took, args.seed))
    return None


def scenario_synflood_unanswered(wire, args, fifo):
    """SYNs from random ports of 169.254.144.77, an address nobody owns: our SYN+ACKs are never
    answered, not even with a RST, so every half-open connection stays until it times out."""
    sent, took = syn_flood(wire, args, "169.254.144.77")
    ok("unanswered flood: %d of %d SYNs from 169.254.144.77 written to %s in %.1f s (seed %d)"
       % (sent, args.count, wire.dev, took, args.seed))
    return None


def scenario_spoofed_syn(wire, args, fifo):
    """One SYN from 169.254.144.77, an address nobody owns: our SYN+ACK is never answered."""
    pkt = IP(src="169.254.144.77", dst=OUR_STACK) / TCP(sport=4444, dport=args.port, flags="S", seq=1, window=65535)
    wire.send(raw(pkt))
    ip = wire.recv(ANSWER_S, lambda p: p.dst == "169.254.144.77" and p[TCP].flags.S and p[TCP].flags.A)
    if ip is None:
        fail("no SYN+ACK to the spoofed SYN")
    ok("spoofed SYN answered with a SYN+ACK (now half-open)")
    return None


def wait_attached(dev):
    """Waits (10 s at most) until our stack has attached to the TUN device (carrier up)."""
    for _ in range(200):
        out = subprocess.run(["ip", "link", "show", "dev", dev], capture_output=True, text=True).stdout
        if "LOWER_UP" in out:
            return
        time.sleep(0.05)
    fail("our stack did not attach to " + dev)


SCENARIOS = {name[len("scenario_") :]: fn for name, fn in globals().items() if name.startswith("scenario_")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default="tun144")
    ap.add_argument("--port", type=int, default=9090)
    ap.add_argument("--fifo", help="our stack's stdin (a FIFO): closed to end its outbound stream")
    ap.add_argument("--expect-out", help="file to write what our stack must have received")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SPONGE_SEED", random.randrange(2**31))))
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    args = ap.parse_args()
    random.seed(args.seed)
    print("hostile_peer: scenario %s, seed %d" % (args.scenario, args.seed), flush=True)
    fifo = open(args.fifo, "wb") if args.fifo else None
    wait_attached(args.dev)
    wire = Wire(args.dev)
    want = SCENARIOS[args.scenario](wire, args, fifo)
    if args.expect_out and want is not None:
        with open(args.expect_out, "wb") as f:
            f.write(want)


if __name__ == "__main__":
    main()
