#include "net/ipv4_fragmenter.h"

#include <assert.h>
#include <string.h>

/* RFC 791 3.1: option types 0 (end of list) and 1 (no operation) are one byte long; every other
 * option has a length byte covering type, length and data. The copy flag is the type's top bit.
 * Keeps the options of `in` whose copy flag is set, padded with end-of-list bytes to a multiple
 * of 4. A malformed option ends the list (nothing after it can be trusted). */
static void copied_options(const struct ipv4_header *in, struct ipv4_header *out) {
    size_t n = 0;
    for (size_t i = 0; i < in->options_len;) {
        uint8_t type = in->options[i];
        if (type == 0) {
            break;
        }
        if (type == 1) {
            i++;
            continue;
        }
        if (i + 1 >= in->options_len) {
            break;
        }
        size_t len = in->options[i + 1];
        if (len < 2 || i + len > in->options_len) {
            break;
        }
        if (type & 0x80) {
            memcpy(out->options + n, in->options + i, len);
            n += len;
        }
        i += len;
    }
    while (n % 4) {
        out->options[n++] = 0;
    }
    memset(out->options + n, 0, sizeof out->options - n);
    out->options_len = (uint8_t)n;
    out->ihl = (uint8_t)((IPV4_MIN_HEADER_LEN + n) / 4);
}

bool ipv4_fragmenter_init(struct ipv4_fragmenter *f, const struct ipv4_datagram *d, size_t mtu) {
    assert(mtu >= IPV4_MIN_MTU && d->payload_len > 0);
    f->d = d;
    f->done = 0;
    f->later = d->header;
    copied_options(&d->header, &f->later);
    /* A header is at most 60 bytes, so an MTU of 68 leaves at least one 8-byte unit. */
    f->first_room = (mtu - (size_t)d->header.ihl * 4) / 8 * 8;
    f->later_room = (mtu - (size_t)f->later.ihl * 4) / 8 * 8;
    /* Every piece starts at a payload byte before the last one. */
    return d->header.frag_offset + (d->payload_len - 1) / 8 <= IPV4_MAX_FRAG_OFFSET;
}

bool ipv4_fragmenter_next(struct ipv4_fragmenter *f, struct ipv4_datagram *frag) {
    const struct ipv4_datagram *d = f->d;
    if (f->done == d->payload_len) {
        return false;
    }
    bool first = f->done == 0;
    size_t room = first ? f->first_room : f->later_room;
    size_t left = d->payload_len - f->done;
    size_t n = left < room ? left : room;
    bool last = n == left;
    frag->header = first ? d->header : f->later;
    frag->header.mf = last ? d->header.mf : true;
    frag->header.frag_offset = (uint16_t)(d->header.frag_offset + f->done / 8);
    frag->payload = d->payload + f->done;
    frag->payload_len = n;
    ipv4_datagram_seal(frag);
    f->done += n;
    return true;
}
