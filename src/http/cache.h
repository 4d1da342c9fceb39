/*
 * Rendered answers of the shared registry's GET routes, kept so that the
 * same question on the same registry is answered without rendering again
 * (cache.c). A key names everything an answer depends on: the route and
 * its parameters as given, the caller's role and scope, "today", and the
 * change log's head of the resident snapshot it was rendered from; a
 * snapshot loaded after another write has another head, so no answer
 * outlives the registry it came from. Only 200s are kept, and only those
 * of the newest head: the first answer kept for a newer head frees every
 * answer of the older ones at once (no request asks for them again but
 * one still reading an older registry, which renders its answer), so
 * under writes the cache holds one head's answers, not CACHE_SLOTS of
 * heads long gone.
 */
#ifndef HTTP_CACHE_H
#define HTTP_CACHE_H

#include <microhttpd.h>

#include "http/http.h"

#define CACHE_SLOTS      4096
#define CACHE_BYTES_MAX  ((size_t)64 << 20) /* answers kept, in all */
#define CACHE_ANSWER_MAX ((size_t)4 << 20)  /* a larger one is not kept */

struct cache_slot {
    char *key;
    struct MHD_Response *answer;
    size_t bytes;
};

struct answer_cache {
    pthread_mutex_t mu;
    struct cache_slot *slots; /* CACHE_SLOTS, direct-mapped by key hash */
    size_t bytes;
    size_t count; /* answers kept */
    int64_t head; /* the change log's head of the answers kept */
};

void cache_init(struct answer_cache *c);
void cache_release(struct answer_cache *c);

/* 1 when route r's answers may be kept: a GET of the shared registry
 * whose answer depends on the snapshot and the request alone (not on
 * tables beside the registry, such as sessions or notifications). */
int cache_route(const struct route *r);

/* The key of rq's answer from the registry at change-log head seq, into
 * key (initialised by the caller). */
void cache_key(const struct request *rq, int64_t seq, struct buf *key);

/* Queues the kept answer of key on connection conn: 1 when there was
 * one, else 0 (nothing queued). */
int cache_answer(struct answer_cache *c, const char *key,
                 struct MHD_Connection *conn);

/* Keeps body (of media type type), rendered from the registry at the
 * change log's head seq, as key's answer, unless it is too large, the
 * cache is full or seq is older than the answers kept; a newer seq first
 * frees every answer kept. */
void cache_put(struct answer_cache *c, const char *key, int64_t seq,
               const struct buf *body, const char *type);

/* The answers kept and their bytes (the server's memory log). */
void cache_stats(struct answer_cache *c, size_t *count, size_t *bytes);

#endif
