/*
 * Arena allocation in blocks of 1 MiB (larger requests get a block of their
 * own). Blocks form a list; nothing is freed until arena_release.
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "base/xalloc.h"

#define BLOCK_SIZE ((size_t)1 << 20)

struct arena_block {
    struct arena_block *next;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a)
{
    a->head = NULL;
    a->used = 0;
}

void arena_release(struct arena *a)
{
    while (a->head) {
        struct arena_block *next = a->head->next;

        free(a->head);
        a->head = next;
    }
    a->used = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
    size_t align = alignof(max_align_t);
    size_t start = (a->used + align - 1) & ~(align - 1);
    struct arena_block *b;

    if (a->head && start + size <= a->head->size) {
        a->used = start + size;
        return a->head->data + start;
    }
    b = xmalloc_huge(sizeof(*b) + (size > BLOCK_SIZE ? size : BLOCK_SIZE));
    b->size = size > BLOCK_SIZE ? size : BLOCK_SIZE;
    if (size > BLOCK_SIZE && a->head) {
        /* Keep filling the current block; the big one goes behind it. */
        b->next = a->head->next;
        a->head->next = b;
        return b->data;
    }
    b->next = a->head;
    a->head = b;
    a->used = size;
    return b->data;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}
