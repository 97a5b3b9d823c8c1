#!/usr/bin/env python3
"""Kernel-side TCP ends of bench/wan.sh (plain Linux sockets).

  wan_peer.py recv ADDR PORT         listen on ADDR:PORT, take one connection, read it to EOF
  wan_peer.py send ADDR PORT BYTES   connect (retrying), send BYTES, half-close, wait for EOF

recv prints READY on stderr once listening. Each prints one line on stdout:
  RESULT side=kernel mode=MODE bytes=N elapsed_s=T gbps=G sha256=HEX
recv's time runs from accept() returning to the arrival of the last byte (not the FIN), so
every sender is timed alike whatever it does after its data; the SHA-256 is taken after.
send's time runs from connected to the peer's EOF (a cross-check only). The data sent are
pseudo-random (seeded by BYTES, generated before the clock starts). With TCP_CONGESTION set
in the environment, send uses that congestion control (setsockopt, root may pick any that
the kernel has, allowed or not).
"""
import os
import hashlib
import random
import socket
import sys
import time


def result(mode, n, elapsed, digest):
    gbps = n * 8 / elapsed / 1e9 if elapsed > 0 else 0.0
    print(f"RESULT side=kernel mode={mode} bytes={n} elapsed_s={elapsed:.6f} gbps={gbps:.4f} sha256={digest}",
          flush=True)


def recv(addr, port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    buf = bytearray(128 << 20)  # grows if needed
    buf[::4096] = bytes(len(range(0, len(buf), 4096)))  # touch every page before the clock runs
    view = memoryview(buf)
    print(f"READY {addr}:{port}", file=sys.stderr, flush=True)
    conn, _ = ls.accept()
    ls.close()
    t0 = last = time.perf_counter()
    n = 0
    while True:
        if n == len(buf):
            view.release()
            buf.extend(bytes(len(buf)))
            view = memoryview(buf)
        got = conn.recv_into(view[n:], min(len(buf) - n, 4 << 20))
        if got == 0:
            break
        last = time.perf_counter()
        n += got
    conn.close()
    result("recv", n, last - t0, hashlib.sha256(view[:n]).hexdigest())


def send(addr, port, nbytes):
    data = random.Random(nbytes).randbytes(nbytes)
    digest = hashlib.sha256(data).hexdigest()
    deadline = time.monotonic() + 15
    cc = os.environ.get("TCP_CONGESTION")
    while True:
        try:
            conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if cc:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
            conn.settimeout(5)
            conn.connect((addr, port))
            break
        except OSError:
            conn.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    conn.settimeout(None)
    t0 = time.perf_counter()
    conn.sendall(data)
    conn.shutdown(socket.SHUT_WR)
    while conn.recv(65536):
        pass
    elapsed = time.perf_counter() - t0
    conn.close()
    result("send", nbytes, elapsed, digest)


def main(args):
    if len(args) == 3 and args[0] == "recv":
        recv(args[1], int(args[2]))
    elif len(args) == 4 and args[0] == "send":
        send(args[1], int(args[2]), int(args[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
