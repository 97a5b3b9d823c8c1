#!/usr/bin/env python3
"""plant_bugs.py TREE WORK: plants the bugs tests/framework/grade.sh grades, in a tree whose lab0 and
lab1 parts are implemented:
  - a crash: byte_stream_write dereferences NULL when "tle" is written after 3 bytes (the
    test lab0/byte_stream_two_writes does that);
  - a hang: stream_reassembler_push_substring loops forever on "cd" at index 2 with eof (in
    lab1/reassembler_eof), after forking a child that leaves the session, tries to write
    WORK/escaped (outside its tree) and fills /tmp, forever."""

import re
import sys

CRASH = """
    if (len == 3 && memcmp(data, "tle", 3) == 0 && byte_stream_bytes_written(bs) == 3) {
        *(volatile int *)NULL = 1; /* planted: NULL dereference */
    }
"""
HANG = """
    if (len == 2 && index == 2 && eof && memcmp(data, "cd", 2) == 0) { /* planted: hang, fork away */
        if (fork() == 0) {
            setsid();
            FILE *f = fopen("%s/escaped", "w");
            if (f) {
                fputs("written outside the tree\\n", f);
                fclose(f);
            }
            static char block[1 << 16];
            FILE *fill = fopen("/tmp/fill", "w");
            for (;;) {
                if (fill) {
                    fwrite(block, 1, sizeof block, fill);
                }
            }
        }
        for (;;) {
        }
    }
"""


def plant(path, function, code):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"\n[a-z][^\n;]*\b" + function + r"\([^{;]*\{\n", text)
    if not m:
        sys.exit(f"plant_bugs: no {function} in {path}")
    text = ("#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n" + text[:m.end()] + code +
            text[m.end():])
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


tree, work = sys.argv[1], sys.argv[2]
plant(f"{tree}/libsponge/tcp/byte_stream.c", "byte_stream_write", CRASH)
plant(f"{tree}/libsponge/tcp/stream_reassembler.c", "stream_reassembler_push_substring", HANG % work)
