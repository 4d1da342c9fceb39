/*
 * A growable byte buffer with a maximum size (curl's dynbuf): output is built
 * in buffers, and a buffer that would pass its maximum refuses to grow, so
 * hostile input cannot make one grow without bound. The contents are always
 * NUL-terminated.
 */
#ifndef BASE_BUF_H
#define BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/status.h"

#define BUF_MAX_DEFAULT ((size_t)1 << 30)

struct buf {
    char *data;   /* NUL-terminated; never NULL after buf_init */
    size_t len;   /* bytes in use, not counting the NUL */
    size_t alloc; /* bytes allocated */
    size_t max;   /* the most len may reach */
};

/* Initialises an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);
/* Frees the contents; b may be re-initialised. */
void buf_release(struct buf *b);
/* Empties b, keeping its allocation. */
void buf_reset(struct buf *b);
/* Returns the contents, which the caller now owns and frees; b is emptied. */
char *buf_detach(struct buf *b);

/* Appends n bytes; ST_INVALID (and b unchanged) if that would pass max. */
enum status buf_add(struct buf *b, const void *data, size_t n);
enum status buf_addstr(struct buf *b, const char *s);
enum status buf_addch(struct buf *b, char c);
enum status buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum status buf_vaddf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The same for a renderer whose output is bounded by design, far below
 * b's maximum: reaching the maximum is a bug, not an error to handle. */
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
