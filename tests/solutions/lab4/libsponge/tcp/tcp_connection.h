/* Lab 4, minimal solution: the connection's state (the rest of the header is given). */

struct tcp_connection {
    /* LAB4 BEGIN: the connection's state (yours to choose) */
    bool live;      /* not yet closed or reset */
    bool linger;    /* we closed first: wait before closing */
    bool was_reset; /* ended by a RST, sent or received */
    uint64_t idle;  /* ms since the last segment arrived */
    /* LAB4 END */
};
