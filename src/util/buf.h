/*
 * buf.h — growable byte/string buffer with a hard size cap (git's strbuf + curl's dynbuf).
 *
 * A buf is always NUL-terminated and never has data == NULL after buf_init. Appends that
 * would grow it past `max` fail with HELPO_ETOOBIG and leave it unchanged. Lifecycle:
 * buf_init (no allocation), buf_release (frees), buf_reset (keeps memory, length 0),
 * buf_detach (caller takes the string and frees it with free()).
 */
#ifndef HELPO_BUF_H
#define HELPO_BUF_H

#include "util/common.h"
#include <stdarg.h>

struct buf {
	char *data;
	size_t len;
	size_t cap; /* 0 while data points at the shared empty string */
	size_t max; /* largest len allowed */
};

extern char buf_empty[1];
#define BUF_INIT(maxlen) {buf_empty, 0, 0, (maxlen)}

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
char *buf_detach(struct buf *b, size_t *len);
int buf_grow(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);

#endif
