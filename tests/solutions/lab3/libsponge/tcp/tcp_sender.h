/* Lab 3, minimal solution: the sender's state (the rest of the header is given). */

struct tcp_sender {
    /* LAB3 BEGIN: the sender's state (yours to choose) */
    uint64_t next;                     /* absolute seqno of the next new byte */
    uint64_t acked;                    /* absolute ackno last accepted */
    uint64_t peer_window;              /* the window of that ACK (1 before any) */
    bool fin_done;                     /* the FIN went out */
    struct tcp_sender_segment *flight; /* segments sent, not wholly acknowledged, oldest first */
    size_t flight_count, flight_cap;
    bool clock_on;     /* the retransmission timer runs */
    uint64_t clock_ms; /* ms since it started */
    uint64_t timeout;  /* ms until it expires */
    unsigned retx;     /* timeouts in a row */
    /* LAB3 END */
};
