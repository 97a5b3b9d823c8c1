#include "adapters/pcap_file.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define PCAP_SNAPLEN 65535

enum sponge_err pcap_file_open(struct pcap_file *f, const char *path, enum pcap_link link, char *why) {
    memset(f, 0, sizeof *f);
    pcap_t *p = pcap_open_dead(link == PCAP_LINK_ETHERNET ? DLT_EN10MB : DLT_RAW, PCAP_SNAPLEN);
    if (!p) {
        if (why) {
            snprintf(why, 256, "pcap_open_dead failed");
        }
        return SPONGE_ERR_SYSTEM;
    }
    pcap_dumper_t *d = pcap_dump_open(p, path);
    if (!d) {
        if (why) {
            snprintf(why, 256, "cannot write %s: %s", path, pcap_geterr(p));
        }
        pcap_close(p);
        return SPONGE_ERR_SYSTEM;
    }
    f->pcap = p;
    f->dumper = d;
    return SPONGE_OK;
}

bool pcap_file_open_from_env(struct pcap_file *f, enum pcap_link link) {
    memset(f, 0, sizeof *f);
    const char *path = getenv("SPONGE_PCAP");
    if (!path || !*path) {
        return false;
    }
    char why[256];
    if (pcap_file_open(f, path, link, why) != SPONGE_OK) {
        fprintf(stderr, "SPONGE_PCAP: %s\n", why);
        exit(1);
    }
    return true;
}

static void write_record(struct pcap_file *f, const uint8_t *data, size_t caplen, size_t len) {
    struct pcap_pkthdr hdr;
    gettimeofday(&hdr.ts, NULL);
    hdr.caplen = (bpf_u_int32)(caplen < PCAP_SNAPLEN ? caplen : PCAP_SNAPLEN);
    hdr.len = (bpf_u_int32)len;
    pcap_dump((u_char *)f->dumper, &hdr, data);
    f->packets++;
}

void pcap_file_write(struct pcap_file *f, const struct byte_view *pieces, size_t npieces) {
    if (!f->dumper) {
        return;
    }
    uint8_t packet[PCAP_SNAPLEN];
    size_t caplen = 0;
    size_t len = 0;
    for (size_t i = 0; i < npieces; i++) {
        size_t n = pieces[i].len;
        if (caplen + n > sizeof packet) {
            n = sizeof packet - caplen; /* a truncated capture; the record's len keeps the real size */
        }
        if (n) {
            memcpy(packet + caplen, pieces[i].data, n);
        }
        caplen += n;
        len += pieces[i].len;
    }
    write_record(f, packet, caplen, len);
}

void pcap_file_write_bytes(struct pcap_file *f, const void *pkt, size_t len) {
    if (f->dumper) {
        write_record(f, pkt, len, len);
    }
}

bool pcap_file_is_open(const struct pcap_file *f) {
    return f->dumper != NULL;
}

void pcap_file_close(struct pcap_file *f) {
    if (f->dumper) {
        pcap_dump_close(f->dumper);
    }
    if (f->pcap) {
        pcap_close(f->pcap);
    }
    memset(f, 0, sizeof *f);
}
