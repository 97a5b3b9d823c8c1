/* The harness's failure capture: a connection scenario that fails on purpose (in a child
 * process) must end its report with the path of a pcap file holding the scenario's segments,
 * each a well-formed IPv4 datagram whose IPv4 and TCP checksums verify, stamped with the
 * simulated time (TICK advances it). */
#include "connection_steps.h"
#include "wire/ipv4.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child: an active open whose last expectation is wrong (the ackno must be 5003). */
static _Noreturn void failing_scenario(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(1000);
    conn_begin(&h, &c, "deliberately failing: SYN+ACK with data [L4.R23]", &cfg);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES);
    TICK(&h, &c, 250);
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .seqno = 5000, .ackno = 1001, .win = 1000, .payload = "hi");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(4242));
    exit(0); /* not reached when the harness works */
}

struct captured {
    bool from_peer;
    struct tcp_segment seg;
    uint8_t bytes[256];
};

int main(void) {
    struct harness h;
    harness_begin(&h, "harness capture: a failing scenario's segments in a pcap file [L4.R23]");
    char dir[] = "/tmp/sponge_capture_XXXXXX";
    if (!mkdtemp(dir)) {
        FAIL(&h, "mkdtemp failed");
    }
    char report_path[64];
    snprintf(report_path, sizeof report_path, "%s/report", dir);

    STEP(&h, "run the failing scenario in a child with SPONGE_CAPTURE_DIR=%s", dir);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("SPONGE_CAPTURE_DIR", dir, 1);
        if (!freopen(report_path, "w", stderr) || !freopen("/dev/null", "w", stdout)) {
            _exit(3);
        }
        failing_scenario();
    }
    int status = 0;
    EXPECT_TRUE(&h, "fork and wait succeed", pid > 0 && waitpid(pid, &status, 0) == pid);
    EXPECT_TRUE(&h, "the child exited", WIFEXITED(status));
    EXPECT_EQ(&h, "the child's exit status (a harness failure)", 1, WEXITSTATUS(status));

    STEP(&h, "find the capture's path in the failure report");
    FILE *report = fopen(report_path, "r");
    EXPECT_TRUE(&h, "the report can be read", report != NULL);
    char line[512], pcap_path[512] = "";
    bool fail_first = false;
    for (int n = 0; fgets(line, sizeof line, report); n++) {
        if (n == 0) {
            fail_first = strncmp(line, "FAIL: deliberately failing", 26) == 0;
        }
        const char *at = strstr(line, "capture: ");
        if (at) {
            sscanf(at + strlen("capture: "), "%511s", pcap_path);
        }
    }
    fclose(report);
    EXPECT_TRUE(&h, "the report starts with the FAIL line", fail_first);
    EXPECT_TRUE(&h, "the report names a capture file in SPONGE_CAPTURE_DIR", strncmp(pcap_path, dir, strlen(dir)) == 0);

    STEP(&h, "read %s", pcap_path);
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(pcap_path, err);
    EXPECT_TRUE(&h, "libpcap opens the capture", p != NULL);
    EXPECT_EQ(&h, "link type (raw IPv4)", DLT_RAW, pcap_datalink(p));
    struct captured got[4];
    size_t count = 0;
    struct pcap_pkthdr *hdr;
    const u_char *data;
    while (pcap_next_ex(p, &hdr, &data) == 1) {
        STEP(&h, "packet %zu: %u bytes", count + 1, hdr->caplen);
        EXPECT_TRUE(&h, "at most 3 packets", count < 3);
        EXPECT_TRUE(&h, "captured whole", hdr->caplen == hdr->len && hdr->caplen <= sizeof got[count].bytes);
        memcpy(got[count].bytes, data, hdr->caplen);
        struct ipv4_header ip;
        size_t off = 0;
        EXPECT_EQ(&h, "IPv4 header parses, checksum verified", SPONGE_OK,
                  ipv4_header_parse(got[count].bytes, hdr->caplen, &ip, &off));
        EXPECT_EQ(&h, "protocol", IPV4_PROTO_TCP, ip.protocol);
        EXPECT_EQ(&h, "TCP segment parses, checksum verified", SPONGE_OK,
                  tcp_segment_parse(got[count].bytes + off, ip.total_len - off, ip.src, ip.dst, true, &got[count].seg));
        got[count].from_peer = ip.src == 0xa9fe9001u;
        EXPECT_EQ(&h, "timestamp (us): the simulated time", count == 0 ? 0 : 250000,
                  (uint64_t)hdr->ts.tv_sec * 1000000u + (uint64_t)hdr->ts.tv_usec);
        EXPECT_EQ(&h, "the other end's address", got[count].from_peer ? 0xa9fe9009u : 0xa9fe9001u, ip.dst);
        count++;
    }
    pcap_close(p);
    EXPECT_EQ(&h, "packets in the capture", 3, count);
    EXPECT_TRUE(&h, "1: our SYN", !got[0].from_peer && got[0].seg.header.syn && !got[0].seg.header.ack);
    EXPECT_EQ(&h, "1: seqno", 1000, got[0].seg.header.seqno.raw);
    EXPECT_TRUE(&h, "2: the peer's SYN+ACK", got[1].from_peer && got[1].seg.header.syn && got[1].seg.header.ack);
    uint8_t payload[2] = {0, 0};
    size_t payload_len = byte_view2_len(&got[1].seg.payload);
    if (payload_len == 2) {
        byte_view2_copy(&got[1].seg.payload, payload);
    }
    EXPECT_BYTES(&h, "2: payload", "hi", 2, payload, payload_len);
    EXPECT_TRUE(&h, "3: our ACK", !got[2].from_peer && got[2].seg.header.ack && !got[2].seg.header.syn);
    EXPECT_EQ(&h, "3: ackno", 5003, got[2].seg.header.ackno.raw);

    unlink(pcap_path);
    unlink(report_path);
    rmdir(dir);
    return harness_end(&h);
}
