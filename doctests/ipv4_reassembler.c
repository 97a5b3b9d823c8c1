/* IPv4 fragment reassembly: a 1000-byte payload sent as two fragments, second one first. The
 * first push holds its fragment; the second returns the whole datagram, its payload in the
 * reassembler's storage until the next push. A datagram that is not a fragment passes through. */
#include "net/ipv4_reassembler.h"

#include <stdio.h>
#include <string.h>

/* Doctests run in Release builds too, where assert() is compiled out. */
#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "ipv4_reassembler doctest: %s failed (line %d)\n", #cond, __LINE__);                       \
            return 1;                                                                                                  \
        }                                                                                                              \
    } while (0)

/* Bytes [off, off + len) of payload as a fragment of datagram 42 from 10.0.0.1 to 10.0.0.2. */
static struct ipv4_datagram fragment(const uint8_t *payload, size_t off, size_t len, bool more) {
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, 0x0a000001, 0x0a000002, payload + off, len);
    d.header.id = 42;
    d.header.df = false;
    d.header.mf = more;
    d.header.frag_offset = (uint16_t)(off / 8); /* in 8-byte units */
    ipv4_datagram_seal(&d);
    return d;
}

int main(void) {
    uint8_t payload[1000];
    memset(payload, 'x', sizeof payload);
    struct ipv4_reassembler_config cfg = ipv4_reassembler_default_config();
    struct ipv4_reassembler r;
    CHECK(ipv4_reassembler_init(&r, &cfg) == SPONGE_OK);

    struct ipv4_datagram second = fragment(payload, 504, 496, false), first = fragment(payload, 0, 504, true);
    struct ipv4_datagram whole;
    CHECK(!ipv4_reassembler_push(&r, &second, &whole)); /* held */
    CHECK(ipv4_reassembler_in_progress(&r) == 1);
    CHECK(ipv4_reassembler_push(&r, &first, &whole)); /* complete */
    CHECK(whole.payload_len == 1000 && whole.header.total_len == 1020 && !whole.header.mf);
    CHECK(memcmp(whole.payload, payload, 1000) == 0);

    struct ipv4_datagram plain;
    ipv4_datagram_init(&plain, IPV4_PROTO_UDP, 0x0a000001, 0x0a000002, payload, 100);
    CHECK(ipv4_reassembler_push(&r, &plain, &whole) && whole.payload == payload);

    ipv4_reassembler_tick(&r, 30000); /* nothing partial left to time out */
    ipv4_reassembler_report(&r, stdout);
    putchar('\n');
    ipv4_reassembler_destroy(&r);
    return 0;
}
