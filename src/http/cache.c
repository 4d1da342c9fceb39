/*
 * The answer cache of cache.h: a direct-mapped table of libmicrohttpd
 * responses, which are reference counted and may be queued on many
 * connections at once, so a hit queues the kept response itself, with no
 * copy, under the table's lock (queueing only takes a reference). A key
 * that lands on a taken slot replaces its answer: the table forgets, it
 * never grows past CACHE_SLOTS answers or CACHE_BYTES_MAX bytes. It holds
 * the answers of one change-log head: an answer of a newer one empties it
 * first (a scan of the slots, once per head: cheaper than the memory of
 * thousands of answers no one asks for again, which a direct-mapped
 * table would keep until another key lands on their slots).
 */
#include "http/cache.h"

#include "base/xalloc.h"

void cache_init(struct answer_cache *c)
{
    pthread_mutex_init(&c->mu, NULL);
    c->slots = xcalloc(CACHE_SLOTS, sizeof(*c->slots));
    c->bytes = 0;
    c->count = 0;
    c->head = 0;
}

static void slot_clear(struct answer_cache *c, struct cache_slot *s)
{
    if (s->answer)
        MHD_destroy_response(s->answer);
    free(s->key);
    c->bytes -= s->bytes;
    c->count -= s->key != NULL;
    memset(s, 0, sizeof(*s));
}

void cache_release(struct answer_cache *c)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        slot_clear(c, &c->slots[i]);
    free(c->slots);
    pthread_mutex_destroy(&c->mu);
}

int cache_route(const struct route *r)
{
    static const char *const prefixes[] = {
        "/api/v1/missions",  "/api/v1/persons",        "/api/v1/postings",
        "/api/v1/headcount", "/api/v1/parity/",        "/api/v1/check",
        "/api/v1/findings/", "/api/v1/policies",       "/api/v1/visas",
        "/api/v1/consular/", "/api/v1/lists/consular", NULL,
    };

    if (r->reads != READS_SHARED || strcmp(r->method, "GET"))
        return 0;
    for (int i = 0; prefixes[i]; i++)
        if (!strncmp(r->pattern, prefixes[i], strlen(prefixes[i])))
            return 1;
    return 0;
}

void cache_key(const struct request *rq, int64_t seq, struct buf *key)
{
    buf_printf(key, "%s %s", rq->method, rq->path);
    for (int i = 0; i < rq->n_params; i++)
        buf_printf(key, "%c%s=%s", i ? '&' : '?', rq->params[i].name,
                   rq->params[i].value);
    buf_printf(key, "\n%u %s %s %d %ld %lld", rq->role,
               rq->scope.sending ? rq->scope.sending : "-",
               rq->scope.mission ? rq->scope.mission : "-",
               rq->scope.withhold_personal, (long)rq->today, (long long)seq);
}

/* FNV-1a. */
static size_t slot_of(const char *key)
{
    uint64_t h = 14695981039346656037ULL;

    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    return (size_t)(h % CACHE_SLOTS);
}

int cache_answer(struct answer_cache *c, const char *key,
                 struct MHD_Connection *conn)
{
    struct cache_slot *s = &c->slots[slot_of(key)];
    int hit;

    pthread_mutex_lock(&c->mu);
    hit = s->key && !strcmp(s->key, key) &&
          MHD_queue_response(conn, 200, s->answer) == MHD_YES;
    pthread_mutex_unlock(&c->mu);
    return hit;
}

/* Under mu: every answer freed. */
static void clear_all(struct answer_cache *c)
{
    for (size_t i = 0; i < CACHE_SLOTS && c->count; i++)
        if (c->slots[i].key)
            slot_clear(c, &c->slots[i]);
}

void cache_put(struct answer_cache *c, const char *key, int64_t seq,
               const struct buf *body, const char *type)
{
    struct cache_slot *s = &c->slots[slot_of(key)];
    struct MHD_Response *r;

    if (body->len > CACHE_ANSWER_MAX)
        return;
    r = MHD_create_response_from_buffer(body->len, body->data,
                                        MHD_RESPMEM_MUST_COPY);
    if (!r)
        return;
    MHD_add_response_header(r, "Content-Type", type);
    pthread_mutex_lock(&c->mu);
    if (seq > c->head) {
        clear_all(c);
        c->head = seq;
    }
    if (seq < c->head) { /* an older registry's: not kept */
        pthread_mutex_unlock(&c->mu);
        MHD_destroy_response(r);
        return;
    }
    slot_clear(c, s);
    if (c->bytes + body->len > CACHE_BYTES_MAX) {
        MHD_destroy_response(r);
    } else {
        s->key = xstrdup(key);
        s->answer = r;
        s->bytes = body->len;
        c->bytes += body->len;
        c->count++;
    }
    pthread_mutex_unlock(&c->mu);
}

void cache_stats(struct answer_cache *c, size_t *count, size_t *bytes)
{
    pthread_mutex_lock(&c->mu);
    *count = c->count;
    *bytes = c->bytes;
    pthread_mutex_unlock(&c->mu);
}
