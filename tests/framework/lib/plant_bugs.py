#!/usr/bin/env python3
"""plant_bugs.py TREE WORK: plants the bugs tests/framework/grade.sh grades, in a tree whose lab0 and
lab1 parts are implemented:
  - a crash: byte_stream_write dereferences NULL when "tle" is written after 3 bytes (the
    test lab0/byte_stream_two_writes does that);
  - a hang: stream_reassembler_push_substring loops forever on "cd" at index 2 with eof (in
    lab1/reassembler_eof), after forking a child that leaves the session, tries to write
    WORK/escaped (outside its tree) and fills /tmp, forever;
  - a partly broken unit: byte_stream_write refuses "ow" written after 6 bytes into a stream of
    capacity 3 (only the second of lab0/byte_stream_capacity's three cases writes that; no
    random test makes a stream of capacity 3), so that test passes 1 case of 3.

plant_bugs.py --cheat TREE: plants the exit(0) cheat instead: a constructor in
stream_reassembler.c that exits 0 before main, and an _exit(0) at the start of
byte_stream_init_reserve (for a test binary that does not link the reassembler), so that every test
binary of lab0 and lab1 exits 0 without running a case."""

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

PARTIAL = """
    if (len == 2 && memcmp(data, "ow", 2) == 0 && byte_stream_bytes_written(bs) == 6 &&
        byte_stream_remaining_capacity(bs) + byte_stream_buffer_size(bs) == 3) {
        return 0; /* planted: "ow" after 6 bytes into a stream of capacity 3 is refused */
    }
"""
CHEAT_CONSTRUCTOR = """
#include <stdlib.h>
__attribute__((constructor)) static void planted_cheat(void) {
    exit(0); /* planted: every test "passes" before main */
}
"""
CHEAT_EXIT = """
    _exit(0); /* planted: the test ends "passing" at its first case */
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


if sys.argv[1:2] == ["--cheat"]:
    tree = sys.argv[2]
    with open(f"{tree}/libsponge/tcp/stream_reassembler.c", "a", encoding="utf-8") as f:
        f.write(CHEAT_CONSTRUCTOR)
    plant(f"{tree}/libsponge/tcp/byte_stream.c", "byte_stream_init_reserve", CHEAT_EXIT)
else:
    tree, work = sys.argv[1], sys.argv[2]
    plant(f"{tree}/libsponge/tcp/byte_stream.c", "byte_stream_write", CRASH + PARTIAL)
    plant(f"{tree}/libsponge/tcp/stream_reassembler.c", "stream_reassembler_push_substring", HANG % work)
