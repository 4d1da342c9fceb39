/*
 * A list of error messages, for validation that reports every problem at
 * once (an import names each bad row) instead of stopping at the first.
 * It keeps at most PROBLEMS_KEEP messages but counts them all, so a hostile
 * file of a million bad rows cannot exhaust memory.
 */
#ifndef BASE_PROBLEMS_H
#define BASE_PROBLEMS_H

#include <stddef.h>

#define PROBLEMS_KEEP 1000

struct problems {
    char **msgs;
    size_t n_kept;
    size_t n_total;
    size_t alloc;
};

void problems_init(struct problems *p);
void problems_release(struct problems *p);
/* Adds one printf-formatted message. */
void problems_add(struct problems *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
