/* Instructor-only (never exported; etc/grade.sh adds it): bytes before the SYN are ignored, and
 * a segment carrying SYN, payload and FIN at once is taken whole (RFC 793 section 3.3: SYN and
 * FIN each take one sequence number). */
#include "receiver_steps.h"

int main(void) {
    struct harness h;
    struct tcp_receiver r;

    receiver_begin(&h, &r, "receiver (instructor): data before SYN, then SYN+data+FIN", 4000);
    ARRIVES(&h, &r, .seqno = 101, .payload = "early");
    EXPECT_NO_ACKNO(&h, &r);
    EXPECT_ASSEMBLED(&h, &r, 0);
    ARRIVES(&h, &r, .syn = true, .fin = true, .seqno = 100, .payload = "hello");
    EXPECT_ACKNO(&h, &r, 107);
    EXPECT_INPUT_ENDED(&h, &r, true);
    EXPECT_READ(&h, &r, "hello");
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);
    return 0;
}
