/* Lab 1, minimal solution: the reassembler's state (the rest of the header is given). */

struct stream_reassembler {
    struct byte_stream out;
    /* LAB1 BEGIN: the reassembler's state (yours to choose) */
    uint8_t *bytes; /* the byte with index i waits in bytes[i % capacity] */
    bool *stored;   /* stored[i % capacity]: that byte has arrived */
    size_t capacity;
    size_t waiting; /* bytes stored, not yet written */
    bool have_end;
    uint64_t end; /* index one past the last byte, once have_end */
    /* LAB1 END */
};
