/* TCPSender: in SYN_SENT only the SYN goes out, even when an ack of nothing (ackno = ISN)
 * advertises a window that would have room for data. */

#include "sender_expect.h"

static int data_waits_despite_window(bool close_too) {
    struct sender_test t;
    sender_test_begin(
        &t, close_too
                ? "sender syn wait: no data and no FIN before the SYN is acked, whatever the window [L3.R1 L3.R10]"
                : "sender syn wait: no data before the SYN is acked, whatever the window [L3.R1 L3.R10]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0), .payload = PAYLOAD(""));
    APP_WRITES(&t, "abcdefgh");
    if (close_too) {
        APP_CLOSES(&t);
    }
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 0, 1000);
    EXPECT_STATE(&t, "SYN_SENT");
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 1);
    EXPECT_NEXT_SEQNO(&t, 1);
    ACK_ARRIVES(&t, 1, 1000);
    EXPECT_STATE(&t, close_too ? "FIN_SENT" : "SYN_ACKED");
    EXPECT_SEGMENT(&t, .syn = TRI_NO, .fin = close_too ? TRI_YES : TRI_NO, .seqno = OPT_U64(1),
                   .payload = PAYLOAD("abcdefgh"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

int main(void) {
    return data_waits_despite_window(false) | data_waits_despite_window(true);
}
