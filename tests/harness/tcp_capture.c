/* The failure capture of the TCP step harness (tcp_capture.h): every segment of a test case
 * (arriving at the unit under test, or sent by it) is kept, serialized as an IPv4 datagram with
 * correct checksums, with the simulated time it was seen at; when the case fails, they are
 * written to a pcap file for Wireshark/tshark. The file is written with libpcap directly, not
 * adapters/pcap_file, because its records carry the simulated time, not the wall clock. */

#include "tcp_capture.h"
#include "wire/ipv4.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SPONGE_CAPTURE_DIR
#define SPONGE_CAPTURE_DIR "captures" /* relative to the working directory */
#endif

/* The last CAPTURE_PACKETS segments are kept (a long random test keeps its latest ones). */
#define CAPTURE_PACKETS 512
/* Addresses and default ports of the two ends in the capture. */
#define PEER_ADDR 0xa9fe9001u /* 169.254.144.1 */
#define UNIT_ADDR 0xa9fe9009u /* 169.254.144.9 */
#define PEER_PORT 40000
#define UNIT_PORT 9090
/* The window a sender-only unit's segments are recorded with (see CAPTURE_FROM_SENDER). */
#define SENDER_ONLY_WINDOW UINT16_MAX

struct tcp_capture {
    uint8_t *packet[CAPTURE_PACKETS];
    size_t len[CAPTURE_PACKETS];
    uint64_t at_ms[CAPTURE_PACKETS]; /* the simulated time it was recorded at */
    size_t count;                    /* recorded so far; the newest is packet[(count - 1) % CAPTURE_PACKETS] */
    bool sender_only;                /* a segment was recorded as CAPTURE_FROM_SENDER */
    char dir[400];
    char path[512]; /* dir/NAME.pcap */
};

static void capture_free(struct harness *h) {
    struct tcp_capture *c = h->extra;
    if (c) {
        for (size_t i = 0; i < CAPTURE_PACKETS; i++) {
            free(c->packet[i]);
        }
        free(c);
    }
    h->extra = NULL;
    h->on_fail = NULL;
    h->on_end = NULL;
}

/* The case passed: a capture left by an earlier failing run of it is out of date. */
static void capture_end(struct harness *h) {
    struct tcp_capture *c = h->extra;
    if (c && c->path[0]) {
        unlink(c->path);
    }
    capture_free(h);
}

/* Sets c->dir and c->path for the test case named `name`. */
static void capture_name(struct tcp_capture *c, const char *name) {
    const char *dir = getenv("SPONGE_CAPTURE_DIR");
    snprintf(c->dir, sizeof c->dir, "%s", dir && *dir ? dir : SPONGE_CAPTURE_DIR);
    char file[64];
    size_t n = 0;
    for (const char *p = name ? name : "test"; *p && n + 1 < sizeof file; p++) {
        bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        if (alnum) {
            file[n++] = *p;
        } else if (n > 0 && file[n - 1] != '_') {
            file[n++] = '_'; /* one '_' for each run of other characters */
        }
    }
    while (n > 0 && file[n - 1] == '_') {
        n--;
    }
    file[n] = '\0';
    snprintf(c->path, sizeof c->path, "%s/%s.pcap", c->dir, n ? file : "test");
}

/* Writes the kept segments to c->path, or returns false with a reason in `why`. */
static bool capture_dump(const struct tcp_capture *c, size_t first, char *why, size_t why_len) {
    if (mkdir(c->dir, 0777) != 0 && errno != EEXIST) {
        snprintf(why, why_len, "cannot create %s: %s", c->dir, strerror(errno));
        return false;
    }
    pcap_t *p = pcap_open_dead(DLT_RAW, 65535);
    if (!p) {
        snprintf(why, why_len, "pcap_open_dead failed");
        return false;
    }
    pcap_dumper_t *d = pcap_dump_open(p, c->path);
    if (!d) {
        snprintf(why, why_len, "cannot write %s: %s", c->path, pcap_geterr(p));
        pcap_close(p);
        return false;
    }
    for (size_t i = first; i < c->count; i++) {
        size_t slot = i % CAPTURE_PACKETS;
        struct pcap_pkthdr hdr;
        memset(&hdr, 0, sizeof hdr);
        hdr.ts.tv_sec = (time_t)(c->at_ms[slot] / 1000);
        hdr.ts.tv_usec = (suseconds_t)(c->at_ms[slot] % 1000 * 1000);
        hdr.caplen = hdr.len = (bpf_u_int32)c->len[slot];
        pcap_dump((u_char *)d, &hdr, c->packet[slot]);
    }
    pcap_dump_close(d);
    pcap_close(p);
    return true;
}

/* After the failure report: writes the capture and says where. */
static void capture_write(struct harness *h) {
    struct tcp_capture *c = h->extra;
    size_t first = c->count > CAPTURE_PACKETS ? c->count - CAPTURE_PACKETS : 0;
    char why[600];
    if (!capture_dump(c, first, why, sizeof why)) {
        fprintf(stderr, "  (could not write the segments to a pcap file: %s)\n", why);
    } else {
        fprintf(stderr,
                "  capture: %s (%s%zu segments, peer 169.254.144.1, unit 169.254.144.9, timestamps are the "
                "simulated time; open it in wireshark)\n",
                c->path, first ? "the last " : "", c->count - first);
        if (c->sender_only) {
            fprintf(stderr, "  (the unit is a sender only: its segments are shown without ACK and with window %u)\n",
                    SENDER_ONLY_WINDOW);
        }
    }
    capture_free(h);
}

void tcp_harness_record(struct harness *h, const struct tcp_segment *seg, enum capture_origin from) {
    struct tcp_capture *c = h->extra;
    if (!c) {
        if (h->on_fail) {
            return; /* another helper owns the failure hook */
        }
        c = calloc(1, sizeof *c);
        if (!c) {
            return; /* the capture is a debugging aid: without memory the test goes on without it */
        }
        capture_name(c, h->test_name);
        h->extra = c;
        h->on_fail = capture_write;
        h->on_end = capture_end;
    }
    bool from_peer = from == CAPTURE_FROM_PEER;
    struct tcp_segment s = *seg;
    if (s.header.sport == 0 && s.header.dport == 0) {
        s.header.sport = from_peer ? PEER_PORT : UNIT_PORT;
        s.header.dport = from_peer ? UNIT_PORT : PEER_PORT;
    }
    if (from == CAPTURE_FROM_SENDER) {
        s.header.ack = false;
        s.header.ackno = wrap32_of(0);
        s.header.win = SENDER_ONLY_WINDOW;
        c->sender_only = true;
    }
    uint32_t src = from_peer ? PEER_ADDR : UNIT_ADDR;
    uint32_t dst = from_peer ? UNIT_ADDR : PEER_ADDR;
    size_t tcp_len = tcp_header_length(&s.header) + byte_view2_len(&s.payload);
    if (tcp_len > UINT16_MAX - IPV4_MIN_HEADER_LEN) {
        return;
    }
    uint8_t *pkt = malloc(IPV4_MIN_HEADER_LEN + tcp_len);
    if (!pkt) {
        return;
    }
    struct ipv4_header ip;
    ipv4_header_init(&ip, IPV4_PROTO_TCP, src, dst, (uint16_t)tcp_len);
    ip.id = (uint16_t)c->count;
    size_t ip_len = 0, seg_len = 0;
    if (ipv4_header_serialize(&ip, pkt, IPV4_MIN_HEADER_LEN, &ip_len) != SPONGE_OK ||
        tcp_segment_serialize(&s, src, dst, pkt + ip_len, tcp_len, &seg_len) != SPONGE_OK) {
        free(pkt);
        return;
    }
    size_t slot = c->count % CAPTURE_PACKETS;
    free(c->packet[slot]);
    c->packet[slot] = pkt;
    c->len[slot] = ip_len + seg_len;
    c->at_ms[slot] = h->now_ms;
    c->count++;
}
