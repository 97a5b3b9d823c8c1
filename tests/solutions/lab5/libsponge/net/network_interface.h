/* Lab 5, minimal solution: the interface's state (the rest of the header is given). */

struct network_interface {
    /* LAB5 BEGIN: the interface's state (yours to choose) */
    struct arp_table arp; /* the given ARP cache */
    /* ARP requests sent and not answered yet: asked_ip[i] asked asked_ms[i] ms ago */
    uint32_t *asked_ip;
    uint64_t *asked_ms;
    size_t asked_count;
    /* LAB5 END */
};
