/* The failure capture of the TCP step harness: every segment of a test case (arriving at the
 * unit under test, or sent by it) is kept, serialized as an IPv4 datagram with correct
 * checksums; when the case fails, they are written to a pcap file for Wireshark/tshark. */

#include "tcp_capture.h"
#include "adapters/pcap_file.h"
#include "wire/ipv4.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The last CAPTURE_PACKETS segments are kept (a long random test keeps its latest ones). */
#define CAPTURE_PACKETS 512
/* Addresses and default ports of the two ends in the capture. */
#define PEER_ADDR 0xa9fe9001u /* 169.254.144.1 */
#define UNIT_ADDR 0xa9fe9009u /* 169.254.144.9 */
#define PEER_PORT 40000
#define UNIT_PORT 9090

struct tcp_capture {
    uint8_t *packet[CAPTURE_PACKETS];
    size_t len[CAPTURE_PACKETS];
    size_t count; /* recorded so far; the newest is packet[(count - 1) % CAPTURE_PACKETS] */
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

/* Writes the kept segments to $TMPDIR (or /tmp) and says where, after the failure report. */
static void capture_write(struct harness *h) {
    struct tcp_capture *c = h->extra;
    const char *dir = getenv("TMPDIR");
    char path[512];
    char name[64];
    size_t n = 0;
    for (const char *p = h->test_name ? h->test_name : "test"; *p && n + 1 < sizeof name; p++) {
        bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        if (alnum) {
            name[n++] = *p;
        } else if (n > 0 && name[n - 1] != '_') {
            name[n++] = '_'; /* one '_' for each run of other characters */
        }
    }
    while (n > 0 && name[n - 1] == '_') {
        n--;
    }
    name[n] = '\0';
    snprintf(path, sizeof path, "%s/sponge-%s-%ld.pcap", dir && *dir ? dir : "/tmp", name, (long)getpid());
    struct pcap_file f;
    char why[256];
    if (pcap_file_open(&f, path, PCAP_LINK_IPV4, why) != SPONGE_OK) {
        fprintf(stderr, "  (could not write the segments to a pcap file: %s)\n", why);
        capture_free(h);
        return;
    }
    size_t first = c->count > CAPTURE_PACKETS ? c->count - CAPTURE_PACKETS : 0;
    for (size_t i = first; i < c->count; i++) {
        pcap_file_write_bytes(&f, c->packet[i % CAPTURE_PACKETS], c->len[i % CAPTURE_PACKETS]);
    }
    pcap_file_close(&f);
    fprintf(stderr, "  capture: %s (%s%zu segments, peer 169.254.144.1, unit 169.254.144.9; open it in wireshark)\n",
            path, first ? "the last " : "", c->count - first);
    capture_free(h);
}

void tcp_harness_record(struct harness *h, const struct tcp_segment *seg, bool from_peer) {
    struct tcp_capture *c = h->extra;
    if (!c) {
        if (h->on_fail) {
            return; /* another helper owns the failure hook */
        }
        c = calloc(1, sizeof *c);
        if (!c) {
            return; /* the capture is a debugging aid: without memory the test goes on without it */
        }
        h->extra = c;
        h->on_fail = capture_write;
        h->on_end = capture_free;
    }
    struct tcp_segment s = *seg;
    if (s.header.sport == 0 && s.header.dport == 0) {
        s.header.sport = from_peer ? PEER_PORT : UNIT_PORT;
        s.header.dport = from_peer ? UNIT_PORT : PEER_PORT;
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
    c->count++;
}
