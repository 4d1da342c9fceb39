/*
 * Bounded buffers. Growth doubles; the maximum is checked before any write,
 * so a refused append leaves the buffer exactly as it was.
 */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

void buf_init(struct buf *b, size_t max)
{
    b->alloc = 64;
    b->data = xmalloc(b->alloc);
    b->data[0] = '\0';
    b->len = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->alloc = 0;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->data[0] = '\0';
}

char *buf_detach(struct buf *b)
{
    char *p = b->data;

    buf_init(b, b->max);
    return p;
}

static enum status reserve(struct buf *b, size_t n)
{
    if (n > b->max - b->len)
        return ST_INVALID;
    b->data = xgrow(b->data, 1, b->len + n + 1, &b->alloc);
    return ST_OK;
}

enum status buf_add(struct buf *b, const void *data, size_t n)
{
    if (reserve(b, n))
        return ST_INVALID;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return ST_OK;
}

enum status buf_addstr(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

enum status buf_addch(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

enum status buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        BUG("bad format '%s'", fmt);
    if (reserve(b, (size_t)n))
        return ST_INVALID;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return ST_OK;
}

enum status buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    enum status st;

    va_start(ap, fmt);
    st = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return st;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    enum status rc;

    va_start(ap, fmt);
    rc = buf_vaddf(b, fmt, ap);
    va_end(ap);
    if (rc)
        BUG("rendered text passes its buffer's limit of %zu bytes", b->max);
}
