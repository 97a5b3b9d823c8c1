/* Lab 5, minimal solution: the interface's state (the rest of the header is given). */

struct network_interface {
    /* LAB5 BEGIN: the interface's state (yours to choose) */
    struct network_interface_config cfg;
    struct arp_table arp; /* the given ARP cache */
    /* datagrams waiting for ARP, in arrival order: slot i holds wait_len[i] bytes to wait_hop[i] */
    uint8_t *wait_bytes;
    size_t *wait_len;
    uint32_t *wait_hop;
    size_t pending_count;
    /* ARP requests sent and not answered yet */
    uint32_t *asked_ip;
    uint64_t *asked_ms;
    size_t asked_count;
    /* frames for the caller: a ring of out_slot-byte slots */
    uint8_t *out_bytes;
    size_t *out_len;
    size_t out_slot, out_first, frames_count;
    /* LAB5 END */
};
