/*
 * Problem lists. Messages past PROBLEMS_KEEP are counted and dropped; the
 * caller says how many more there were.
 */
#include "base/problems.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/status.h"
#include "base/xalloc.h"

void problems_init(struct problems *p)
{
    p->msgs = NULL;
    p->n_kept = p->n_total = p->alloc = 0;
}

void problems_release(struct problems *p)
{
    for (size_t i = 0; i < p->n_kept; i++)
        free(p->msgs[i]);
    free(p->msgs);
    problems_init(p);
}

void problems_add(struct problems *p, const char *fmt, ...)
{
    char msg[ERR_MSG_MAX];
    va_list ap;

    p->n_total++;
    if (p->n_kept >= PROBLEMS_KEEP)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    XGROW(p->msgs, p->n_kept + 1, p->alloc);
    p->msgs[p->n_kept++] = xstrdup(msg);
}
