/*
 * Allocation wrappers that abort on failure (git wrapper.c, tmux xmalloc.c):
 * running out of memory is not an error path callers can handle usefully.
 */
#ifndef BASE_XALLOC_H
#define BASE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
/* For arrays of many megabytes: memory aligned to 2 MiB and advised to use
 * transparent huge pages, which cuts the page faults of filling it about
 * 500-fold. Freed with free(). */
void *xmalloc_huge(size_t size);
void *xcalloc_huge(size_t n, size_t size);
/* Returns a new copy of s; the caller frees it. */
char *xstrdup(const char *s);
/* Returns a new copy of the first n bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);
/* Returns a new printf-formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *ptr (an array of *alloc elements of elem_size bytes) so that it
 * holds at least need elements, doubling; for ALLOC_GROW-style arrays. */
void *xgrow(void *ptr, size_t elem_size, size_t need, size_t *alloc);

#define XGROW(arr, need, alloc) \
    ((arr) = xgrow((arr), sizeof(*(arr)), (need), &(alloc)))

#endif
