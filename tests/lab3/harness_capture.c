/* The failure capture of the TCP step harness: a failing sender test case leaves one pcap file
 * named after it in the capture directory (SPONGE_CAPTURE_DIR, by default the build directory's
 * captures/), stamped with the simulated time, without making the sender-only unit look like it
 * advertises a zero window, and its report quotes the rule it cites; the next run replaces it and
 * a passing run removes it. Each case runs in a child process; the file it leaves is read back
 * here. */

#include "child_run.h"
#include "sender_expect.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VICTIM_FILE "harness_capture_victim_L3_R22.pcap"
#define UNIT_ADDR 0xa9fe9009u /* 169.254.144.9, as tcp_capture.h says */

struct scenario {
    const char *dir; /* SPONGE_CAPTURE_DIR for the child; NULL: unset (the default directory) */
    uint64_t later_ms;
    bool fail;
};

/* The sender's first segment at 0 ms, the peer's ACK at later_ms. Only the first segment is
 * asked of the sender, so the case runs the same on any sender that opens with a segment. */
static void victim(void *arg) {
    const struct scenario *s = arg;
    if (s->dir) {
        setenv("SPONGE_CAPTURE_DIR", s->dir, 1);
    } else {
        unsetenv("SPONGE_CAPTURE_DIR");
    }
    struct sender_test t;
    sender_test_begin(&t, "harness capture victim [L3.R22]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t);
    TIME_PASSES(&t, s->later_ms);
    ACK_ARRIVES(&t, 1, 1000);
    if (s->fail) {
        FAIL(&t.h, "a deliberate failure");
    }
    sender_test_end(&t);
}

static void run_victim(struct harness *h, struct child_result *r, const struct scenario *s) {
    STEP(h, "run the %s victim (capture directory %s, the ACK at %llu ms)", s->fail ? "failing" : "passing",
         s->dir ? s->dir : "by default", (unsigned long long)s->later_ms);
    if (!child_run(victim, (void *)s, r)) {
        FAIL(h, "could not run the child");
    }
    if (!child_exited_with(r, s->fail ? 1 : 0)) {
        FAIL(h, "the victim ended with wait status 0x%x, not exit %d; it printed:\n%s", (unsigned)r->status,
             s->fail ? 1 : 0, r->output);
    }
}

static void expect_output(struct harness *h, const struct child_result *r, const char *needle) {
    STEP(h, "the failure report contains \"%s\"", needle);
    if (!strstr(r->output, needle)) {
        FAIL(h, "\"%s\" is missing from what the failing test printed:\n%s", needle, r->output);
    }
}

static bool file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static unsigned entries_in(const char *dir) {
    unsigned n = 0;
    DIR *d = opendir(dir);
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
        }
        closedir(d);
    }
    return n;
}

/* Reads the capture at `path` and checks it holds the victim's two segments at their simulated
 * times: the unit's first without ACK and with a non-zero window, then the peer's ACK. */
static void check_capture(struct harness *h, const char *path, uint64_t later_ms) {
    char err[PCAP_ERRBUF_SIZE];
    STEP(h, "read %s", path);
    pcap_t *p = pcap_open_offline(path, err);
    if (!p) {
        FAIL(h, "cannot read the capture: %s", err);
    }
    unsigned count = 0;
    struct pcap_pkthdr *hdr;
    const u_char *bytes;
    while (pcap_next_ex(p, &hdr, &bytes) == 1) {
        harness_note(h, "packet %u", count + 1);
        if (count == 2) {
            pcap_close(p);
            FAIL(h, "more than the two segments of the victim");
        }
        bool from_unit = count == 0;
        uint64_t usec = (uint64_t)hdr->ts.tv_sec * 1000000u + (uint64_t)hdr->ts.tv_usec;
        EXPECT_EQ(h, "timestamp (us), the simulated time", from_unit ? 0 : later_ms * 1000, usec);
        struct ipv4_header ip;
        size_t off;
        struct tcp_segment seg;
        EXPECT_EQ(h, "IPv4 header parses", SPONGE_OK, ipv4_header_parse(bytes, hdr->caplen, &ip, &off));
        EXPECT_EQ(h, "TCP segment parses", SPONGE_OK,
                  tcp_segment_parse(bytes + off, ip.total_len - off, ip.src, ip.dst, true, &seg));
        EXPECT_BOOL(h, "sent by the unit", from_unit, ip.src == UNIT_ADDR);
        if (from_unit) {
            EXPECT_BOOL(h, "ACK flag of a sender-only unit's segment", false, seg.header.ack);
            EXPECT_TRUE(h, "the sender-only unit's window is not 0", seg.header.win != 0);
        } else {
            EXPECT_BOOL(h, "ACK flag of the peer's ack", true, seg.header.ack);
            EXPECT_EQ(h, "window of the peer's ack", 1000, seg.header.win);
        }
        count++;
    }
    pcap_close(p);
    EXPECT_EQ(h, "segments in the capture", 2, count);
}

int main(void) {
    struct harness h;
    struct child_result *r = malloc(sizeof *r);
    char dir[] = "/tmp/sponge-capture-test-XXXXXX";
    char path[sizeof dir + sizeof VICTIM_FILE + 1];
    if (!r || !mkdtemp(dir)) {
        fprintf(stderr, "cannot set up: out of memory or no temporary directory\n");
        return 1;
    }
    snprintf(path, sizeof path, "%s/%s", dir, VICTIM_FILE);

    harness_begin(&h,
                  "harness capture: a failing case leaves <test name>.pcap stamped with the simulated time [L3.R22]");
    run_victim(&h, r, &(struct scenario){dir, 250, true});
    char line[sizeof "capture: " + sizeof path];
    snprintf(line, sizeof line, "capture: %s", path);
    expect_output(&h, r, line);
    expect_output(&h, r, "checks L3.R22: A failing sender or connection step test writes");
    check_capture(&h, path, 250);
    harness_end(&h);

    harness_begin(&h, "harness capture: the next failing run replaces the capture [L3.R22]");
    run_victim(&h, r, &(struct scenario){dir, 500, true});
    check_capture(&h, path, 500);
    EXPECT_EQ(&h, "files in the capture directory", 1, entries_in(dir));
    harness_end(&h);

    harness_begin(&h, "harness capture: a passing run removes the capture of its failed run [L3.R22]");
    run_victim(&h, r, &(struct scenario){dir, 500, false});
    EXPECT_BOOL(&h, "the capture file exists", false, file_exists(path));
    harness_end(&h);
    rmdir(dir);

    harness_begin(&h, "harness capture: by default captures go to the build directory's captures/ [L3.R22]");
#ifdef SPONGE_CAPTURE_DIR
    /* sized by the build directory's path, which may be long (the mutant check's is) */
    char default_line[sizeof "capture: /" + sizeof SPONGE_CAPTURE_DIR + sizeof VICTIM_FILE];
    snprintf(default_line, sizeof default_line, "capture: %s/%s", SPONGE_CAPTURE_DIR, VICTIM_FILE);
    run_victim(&h, r, &(struct scenario){NULL, 250, true});
    expect_output(&h, r, default_line);
    run_victim(&h, r, &(struct scenario){NULL, 250, false});
#else
    FAIL(&h, "SPONGE_CAPTURE_DIR (the default capture directory) is not defined for the harness");
#endif
    free(r);
    return harness_end(&h);
}
