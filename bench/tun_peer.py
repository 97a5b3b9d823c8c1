#!/usr/bin/env python3
"""Kernel-side TCP peer for bench/tun.sh (plain Linux sockets), with the CPU time of its timed part.

  tun_peer.py recv HOST PORT BYTES   listen, accept one, read to EOF into a pre-faulted buffer
  tun_peer.py send HOST PORT BYTES   connect (retrying up to 15 s), send, half-close, wait for EOF

Prints READY on stderr once listening (recv), and one stdout line
  RESULT side=kernel mode=M bytes=N elapsed_s=T gbps=G sha256=H cpu_user_s=U cpu_sys_s=S
where the time and CPU cover accept..EOF (recv) or connect..the peer's EOF (send); the data
(pseudo-random, generated before) and the hash (computed after) are outside them.
"""
import hashlib
import random
import resource
import socket
import sys
import time

CHUNK = 4 << 20


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime, r.ru_stime


def report(mode, n, t0, t1, c0, c1, digest):
    el = t1 - t0
    gbps = n * 8 / el / 1e9 if el > 0 else 0.0
    print(f"RESULT side=kernel mode={mode} bytes={n} elapsed_s={el:.6f} gbps={gbps:.3f} sha256={digest} "
          f"cpu_user_s={c1[0] - c0[0]:.3f} cpu_sys_s={c1[1] - c0[1]:.3f}", flush=True)


def recv(host, port, nbytes):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(1)
    buf = bytearray(nbytes + CHUNK)  # zero-filled, so its pages exist before the clock starts
    view = memoryview(buf)
    print("READY", file=sys.stderr, flush=True)
    conn, _ = ls.accept()
    ls.close()
    c0, t0 = cpu(), time.perf_counter()
    n = 0
    while n < len(buf):
        got = conn.recv_into(view[n:], min(CHUNK, len(buf) - n))
        if got == 0:
            break
        n += got
    t1, c1 = time.perf_counter(), cpu()
    conn.close()
    report("recv", n, t0, t1, c0, c1, hashlib.sha256(view[:n]).hexdigest())


def send(host, port, nbytes):
    data = random.Random(7).randbytes(nbytes) if nbytes < (1 << 28) else bytes(nbytes)
    deadline = time.monotonic() + 15
    while True:
        try:
            conn = socket.create_connection((host, port))
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    c0, t0 = cpu(), time.perf_counter()
    view = memoryview(data)
    for off in range(0, nbytes, CHUNK):
        conn.sendall(view[off:off + CHUNK])
    conn.shutdown(socket.SHUT_WR)
    while conn.recv(65536):
        pass
    t1, c1 = time.perf_counter(), cpu()
    conn.close()
    report("send", nbytes, t0, t1, c0, c1, hashlib.sha256(data).hexdigest())


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in ("recv", "send"):
        sys.exit(__doc__)
    (recv if sys.argv[1] == "recv" else send)(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
