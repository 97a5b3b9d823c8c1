#ifndef SPONGE_TCP_TCP_CONFIG_H
#define SPONGE_TCP_TCP_CONFIG_H

/* Configuration of one TCP connection. Defaults follow CS144 (docs/labs/units.md section 1). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_DEFAULT_CAPACITY 64000
#define TCP_DEFAULT_MAX_PAYLOAD 1000
#define TCP_DEFAULT_RT_TIMEOUT 1000
#define TCP_DEFAULT_MAX_RETX_ATTEMPTS 8
/* The largest window a 16-bit field offers without window scaling (RFC 9293 3.1). */
#define TCP_DEFAULT_MAX_IN_FLIGHT 65535

/* Modern mode (tcp_config_set_modern): larger streams, an Ethernet-sized MSS, RFC 6298 bounds. */
#define TCP_MODERN_CAPACITY (1024 * 1024)
#define TCP_MODERN_MAX_PAYLOAD 1460
#define TCP_MODERN_MIN_RTO 200
#define TCP_MODERN_MAX_RTO 60000
#define TCP_MODERN_DELAYED_ACK_MS 40
#define TCP_MODERN_KEEPALIVE_PROBES 9
#define TCP_MODERN_CHALLENGE_ACK_LIMIT 1000 /* per second, as Linux's tcp_challenge_ack_limit */

/** Congestion control of the sender (off: the peer's window alone limits it, as in the labs). */
enum tcp_congestion { TCP_CC_NONE, TCP_CC_NEWRENO, TCP_CC_CUBIC, TCP_CC_BBR };

struct tcp_config {
    size_t recv_capacity; /* inbound stream capacity (bytes) */
    size_t send_capacity; /* outbound stream capacity (bytes): see max_in_flight */
    size_t max_payload;   /* largest payload in one segment */
    size_t max_segment;   /* a carrier that cuts segments itself (TSO on a TUN device) takes segments with payloads up
                             to this, cut into max_payload pieces; 0 (or below max_payload): max_payload */
    uint32_t rt_timeout;  /* initial retransmission timeout, ms */
    unsigned max_retx_attempts; /* consecutive retransmissions before giving up */
    /* The send buffer. Non-zero (lab mode, CS144's rule): send_capacity counts only unsent
     * bytes, a byte leaving it when sent; the sender fills at most this much of the peer's
     * window, and its ring keeps room for that many sent, unacknowledged bytes (plus one
     * partly acknowledged segment) beside send_capacity unsent ones. Default 65535. 0 (modern
     * mode, a kernel's send buffer): unacknowledged bytes count against send_capacity, which
     * then bounds what is in flight too. */
    size_t max_in_flight;
    bool fixed_isn_set; /* use fixed_isn (tests) instead of a random ISN */
    uint32_t fixed_isn;
    /* Beyond the labs: all off by default, so that lab behaviour is unchanged. */
    bool modern;             /* set by tcp_config_set_modern: the fields below are its set */
    bool opt_mss;            /* send an MSS option on the SYN; honour the peer's (RFC 9293 3.7.1) */
    bool opt_window_scale;   /* RFC 7323 section 2: negotiate window scaling */
    bool opt_timestamps;     /* RFC 7323 sections 3-5: timestamps, echo, PAWS */
    bool opt_sack_permitted; /* RFC 2018: offer SACK-permitted on the SYN */
    bool rtt_estimation;     /* RFC 6298: RTO from SRTT/RTTVAR (Karn's rule) instead of fixed */
    uint32_t min_rto;        /* ms, lower bound of the estimated RTO */
    uint32_t max_rto;        /* ms, upper bound of every RTO, backed off or not */
    enum tcp_congestion congestion;
    bool nagle;                /* RFC 896 / RFC 1122 4.2.3.4: hold small segments while data is unacked */
    bool delayed_ack;          /* RFC 1122 4.2.3.2 / RFC 5681 4.2: ACK every second segment or after */
    uint32_t delayed_ack_ms;   /* ... this many ms */
    bool persist_backoff;      /* RFC 1122 4.2.2.17: zero-window probes back off, without giving up */
    bool tail_loss_probe;      /* RFC 8985 section 7: one new segment 2 SRTT after the last ACK */
    uint32_t keepalive_ms;     /* RFC 1122 4.2.3.6: idle time before keep-alive probes (0: none) */
    unsigned keepalive_probes; /* unanswered probes (one per keepalive_ms) before giving up */

    bool ignore_stale_windows; /* RFC 9293 3.10.7.4 (SND.WL1/WL2): an older segment's window is ignored */
    /* RFC 5961 sections 3.2 and 4.2: a RST resets only at RCV.NXT; one elsewhere in the window,
     * and a SYN once synchronized, get a challenge ACK (lab mode, CS144: any RST in the window
     * resets, a SYN is acknowledged like any segment that occupies a sequence number) */
    bool challenge_acks;
    unsigned challenge_ack_limit; /* RFC 5961 section 7: challenge ACKs per second at most (0: no limit) */
    bool time_wait_backoff;       /* each FIN repeated in TIME-WAIT doubles the linger (connection_modern.c) */
    /* RFC 1122 4.2.3.6, RFC 9293 3.10.7.4: keep-alives and the linger restart only for a
     * segment the connection accepts, in TIME-WAIT only for a retransmitted FIN (lab mode,
     * CS144: for any segment received) */
    bool strict_idle_clock;
};

/** The largest payload the sender puts in one segment: max_segment if it is larger, else max_payload. */
static inline size_t tcp_config_segment_limit(const struct tcp_config *cfg) {
    return cfg->max_segment > cfg->max_payload ? cfg->max_segment : cfg->max_payload;
}

/** Fills `cfg` with the defaults: 64000-byte streams, payloads of 1000, RTO 1000 ms,
 *  8 retransmissions, random ISN, CS144's send buffer (max_in_flight 65535). */
void tcp_config_default(struct tcp_config *cfg);

/** Turns the modern set on (or back to the lab defaults for those fields): MSS, window
 *  scaling, timestamps and SACK-permitted options, RFC 6298 RTT estimation, NewReno, tail
 *  loss probes, 1 MiB streams and a 1460-byte MSS, a kernel-style send buffer
 *  (max_in_flight 0), SND.WL1/WL2 window updates, RFC 5961's challenge ACKs (1000 a second at most), TIME-WAIT
 *  backoff, the strict idle clock. Other fields (ISN, RTO,
 *  retransmissions) are kept. */
void tcp_config_set_modern(struct tcp_config *cfg, bool on);

#endif
