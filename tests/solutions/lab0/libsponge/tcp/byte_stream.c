/* Lab 0, minimal solution: buf used as a ring, one byte at a time. */

/* LAB0 BEGIN: ByteStream, a bounded in-order byte buffer */

enum sponge_err byte_stream_init(struct byte_stream *bs, size_t capacity) {
    bs->buf = malloc(capacity);
    bs->capacity = bs->buf ? capacity : 0;
    bs->ring_size = bs->capacity;
    bs->retained = 0;
    bs->head = 0;
    bs->size = 0;
    bs->written = 0;
    bs->read = 0;
    bs->input_ended = false;
    bs->error = false;
    return bs->buf ? SPONGE_OK : SPONGE_ERR_NO_MEMORY;
}

void byte_stream_destroy(struct byte_stream *bs) {
    free(bs->buf);
    bs->buf = NULL;
    bs->capacity = 0;
    bs->size = 0;
}

size_t byte_stream_write(struct byte_stream *bs, const void *data, size_t len) {
    if (bs->input_ended) {
        return 0;
    }
    size_t n = len;
    if (n > byte_stream_remaining_capacity(bs)) {
        n = byte_stream_remaining_capacity(bs);
    }
    const uint8_t *bytes = data;
    for (size_t i = 0; i < n; i++) {
        bs->buf[(bs->head + bs->size) % bs->ring_size] = bytes[i];
        bs->size++;
    }
    bs->written += n;
    return n;
}

size_t byte_stream_remaining_capacity(const struct byte_stream *bs) {
    size_t room = bs->capacity - bs->size;
    size_t ring_free = bs->ring_size - bs->retained - bs->size;
    return room < ring_free ? room : ring_free;
}

void byte_stream_end_input(struct byte_stream *bs) {
    bs->input_ended = true;
}

void byte_stream_set_error(struct byte_stream *bs) {
    bs->error = true;
}

size_t byte_stream_peek_output(const struct byte_stream *bs, void *out, size_t len) {
    size_t n = len < bs->size ? len : bs->size;
    uint8_t *bytes = out;
    for (size_t i = 0; i < n; i++) {
        bytes[i] = bs->buf[(bs->head + i) % bs->ring_size];
    }
    return n;
}

size_t byte_stream_pop_output(struct byte_stream *bs, size_t len) {
    size_t n = len < bs->size ? len : bs->size;
    bs->head = (bs->head + n) % bs->ring_size;
    bs->size -= n;
    bs->read += n;
    return n;
}

size_t byte_stream_read(struct byte_stream *bs, void *out, size_t len) {
    size_t n = byte_stream_peek_output(bs, out, len);
    return byte_stream_pop_output(bs, n);
}

bool byte_stream_input_ended(const struct byte_stream *bs) {
    return bs->input_ended;
}

bool byte_stream_error(const struct byte_stream *bs) {
    return bs->error;
}

size_t byte_stream_buffer_size(const struct byte_stream *bs) {
    return bs->size;
}

bool byte_stream_buffer_empty(const struct byte_stream *bs) {
    return bs->size == 0;
}

bool byte_stream_eof(const struct byte_stream *bs) {
    return bs->input_ended && bs->size == 0;
}

uint64_t byte_stream_bytes_written(const struct byte_stream *bs) {
    return bs->written;
}

uint64_t byte_stream_bytes_read(const struct byte_stream *bs) {
    return bs->read;
}
