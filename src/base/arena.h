/*
 * An arena of strings and small objects freed in one call (git mem-pool.h).
 * A snapshot keeps every id and name of the registry here: millions of short
 * strings cost one pointer each and no per-string malloc.
 */
#ifndef BASE_ARENA_H
#define BASE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t used; /* bytes used in head */
};

void arena_init(struct arena *a);
/* Frees everything allocated from a. */
void arena_release(struct arena *a);
/* Returns size bytes aligned for any object, owned by the arena. */
void *arena_alloc(struct arena *a, size_t size);
/* Returns a copy of the first n bytes of s, NUL-terminated, in the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* The bytes handed out by a so far (its blocks' sizes but for the unused
 * end of the one it fills now): what its strings cost. */
size_t arena_used(const struct arena *a);

#endif
