#!/usr/bin/env python3
"""Writes the seed corpus tests/fuzz/corpus/<target>/ : a few small valid inputs per target,
in each target's input format (see tests/fuzz/targets/*.c). Run it again after changing a
format; the files are committed."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ttl=64, options=b""):
    ihl = 5 + len(options) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload), 1, 0x4000, ttl, proto, 0,
                    src.to_bytes(4, "big"), dst.to_bytes(4, "big")) + options
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(src, dst, payload):
    u = struct.pack("!HHHH", 1234, 80, 8 + len(payload), 0) + payload
    pseudo = struct.pack("!4s4sBBH", src.to_bytes(4, "big"), dst.to_bytes(4, "big"), 0, 17, len(u))
    c = csum(pseudo + u) or 0xFFFF
    return u[:6] + struct.pack("!H", c) + u[8:]


def tcp(flags, options=b"", payload=b""):
    off = (20 + len(options)) // 4
    return struct.pack("!HHIIBBHHH", 1000, 80, 12345, 678, off << 4, flags, 4000, 0, 0) + options + payload


def icmp(typ, code, rest):
    m = struct.pack("!BBH", typ, code, 0) + rest
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


ETH = bytes.fromhex("020000000001") + bytes.fromhex("020000000002")
ARP = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, bytes.fromhex("020000000002"), bytes([10, 0, 0, 2]),
                  bytes(6), bytes([10, 0, 0, 1]))

# tcp_pair: deliver the oldest queued segment each way, four times.
PAIR_FLUSH = (b"\x00\x00\x02" + b"\x01\x00\x02") * 4

seeds = {
    "parsers": [
        ipv4(0x0A000001, 0x0A000002, 17, udp(0x0A000001, 0x0A000002, b"hello")),
        ipv4(0x0A000001, 0x0A000002, 6, b"x" * 20, options=b"\x01\x01\x01\x00"),
        ETH + b"\x08\x06" + ARP,
        ETH + b"\x08\x00" + ipv4(0x0A000001, 0x0A000002, 17, udp(0x0A000001, 0x0A000002, b"")),
    ],
    "tcp_parse": [
        tcp(0x02, b"\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00\x01\x03\x03\x07"),
        tcp(0x18, b"\x01\x01\x05\x0a" + struct.pack("!II", 100, 200), b"data"),
        tcp(0x11),
        tcp(0x10, b"\x01\x01\x05\x22" + struct.pack("!8I", 1, 2, 3, 4, 5, 6, 7, 8)),
    ],
    # capacity (2 bytes), then (index u16, len u8, flags u8) ops
    "reassembler": [
        b"\x04\x00" + struct.pack("!HBB", 0, 10, 2) + struct.pack("!HBB", 10, 5, 3),
        b"\x01\x05" + struct.pack("!HBB", 5, 5, 0) + struct.pack("!HBB", 0, 5, 2) + struct.pack("!HBB", 8, 10, 3),
        b"\x00\x03" + struct.pack("!HBB", 1, 1, 0) + struct.pack("!HBB", 0, 3, 1) + struct.pack("!HBB", 0, 3, 2),
    ],
    # config: recv cap, send cap, max payload, rto (u16 each), retx u8, isn u32, peer base u32, active u8
    # ops: 0 segment (flags, seq off u16, ack off u16, win u16, len/8 u8), 1 tick u16, 2 write u16,
    #      3 read u16, 4 end input
    "tcp_connection": [
        struct.pack("!HHHHBIIB", 1000, 1000, 100, 1000, 8, 1000, 5000, 0)
        + b"\x00" + struct.pack("!BHHHB", 1, 0, 0, 1000, 0)       # SYN
        + b"\x00" + struct.pack("!BHHHB", 2, 1, 1, 1000, 4)       # ACK + 32 bytes
        + b"\x03" + struct.pack("!H", 100)                         # read
        + b"\x02" + struct.pack("!H", 50)                          # write
        + b"\x00" + struct.pack("!BHHHB", 10, 33, 51, 1000, 0)    # ACK + FIN
        + b"\x04" + b"\x01" + struct.pack("!H", 2000),
        struct.pack("!HHHHBIIB", 500, 500, 50, 100, 3, 0xFFFFFFF0, 0xFFFFFFFE, 1)
        + b"\x00" + struct.pack("!BHHHB", 3, 0, 1, 300, 1)        # SYN+ACK + 8 bytes
        + b"\x02" + struct.pack("!H", 400)
        + b"\x01" + struct.pack("!H", 150) + b"\x01" + struct.pack("!H", 300)
        + b"\x00" + struct.pack("!BHHHB", 4, 9, 0, 0, 0),         # RST
    ],
    # per side: recv cap, send cap, max payload, rto (u16), retx u8, isn u32; simultaneous-open u8;
    # ops: code (bit 0 side, (code >> 1) % 6: 0/1 deliver (pick, how), 2 tick, 3 write, 4 read, 5 end)
    "tcp_pair": [
        struct.pack("!HHHHBI", 2000, 2000, 500, 100, 8, 1) + struct.pack("!HHHHBI", 2000, 2000, 300, 100, 8, 2**32 - 5)
        + b"\x00" + PAIR_FLUSH + b"\x06" + struct.pack("!H", 1200) + PAIR_FLUSH * 2 + b"\x09" + struct.pack("!H", 2000)
        + PAIR_FLUSH + b"\x07" + struct.pack("!H", 700) + PAIR_FLUSH + b"\x08" + struct.pack("!H", 2000)
        + b"\x0a" + PAIR_FLUSH + b"\x0b" + PAIR_FLUSH * 2 + b"\x09\x00\x10" + b"\x04\xff" * 4,
        struct.pack("!HHHHBI", 100, 100, 10, 50, 3, 7) + struct.pack("!HHHHBI", 50, 50, 20, 50, 3, 9) + b"\x01"
        + PAIR_FLUSH + b"\x07" + struct.pack("!H", 80) + b"\x01\x01\x01" * 2 + b"\x05\x20" * 3 + PAIR_FLUSH * 3
        + b"\x08" + struct.pack("!H", 90),
    ],
    # config: mtu u16, pending, frames out, arp cap (u8); ops: 0 frame, 1 send, 2 tick, 3 drain
    "network_interface": [
        struct.pack("!HBBB", 1480, 4, 4, 4)
        + b"\x01" + bytes([1, 0, 3]) + b"\x01" + bytes([5, 0])                 # send to 10.0.0.2: ARP
        + b"\x03"
        + b"\x00" + bytes([1, 0, 1, 1, 5, 0, 3])                              # ARP reply from 10.0.0.2
        + b"\x03"
        + b"\x00" + bytes([2, 0, 1, 4, 3, 1, 64, 0, 0]) + b"\x02\x10\x00\x03",  # IPv4 to us; tick; drain
        struct.pack("!HBBB", 100, 1, 1, 1) + b"\x00" + bytes([0, 8]) + bytes(64) + b"\x02\xff\xff\x03",
    ],
    # config: mtu u16, pending, frames out, arp, rx queue (u8); routes; ops: 0 frame, 1 route, 2 tick, 3 drain
    "router": [
        struct.pack("!HBBBB", 1500, 4, 4, 4, 4) + bytes([2]) + bytes([1, 8, 2, 0]) + bytes([0, 0, 5, 3])
        + b"\x00" + bytes([0, 2, 0, 3, 4, 5, 3, 9, 0x21, 0]) + b"\x01\x01\x01\x00"  # IPv4 (option, reserved bit)
        + b"\x01\x03"
        + b"\x00" + bytes([1, 1, 1, 2, 1, 3, 0, 3]) + b"\x01\x03",           # ARP reply on port 1
        # ICMP on (rx queue byte 0x84): an echo request (extra bit 3) to the router's 10.0.0.1 from port 0,
        # TTL 1 UDP towards 10.0.2.1, then route, tick past the ARP timeout, drain
        struct.pack("!HBBBB", 1500, 4, 4, 4, 0x84) + bytes([1]) + bytes([3, 8, 4, 2])
        + b"\x00" + bytes([0, 2, 0, 2, 3, 0, 3, 64, 0x08, 0])
        + b"\x00" + bytes([0, 2, 0, 2, 3, 0, 9, 1, 0x00, 0]) + b"\x01\x03"
        + b"\x02\x08\x00" + b"\x03",
    ],
    "icmp": [
        icmp(8, 0, struct.pack("!HH", 0x6c43, 1) + b"sponge ping data"),
        icmp(0, 0, struct.pack("!HH", 7, 9) + b"abc"),
        icmp(11, 0, bytes(4) + ipv4(0x0A000002, 0x0A000102, 17, udp(0x0A000002, 0x0A000102, b"probe"), ttl=1)),
        icmp(3, 4, struct.pack("!HH", 0, 1400) + ipv4(0x0A000002, 0x0A000102, 6, tcp(0x10))[:28]),
    ],
    # config: max_bytes / 64 (u16), max datagrams (u8), timeout ms (u16); ops: code (3 = tick u16),
    # fragment: key u8, offset in 8-byte units u16, length u16, flags (MF, version, option, whole length)
    "ipv4_reassembler": [
        struct.pack("!HBH", 4096, 4, 1000)
        + b"\x00" + struct.pack("!BHHB", 0, 0, 800, 1) + b"\x00" + struct.pack("!BHHB", 0, 200, 400, 0)
        + b"\x00" + struct.pack("!BHHB", 0, 100, 800, 1),                 # three fragments, out of order
        struct.pack("!HBH", 64, 2, 500)
        + b"\x00" + struct.pack("!BHHB", 1, 0, 1000, 1) + b"\x00" + struct.pack("!BHHB", 1, 0, 1000, 1)
        + b"\x00" + struct.pack("!BHHB", 2, 10, 800, 3) + b"\x00" + struct.pack("!BHHB", 3, 5, 80, 1)
        + b"\x03" + struct.pack("!H", 600) + b"\x00" + struct.pack("!BHHB", 1, 125, 10, 0),
        struct.pack("!HBH", 2048, 8, 30000)
        + b"\x00" + struct.pack("!BHHB", 0, 8000, 1480, 8) + b"\x00" + struct.pack("!BHHB", 2, 0, 1480, 5)
        + b"\x00" + struct.pack("!BHHB", 2, 185, 100, 0) + b"\x00" + struct.pack("!BHHB", 2, 190, 7, 1),
    ],
}

for target, inputs in seeds.items():
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for i, data in enumerate(inputs):
        with open(os.path.join(d, "seed%d" % i), "wb") as f:
            f.write(data)
