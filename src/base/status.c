/*
 * Error values. Messages are formatted once into the caller's fixed buffer,
 * so reporting an error never allocates and never fails.
 */
#include "base/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum status err_set(struct err *e, enum status status, const char *fmt, ...)
{
    va_list ap;

    if (!e)
        return status;
    e->status = status;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return status;
}

void err_prefix(struct err *e, const char *fmt, ...)
{
    char old[ERR_MSG_MAX];
    va_list ap;
    int n;

    if (!e)
        return;
    memcpy(old, e->msg, sizeof(old));
    va_start(ap, fmt);
    n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(e->msg))
        snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", old);
}

void err_clear(struct err *e)
{
    e->status = ST_OK;
    e->msg[0] = '\0';
}

int status_exit_code(enum status status)
{
    switch (status) {
    case ST_NOT_FOUND:
    case ST_AMBIGUOUS:
        return ST_INVALID;
    default:
        return (int)status;
    }
}

void bug_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "chancery: BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
