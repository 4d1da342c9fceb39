/*
 * The resident snapshot: the server loads the registry once and every read
 * shares it by reference count. A request first checks the change log's
 * head (at most once per request, and only when no other request holds
 * the store): when it has moved (the server's own writes, or another
 * process's), catch_up() brings the registry up to it and swaps it in;
 * requests already reading keep the old one until they release it. A
 * request never waits for a catch-up another runs: it reads the last
 * registry.
 *
 * catch_up() is the one place that follows the change log. Today it loads
 * the registry again; once core/apply.c applies a change set in memory
 * (snapshot_apply_change_set), it applies the change sets after the
 * resident's seq instead, and nothing else here changes.
 *
 * Writes go through resident_write: one writer at a time, on a connection
 * of its own made durable (synchronous=FULL: a write is acknowledged only
 * once it survives a crash of the machine), with a snapshot of its own
 * that a write may change as it goes. That snapshot is kept between
 * writes while it still matches the registry, and loaded again when a
 * write left records in it that it did not commit (a submission applies
 * its payload only to validate it), failed, or another process wrote.
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "http/http.h"
#include "store/store.h"

/* The writes after which the writer's snapshot is loaded afresh. */
#define WS_WRITES_MAX 4096

static enum status load(struct store *st, int32_t as_known_on,
                        struct snap_ref **out, struct err *e)
{
    struct snap_ref *ref = xcalloc(1, sizeof(*ref));

    snapshot_init(&ref->s);
    if (store_log_seq(st, &ref->seq, e) ||
        store_load(st, as_known_on, &ref->s, e)) {
        snapshot_release(&ref->s);
        free(ref);
        return e->status ? e->status : ST_ERROR;
    }
    ref->resident = as_known_on == DATE_NONE;
    *out = ref;
    return ST_OK;
}

enum status resident_open(struct resident *r, const char *db_path,
                          struct err *e)
{
    memset(r, 0, sizeof(*r));
    snapshot_init(&r->ws);
    if (store_open(db_path, STORE_OPEN_EXISTING, &r->st, e) ||
        store_open(db_path, STORE_OPEN_EXISTING, &r->side, e) ||
        store_open(db_path, STORE_OPEN_EXISTING, &r->wr, e) ||
        store_set_durable(r->wr, e) || load(r->st, DATE_NONE, &r->cur, e)) {
        store_close(r->wr);
        store_close(r->side);
        store_close(r->st);
        return e->status;
    }
    r->cur->refs = 1; /* the resident's own reference */
    pthread_mutex_init(&r->mu, NULL);
    pthread_mutex_init(&r->db_mu, NULL);
    pthread_mutex_init(&r->side_mu, NULL);
    pthread_mutex_init(&r->wr_mu, NULL);
    return ST_OK;
}

static void unref(struct snap_ref *ref)
{
    if (--ref->refs == 0) {
        snapshot_release(&ref->s);
        free(ref);
    }
}

void resident_close(struct resident *r)
{
    unref(r->cur);
    snapshot_release(&r->ws);
    store_close(r->wr);
    store_close(r->side);
    store_close(r->st);
    pthread_mutex_destroy(&r->wr_mu);
    pthread_mutex_destroy(&r->mu);
    pthread_mutex_destroy(&r->db_mu);
    pthread_mutex_destroy(&r->side_mu);
}

/* Under db_mu: the registry of cur brought up to the change log's head,
 * seq, into *out (refs 1). The seam for core/apply.c's in-memory apply:
 * only this function changes when reloading gives way to it. */
static enum status catch_up(struct resident *r, const struct snap_ref *cur,
                            int64_t seq, struct snap_ref **out, struct err *e)
{
    (void)cur;
    (void)seq;
    if (load(r->st, DATE_NONE, out, e))
        return ST_ERROR;
    (*out)->refs = 1;
    return ST_OK;
}

/* Under db_mu: follows the change log when it moved on. */
static void refresh(struct resident *r)
{
    struct snap_ref *fresh = NULL;
    struct err e;
    int64_t seq;

    if (store_log_seq(r->st, &seq, &e) || seq == r->cur->seq)
        return;
    if (catch_up(r, r->cur, seq, &fresh, &e) || !fresh)
        return; /* the last loaded registry serves on */
    pthread_mutex_lock(&r->mu);
    unref(r->cur);
    r->cur = fresh;
    pthread_mutex_unlock(&r->mu);
}

enum status resident_acquire(struct resident *r, int32_t as_known_on,
                             struct snap_ref **out, struct err *e)
{
    enum status rc = ST_OK;

    if (as_known_on != DATE_NONE) {
        pthread_mutex_lock(&r->db_mu);
        if (!(rc = load(r->st, as_known_on, out, e)))
            (*out)->refs = 1;
        pthread_mutex_unlock(&r->db_mu);
        return rc;
    }
    if (!pthread_mutex_trylock(&r->db_mu)) {
        refresh(r);
        pthread_mutex_unlock(&r->db_mu);
    }
    pthread_mutex_lock(&r->mu);
    *out = r->cur;
    r->cur->refs++;
    pthread_mutex_unlock(&r->mu);
    return ST_OK;
}

void resident_release(struct resident *r, struct snap_ref *ref)
{
    if (!ref->resident) {
        unref(ref);
        return;
    }
    pthread_mutex_lock(&r->mu);
    unref(ref);
    pthread_mutex_unlock(&r->mu);
}

/* Under wr_mu: the writer's snapshot, loaded again unless it still holds
 * the registry at the change log's head. */
static enum status writer_ready(struct resident *r, struct err *e)
{
    int64_t seq;

    if (store_log_seq(r->wr, &seq, e))
        return e->status;
    if (r->ws_ok && seq == store_known_head(r->wr))
        return ST_OK;
    snapshot_release(&r->ws);
    snapshot_init(&r->ws);
    r->ws_ok = 0;
    if (store_load(r->wr, DATE_NONE, &r->ws, e))
        return e->status;
    r->ws_ok = 1;
    return ST_OK;
}

enum status resident_write(struct resident *r, resident_write_fn fn, void *ctx,
                           struct err *e)
{
    enum status rc;
    int exact = 0;

    pthread_mutex_lock(&r->wr_mu);
    rc = writer_ready(r, e);
    if (!rc)
        rc = fn(r->wr, &r->ws, ctx, &exact, e);
    /* Each write leaves its strings in the snapshot's arena: a fresh
     * load now and then bounds it. */
    r->ws_ok = !rc && exact && ++r->ws_writes % WS_WRITES_MAX;
    pthread_mutex_unlock(&r->wr_mu);
    return rc;
}
