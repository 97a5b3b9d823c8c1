#include "adapters/tcp_report.h"

void tcp_report_counters(const struct tcp_connection *c, FILE *out) {
    const struct tcp_connection_counters *k = tcp_connection_counters(c);
    const struct tcp_receiver_counters *r = tcp_receiver_counters(&c->receiver);
    fprintf(out,
            "tcp: received %llu segments; ignored: not_active=%llu in_listen=%llu in_syn_sent=%llu "
            "rst_ignored=%llu ack_unsent=%llu before_syn=%llu out_of_window=%llu; rst_accepted=%llu; "
            "challenge_acks=%llu (suppressed %llu) window_updates=%llu\n",
            (unsigned long long)k->segments_received, (unsigned long long)k->drop_not_active,
            (unsigned long long)k->drop_in_listen, (unsigned long long)k->drop_in_syn_sent,
            (unsigned long long)k->rst_ignored, (unsigned long long)k->drop_ack_unsent,
            (unsigned long long)r->drop_before_syn, (unsigned long long)r->drop_out_of_window,
            (unsigned long long)k->rst_accepted, (unsigned long long)k->challenge_acks,
            (unsigned long long)k->challenge_acks_suppressed, (unsigned long long)k->window_updates);
}
