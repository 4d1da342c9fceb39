/*
 * Allocation wrappers. Every allocation in chancery goes through these, so
 * out-of-memory has one behaviour: a message and abort().
 */
#include "base/xalloc.h"

#include <sys/mman.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

static void *checked(void *p, size_t size)
{
    if (!p && size)
        BUG("out of memory allocating %zu bytes", size);
    return p;
}

void *xmalloc(size_t size)
{
    return checked(malloc(size ? size : 1), size);
}

void *xcalloc(size_t n, size_t size)
{
    return checked(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *xrealloc(void *ptr, size_t size)
{
    return checked(realloc(ptr, size ? size : 1), size);
}

#define HUGE_PAGE ((size_t)2 << 20)

void *xmalloc_huge(size_t size)
{
    size_t rounded;
    void *p;

    if (size < HUGE_PAGE)
        return xmalloc(size);
    if (size > SIZE_MAX - HUGE_PAGE)
        BUG("out of memory allocating %zu bytes", size);
    rounded = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    p = checked(aligned_alloc(HUGE_PAGE, rounded), rounded);
    madvise(p, rounded, MADV_HUGEPAGE); /* advice only: failure is harmless */
    return p;
}

void *xcalloc_huge(size_t n, size_t size)
{
    void *p;

    if (size && n > SIZE_MAX / size)
        BUG("array of %zu elements overflows", n);
    p = xmalloc_huge(n * size);
    memset(p, 0, n * size);
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        BUG("bad format '%s'", fmt);
    p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *xgrow(void *ptr, size_t elem_size, size_t need, size_t *alloc)
{
    size_t n = *alloc;

    if (need <= n)
        return ptr;
    n = n ? n : 16;
    while (n < need)
        n *= 2;
    if (n > SIZE_MAX / elem_size)
        BUG("array of %zu elements overflows", n);
    *alloc = n;
    return xrealloc(ptr, n * elem_size);
}
