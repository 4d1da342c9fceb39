/*
 * Arena allocation in blocks that double from 64 KiB to 64 MiB, so a small
 * registry costs little and a large one takes few, huge-page backed blocks
 * (a million postings' strings in 1 MiB blocks cost a page fault storm).
 * Larger requests get a block of their own. Strings are packed unaligned.
 * Blocks form a list; nothing is freed until arena_release.
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "base/xalloc.h"

#define BLOCK_MIN ((size_t)64 << 10)
#define BLOCK_MAX ((size_t)64 << 20)

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

/* Returns size bytes aligned to align, a power of two. */
static void *alloc_aligned(struct arena *a, size_t size, size_t align)
{
    size_t start = (a->used + align - 1) & ~(align - 1);
    size_t block;
    struct arena_block *b;

    if (a->head && start + size <= a->head->size) {
        a->used = start + size;
        return a->head->data + start;
    }
    block =
        a->head && a->head->size < BLOCK_MAX ? 2 * a->head->size : BLOCK_MIN;
    if (a->head && a->head->size >= BLOCK_MAX)
        block = BLOCK_MAX;
    if (size > block / 2 && a->head) {
        /* Keep filling the current block; the big one goes behind it. */
        b = xmalloc_huge(sizeof(*b) + size);
        b->size = size;
        b->next = a->head->next;
        a->head->next = b;
        return b->data;
    }
    block = size > block ? size : block;
    b = xmalloc_huge(sizeof(*b) + block);
    b->size = block;
    b->next = a->head;
    a->head = b;
    a->used = size;
    return b->data;
}

void *arena_alloc(struct arena *a, size_t size)
{
    return alloc_aligned(a, size, alignof(max_align_t));
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = alloc_aligned(a, n + 1, 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

size_t arena_used(const struct arena *a)
{
    size_t n = a->used;

    for (const struct arena_block *b = a->head ? a->head->next : NULL; b;
         b = b->next)
        n += b->size;
    return n;
}
