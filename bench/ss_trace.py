#!/usr/bin/env python3
"""Samples a kernel TCP sender's congestion state with `ss -ti`, for bench/wan.sh's figures.

  ss_trace.py DST OUT [INTERVAL_MS]

Run inside the sender's network namespace. Every INTERVAL_MS (default 10) it runs
`ss -tinH dst DST` and, while a connection to DST is listed, appends one line to OUT in the
columns of our SPONGE_CC_TRACE files (libsponge/adapters/cc_trace.h), so one gnuplot script
draws both:
  time_ms cwnd_bytes inflight_bytes pacing_Bps delivery_Bps srtt_ms retransmissions
  bw_Bps min_rtt_ms bbr_state
time_ms counts from the first sample that saw the connection; cwnd and in flight are ss's
packet counts (cwnd, unacked) times its mss; bbr_state is -1 (ss does not show it). Runs
until SIGTERM or SIGINT.
"""
import re
import signal
import subprocess
import sys
import time

UNITS = {"bps": 1, "Kbps": 1e3, "Mbps": 1e6, "Gbps": 1e9}


def rate(text, name):
    m = re.search(name + r"[ :]([\d.]+)([KMG]?bps)", text)
    return int(float(m.group(1)) * UNITS[m.group(2)] / 8) if m else 0


def number(text, pattern, default=0.0):
    m = re.search(pattern, text)
    return float(m.group(1)) if m else default


def sample(dst):
    out = subprocess.run(["ss", "-tinH", "dst", dst], capture_output=True, text=True).stdout
    if "ESTAB" not in out:
        return None
    text = out.split("ESTAB", 2)[1]  # the first connection only
    mss = number(text, r"\bmss:(\d+)", 1448)
    return (int(number(text, r"\bcwnd:(\d+)") * mss), int(number(text, r"\bunacked:(\d+)") * mss),
            rate(text, "pacing_rate"), rate(text, "delivery_rate"), number(text, r"\brtt:([\d.]+)/"),
            int(number(text, r"\bretrans:\d+/(\d+)")), rate(text, r"bbr:\(bw"),
            number(text, r"\bminrtt:([\d.]+)"))


def main(args):
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    dst, path = args[0], args[1]
    interval = (int(args[2]) if len(args) == 3 else 10) / 1000
    running = [True]

    def stop(*_):
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    start = None
    with open(path, "w") as out:
        out.write("# time_ms cwnd_bytes inflight_bytes pacing_Bps delivery_Bps srtt_ms retransmissions "
                  "bw_Bps min_rtt_ms bbr_state (kernel, from ss -ti)\n")
        while running[0]:
            now = time.monotonic()
            s = sample(dst)
            if s is not None:
                start = now if start is None else start
                cwnd, inflight, pacing, delivery, srtt, retrans, bw, minrtt = s
                out.write(f"{int((now - start) * 1000)} {cwnd} {inflight} {pacing} {delivery} {srtt:.1f} "
                          f"{retrans} {bw} {minrtt:.1f} -1\n")
                out.flush()
            time.sleep(max(0.0, interval - (time.monotonic() - now)))


if __name__ == "__main__":
    main(sys.argv[1:])
