#ifndef SPONGE_TCP_SENDER_MODERN_H
#define SPONGE_TCP_SENDER_MODERN_H

/* The sender beyond lab 3 (given code): congestion control (NewReno, CUBIC, BBR), RFC 6298
 * RTT estimation, SACK loss recovery (RFC 6675 with RACK's loss detection, RFC 8985
 * section 6, rack.h), tail loss probes (RFC 8985 section 7), Nagle, pacing
 * and delivery-rate samples (BBR), the persist backoff and SND.WL1/WL2 window updates. The lab's sender (tcp_sender.c)
 * calls the hooks below at named points of its CS144 algorithm and does the CS144 thing when the table is NULL (lab
 * mode). The hooks see the sender only through its functions and its given fields (stream, cfg, queue, ext): they keep
 * their own record of the outstanding segments. */

#include "tcp/congestion.h"
#include "tcp/rack.h"
#include "tcp/rate_sample.h"
#include "tcp/rtt_estimator.h"
#include "tcp/sack_scoreboard.h"
#include "tcp/tcp_sender.h"

/** The hooks, in the order of the lab's algorithm. */
struct tcp_sender_ops {
    /** How much of the peer's window (`window` as the lab uses it) may be filled now: RFC
     *  5681's min(cwnd, rwnd). */
    uint64_t (*send_window)(struct tcp_sender *s, uint64_t window);
    /** The window has room but the stream has nothing to send (application-limited). */
    void (*starved)(struct tcp_sender *s);
    /** Whether the new segment `seg` may go now (Nagle, pacing; room to track it). */
    bool (*may_send)(struct tcp_sender *s, const struct tcp_sender_segment *seg);
    /** `seg` was sent and is outstanding. */
    void (*sent)(struct tcp_sender *s, const struct tcp_sender_segment *seg);
    /** An ACK not older than the last: whether its window replaces the last one. */
    bool (*take_window)(struct tcp_sender *s, const struct tcp_sender_ack *ack, uint64_t abs_ackno);
    /** The lab has taken the ACK (`newly_acked` new seqnos up to abs_ackno, fully acknowledged
     *  segments dropped): SACK, RTT sample, congestion control, loss recovery. */
    void (*acked)(struct tcp_sender *s, const struct tcp_sender_ack *ack, uint64_t abs_ackno, uint64_t newly_acked);
    /** The RTO to restart the timer with after new data was acknowledged (`rto`: the current). */
    uint64_t (*rto)(struct tcp_sender *s, uint64_t rto);
    /** `ms` passed; the timer, if running, has run for `elapsed` ms of `rto`. True if a tail
     *  loss probe went out (the timer restarts). */
    bool (*tick)(struct tcp_sender *s, uint64_t ms, bool timer_running, uint64_t elapsed, uint64_t rto);
    /** The timer expired and the oldest outstanding segment `oldest` was queued again; the lab
     *  doubled `rto` if `back_off`. Returns the RTO to use from now on. */
    uint64_t (*expired)(struct tcp_sender *s, const struct tcp_sender_segment *oldest, bool back_off, uint64_t rto);
};

/** Modern mode's state (one per sender, allocated by sender_modern_attach). */
struct sender_modern {
    uint64_t now;                    /* sum of ticks, ms */
    uint64_t window;                 /* the peer's window as last taken (take_window) */
    uint64_t window_before;          /* ... and before the ACK being processed */
    bool wl_set;                     /* cfg.ignore_stale_windows: wl1/wl2 name the window's segment */
    struct wrap32 wl1;               /* RFC 9293 SND.WL1: seqno (peer's space) of that segment */
    uint64_t wl2;                    /* SND.WL2: its absolute ackno */
    struct segment_ring outstanding; /* our copy of the sent, unacknowledged segments */
    struct rtt_estimator rtt;        /* RFC 6298, from one timed segment at a time (Karn's rule) */
    bool timing;                     /* a segment is being timed */
    uint64_t timed_end;              /* absolute seqno just past it */
    uint64_t timed_at;               /* when it was sent */
    bool sampled;                    /* the ACK being processed gave an RTT sample */
    unsigned backoffs;               /* timeouts backed off since the last new ACK */
    struct congestion cc;            /* NewReno, CUBIC or BBR (TCP_CC_NONE: none) */
    struct sack_scoreboard sacked;   /* what the peer reported by SACK */
    struct rate_sampler rate;        /* delivery-rate samples, and per-segment records for RACK */
    struct rack rack;                /* RACK's state (its loss detection: see rack_enabled) */
    bool peer_sacks;                 /* the peer has sent a SACK block: RACK finds the losses */
    bool fast_retransmit;            /* a recovery episode began: its first lost segment goes now */
    uint64_t newly_lost;             /* bytes RACK found lost since the last congestion sample */
    bool probe_sent;                 /* a tail loss probe went out since the last new ACK */
    bool probing;                    /* fill_window is sending that probe */
    uint64_t tlp_end_seq;            /* RFC 8985 7.4.2 TLP.end_seq: SND.NXT when a probe resent data
                                        (NewReno, CUBIC); 0: none whose outcome is open */
    uint64_t tlp_flight;             /* bytes in flight when it left */
    bool timeout_recovery;           /* recovering from a timeout: unsent-again segments are lost */
    uint64_t rexmit_high;            /* end of the highest hole resent in this recovery */
    size_t max_segment;              /* cfg.max_segment as configured (the sender's is autosized) */
};

/** True if `cfg` asks for anything beyond lab 3 (congestion control, RTT estimation, tail
 *  loss probes, Nagle, persist backoff, SND.WL1/WL2). */
bool sender_modern_wanted(const struct tcp_config *cfg);

/** Gives `s` (its stream, cfg, isn and queue set up) the modern hooks and their state.
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err sender_modern_attach(struct tcp_sender *s);

/** Frees the state (nothing if none). */
void sender_modern_detach(struct tcp_sender *s);

/** `seg` (a data segment or piece of one) is popped to go on the wire now: the rate sampler
 *  records it (a new one) or refreshes its records (a retransmission), one record per MSS piece. */
void sender_modern_on_wire(struct tcp_sender *s, const struct tcp_sender_segment *seg);

/** The new payload limit (tcp_sender_set_max_payload): the congestion state's MSS. */
void sender_modern_set_mss(struct tcp_sender *s, size_t mss);

#endif
