/*
 * The resident snapshot: the server loads the registry once and every read
 * shares it by reference count. A request first checks the change log's
 * head (at most once per request, only when no other request holds the
 * store, and only when the database's data version says that another
 * connection has written since the last look): when it has moved (the
 * server's own writes, or another process's), catch_up() brings the registry up
 * to it and swaps it in; requests already reading keep the old one until they
 * release it. A request never waits for a catch-up another runs: it reads the
 * last registry.
 *
 * catch_up() is the one place that follows the change log, and it applies
 * the change sets after the resident's seq in memory (store_follow, core/
 * apply.h) instead of loading the registry again: O(change), not
 * O(registry). Readers hold the registry by reference count and never
 * lock it, so it cannot be changed under them; a copy of a million
 * postings per write would cost most of a load. So the resident keeps
 * two registries (double buffering): cur, which requests take, and its
 * twin, spare, the cur before the last swap. A catch-up waits until no
 * reader holds the spare any more (readers take only cur, so those left
 * on the spare are finishing requests they began before the swap), applies
 * to it every change set since its own seq (the gap of both swaps),
 * gives it the new seq (the answer cache keys on it) and swaps: it becomes
 * cur, and the old cur the spare. Requests never wait: one that finds a
 * catch-up running reads cur. When a change set cannot be applied (a
 * delete, a renamed record, a gap past store_follow's limit) or readers
 * keep the spare past SPARE_WAIT_MS, the registry is loaded as before.
 * The price is the memory of a second registry.
 *
 * A write that commits brings the readers' registry up to it before it
 * is acknowledged, so a read issued after the answer sees the write.
 *
 * Writes go through resident_write: one writer at a time, on a connection
 * of its own made durable (synchronous=FULL: a write is acknowledged only
 * once it survives a crash of the machine), with a snapshot of its own
 * that a write may change as it goes. That snapshot is kept between
 * writes while it still matches the registry, follows another process's
 * writes the same way (store_follow), and is loaded again when a write
 * left records in it that it did not commit (a failure may) or when it
 * cannot follow.
 *
 * Compaction, which loads each registry afresh once its arena has grown,
 * runs on a thread of its own: http/compact.c.
 *
 * On PostgreSQL, a write that lost its connection (the primary failing
 * over) before it asked for a commit wrote nothing, and runs once more on
 * the connection made again (store/sql_pg.c).
 *
 * Group commit: a sync costs more than the write it makes durable, so
 * the writes that wait while one commits are written together. Each
 * caller queues its write; the first finding no batch under way takes
 * the queue and writes it as one transaction (store_batch_begin), one
 * change set per write, and one sync; then every caller of the batch is
 * answered, each after that commit. A write that fails, or leaves the
 * snapshot not matching the registry, ends its batch: the writes before
 * it are committed, the rest go into the next. When the batch's commit
 * fails (another process wrote meanwhile, or the disk), nothing of it is
 * written and each of its writes is run again alone; but when it lost its
 * connection and the change log could not tell whether it was written
 * (store_commit_unknown), none is run again (it would be written twice):
 * each is answered that its outcome is unknown.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "http/http.h"
#include "store/store.h"
#include "store/watch.h"

/* How long a catch-up waits for the readers still on the spare before it
 * loads the registry instead. */
#define SPARE_WAIT_MS 2000

/* One line of what the resident loaded, to the log under
 * CHANCERY_DEBUG_LOAD (the tests count the loads so). */
void resident_note(struct resident *r, const char *fmt, ...)
{
    char line[256];
    va_list ap;

    if (!r->log || !getenv("CHANCERY_DEBUG_LOAD"))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    r->log(line, r->log_ctx);
}

enum status resident_load(struct store *st, int32_t as_known_on,
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
    ref->strings = arena_used(&ref->s.strings);
    *out = ref;
    return ST_OK;
}

static enum status writer_ready(struct resident *r, struct err *e);
static void watch(struct resident *r, const char *db_path);

enum status resident_open(struct resident *r, const char *db_path,
                          struct err *e)
{
    struct err we;

    memset(r, 0, sizeof(*r));
    snapshot_init(&r->ws);
    if (store_open(db_path, STORE_OPEN_EXISTING, &r->st, e) ||
        store_open(db_path, STORE_OPEN_EXISTING, &r->side, e) ||
        store_open(db_path, STORE_OPEN_EXISTING, &r->wr, e) ||
        store_open(db_path, STORE_OPEN_EXISTING, &r->cst, e) ||
        store_set_durable(r->wr, e) || store_checkpoint_elsewhere(r->wr, e) ||
        resident_load(r->st, DATE_NONE, &r->cur, e)) {
        store_close(r->cst);
        store_close(r->wr);
        store_close(r->side);
        store_close(r->st);
        return e->status;
    }
    r->cur->refs = 1; /* the resident's own reference */
    /* The twin: without it the first catch-up would load. */
    if (!resident_load(r->st, DATE_NONE, &r->spare, e))
        r->spare->refs = 1;
    pthread_cond_init(&r->freed, NULL);
    pthread_mutex_init(&r->mu, NULL);
    pthread_mutex_init(&r->db_mu, NULL);
    pthread_mutex_init(&r->side_mu, NULL);
    pthread_mutex_init(&r->wr_mu, NULL);
    pthread_mutex_init(&r->q_mu, NULL);
    pthread_cond_init(&r->q_done, NULL);
    pthread_mutex_init(&r->c_mu, NULL);
    pthread_cond_init(&r->c_wake, NULL);
    r->compact_bytes = compact_bytes(&r->compact_bytes_set);
    r->q_tail = &r->q_head;
    store_batch_leaves_image(r->wr);
    /* The writer's snapshot now, not at the first write (on failure,
     * the first write loads it). */
    (void)writer_ready(r, &we);
    watch(r, db_path);
    return ST_OK;
}

void resident_unref(struct snap_ref *ref)
{
    if (--ref->refs == 0) {
        snapshot_release(&ref->s);
        free(ref);
    }
}

void resident_close(struct resident *r)
{
    compact_stop(r);
    store_watch_stop(r->watch);
    resident_unref(r->cur);
    if (r->spare)
        resident_unref(r->spare);
    snapshot_release(&r->ws);
    store_close(r->cst);
    store_close(r->wr);
    store_close(r->side);
    store_close(r->st);
    pthread_mutex_destroy(&r->c_mu);
    pthread_cond_destroy(&r->c_wake);
    pthread_mutex_destroy(&r->wr_mu);
    pthread_mutex_destroy(&r->q_mu);
    pthread_cond_destroy(&r->q_done);
    pthread_mutex_destroy(&r->mu);
    pthread_mutex_destroy(&r->db_mu);
    pthread_mutex_destroy(&r->side_mu);
    pthread_cond_destroy(&r->freed);
}

/* Under db_mu: takes the spare (r->spare becomes NULL) once no reader
 * holds it, or NULL when there is none or readers kept it past
 * SPARE_WAIT_MS: it is then left to them (the last one frees it). */
struct snap_ref *resident_take_spare(struct resident *r)
{
    struct snap_ref *b;
    struct timespec until;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += SPARE_WAIT_MS / 1000;
    until.tv_nsec += (long)(SPARE_WAIT_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->mu);
    while (r->spare && r->spare->refs > 1 && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&r->freed, &r->mu, &until);
    b = r->spare;
    r->spare = NULL;
    if (b && b->refs > 1) {
        resident_unref(b);
        b = NULL;
    }
    pthread_mutex_unlock(&r->mu);
    return b;
}

/* Under db_mu: the registry brought up to the change log's head into
 * *out (refs 1): the spare with the change sets since its seq applied,
 * else (no spare, or they cannot be applied) loaded. */
static enum status catch_up(struct resident *r, struct snap_ref **out,
                            struct err *e)
{
    struct snap_ref *b = resident_take_spare(r);
    int64_t head;

    if (b) {
        if (!store_follow(r->st, b->seq, &b->s, &head, e)) {
            b->seq = head;
            *out = b;
            return ST_OK;
        }
        resident_unref(b); /* part-applied: dropped */
    }
    if (resident_load(r->st, DATE_NONE, out, e))
        return ST_ERROR;
    (*out)->refs = 1;
    resident_note(r, "readers' registry loaded (%s)", store_load_source(r->st));
    return ST_OK;
}

/* Under db_mu: follows the change log when it moved on. After this
 * server's own write (wrote) it did: the catch-up reads the log's head in
 * its transaction, with no read of it before. */
static void refresh(struct resident *r, int wrote)
{
    struct snap_ref *fresh = NULL;
    struct err e;
    int64_t seq = 0, version;

    if (store_data_version(r->st, &version, &e) || version == r->version)
        return;
    if (!wrote && store_log_seq(r->st, &seq, &e))
        return;
    r->version = version;
    if (!wrote && seq == r->cur->seq)
        return;
    if (catch_up(r, &fresh, &e) || !fresh)
        return; /* the last loaded registry serves on */
    pthread_mutex_lock(&r->mu);
    if (r->spare) /* a load while the spare was caught up elsewhere */
        resident_unref(r->spare);
    r->spare = r->cur; /* keeps the resident's reference */
    r->cur = fresh;
    pthread_mutex_unlock(&r->mu);
}

/* The watch's thread, told of other connections' writes (PostgreSQL's
 * notifications): the readers' registry catches up now, not at the next
 * request. */
static void watched(void *ctx)
{
    struct resident *r = ctx;

    pthread_mutex_lock(&r->mu);
    r->watch_busy = 1;
    pthread_mutex_unlock(&r->mu);
    pthread_mutex_lock(&r->db_mu);
    refresh(r, 0);
    pthread_mutex_unlock(&r->db_mu);
    pthread_mutex_lock(&r->mu);
    r->watch_busy = 0;
    pthread_mutex_unlock(&r->mu);
}

/* Whether the watch is catching up now. */
static int watch_busy(struct resident *r)
{
    int busy;

    pthread_mutex_lock(&r->mu);
    busy = r->watch_busy;
    pthread_mutex_unlock(&r->mu);
    return busy;
}

/* On PostgreSQL, the connections' data version from a watch (store/
 * watch.h): no query per request. Without one, the query as on SQLite. */
static void watch(struct resident *r, const char *db_path)
{
    struct err e;

    if (store_watch_start(db_path, watched, r, &r->watch, &e))
        return;
    store_watch_attach(r->st, r->watch);
    store_watch_attach(r->side, r->watch);
    store_watch_attach(r->wr, r->watch);
}

enum status resident_acquire_own(struct resident *r, int32_t as_known_on,
                                 struct snap_ref **out, struct err *e)
{
    enum status rc;

    pthread_mutex_lock(&r->db_mu);
    if (!(rc = resident_load(r->st, as_known_on, out, e))) {
        (*out)->refs = 1;
        (*out)->resident = 0;
    }
    pthread_mutex_unlock(&r->db_mu);
    return rc;
}

/* 1 while writes of the server are queued or being written. */
static int writing(struct resident *r)
{
    int busy;

    pthread_mutex_lock(&r->q_mu);
    busy = r->q_leader || r->q_head;
    pthread_mutex_unlock(&r->q_mu);
    return busy;
}

enum status resident_acquire(struct resident *r, int32_t as_known_on,
                             struct snap_ref **out, struct err *e)
{
    enum status rc = ST_OK;

    if (as_known_on != DATE_NONE) {
        pthread_mutex_lock(&r->db_mu);
        if (!(rc = resident_load(r->st, as_known_on, out, e)))
            (*out)->refs = 1;
        pthread_mutex_unlock(&r->db_mu);
        return rc;
    }
    /* While the server writes, the writer brings the registry up to its
     * writes (after their commit, before their answers): a read leaves
     * that catch-up to it rather than run it on the read's time. */
    if (!writing(r) && !pthread_mutex_trylock(&r->db_mu)) {
        refresh(r, 0);
        pthread_mutex_unlock(&r->db_mu);
    } else if (watch_busy(r)) {
        /* The watch brings in another process's write (O(change)): a
         * request after that write waits for it, as it would have read
         * it itself. */
        pthread_mutex_lock(&r->db_mu);
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
        resident_unref(ref);
        return;
    }
    pthread_mutex_lock(&r->mu);
    resident_unref(ref);
    /* The spare keeps the resident's reference: never freed here. */
    if (r->spare && r->spare->refs == 1)
        pthread_cond_broadcast(&r->freed);
    pthread_mutex_unlock(&r->mu);
}

/* Under wr_mu: the writer's snapshot at the change log's head: kept, or
 * brought there by following another process's writes, else loaded. */
static enum status writer_ready(struct resident *r, struct err *e)
{
    int64_t seq, head;

    if (store_log_seq(r->wr, &seq, e))
        return e->status;
    if (r->ws_ok && seq == store_known_head(r->wr))
        return ST_OK;
    if (r->ws_ok &&
        !store_follow(r->wr, store_known_head(r->wr), &r->ws, &head, e))
        return ST_OK;
    snapshot_release(&r->ws);
    snapshot_init(&r->ws);
    r->ws_ok = 0;
    if (store_load(r->wr, DATE_NONE, &r->ws, e))
        return e->status;
    r->ws_ok = 1;
    r->ws_strings = arena_used(&r->ws.strings);
    resident_note(r, "writer's snapshot loaded (%s)", store_load_source(r->wr));
    return ST_OK;
}

/* A write waiting in the queue, and its outcome. */
struct write_wait {
    resident_write_fn fn;
    void *ctx;
    enum status rc;
    struct err e;
    int done;
    struct write_wait *next;
};

/* Under wr_mu: runs w alone, as its own transaction. */
static void write_one(struct resident *r, struct write_wait *w)
{
    int exact, tries = 0;
    unsigned long asked;

    do {
        err_clear(&w->e);
        exact = 0;
        asked = store_commits(r->wr);
        w->rc = writer_ready(r, &w->e);
        if (!w->rc)
            w->rc = w->fn(r->wr, &r->ws, w->ctx, &exact, &w->e);
        /* Each write leaves its strings in the snapshot's arena:
         * compaction loads it afresh once they weigh. */
        r->ws_ok = !w->rc && exact;
        /* A write that lost its connection (PostgreSQL failing over)
         * before it asked for a commit wrote nothing: once more, on the
         * connection made again. */
    } while (w->rc == ST_ERROR && !tries++ && store_connection_lost(r->wr) &&
             store_commits(r->wr) == asked);
}

/* Under wr_mu: writes a batch from the writes list in one transaction;
 * returns the first write it left for the next batch (NULL: none). */
static struct write_wait *write_batch(struct resident *r,
                                      struct write_wait *list)
{
    struct write_wait *w, *stop = NULL;
    struct err e;
    int exact = 1;

    if (!list->next || writer_ready(r, &e) || store_batch_begin(r->wr, &e)) {
        write_one(r, list);
        return list->next;
    }
    for (w = list; w; w = w->next) {
        exact = 0;
        w->rc = w->fn(r->wr, &r->ws, w->ctx, &exact, &w->e);
        if (w->rc || !exact) {
            exact = 0;
            stop = w->next;
            break;
        }
    }
    if (store_batch_end(r->wr, 1, &e)) {
        r->ws_ok = 0;
        /* Its COMMIT lost, the batch may have been written: run again,
         * its writes would be written twice. Each is answered so (503,
         * "whether it was written is unknown"). */
        if (store_commit_unknown(r->wr)) {
            for (w = list; w != stop; w = w->next) {
                w->rc = ST_ERROR;
                w->e = e;
            }
            return stop;
        }
        /* Nothing of the batch was written: each write again, alone. */
        for (w = list; w != stop; w = w->next)
            write_one(r, w);
        return stop;
    }
    r->ws_ok = exact;
    return stop;
}

/* The leader: writes the queued list, batch after batch, then brings
 * the readers' registry up to the writes before they are acknowledged,
 * so that a read issued after the answer sees them. */
static void write_all(struct resident *r, struct write_wait *list)
{
    int wrote = 0;

    pthread_mutex_lock(&r->wr_mu);
    while (list) {
        struct write_wait *next = write_batch(r, list);

        for (struct write_wait *w = list; w != next; w = w->next)
            wrote |= !w->rc;
        list = next;
    }
    pthread_mutex_unlock(&r->wr_mu);
    if (wrote) {
        pthread_mutex_lock(&r->db_mu);
        refresh(r, 1);
        pthread_mutex_unlock(&r->db_mu);
    }
}

enum status resident_write(struct resident *r, resident_write_fn fn, void *ctx,
                           struct err *e)
{
    struct write_wait me = { fn, ctx, ST_OK, { ST_OK, "" }, 0, NULL };

    /* me stays in the queue only until a leader takes it, which is
     * before it is done and this returns. */
    pthread_mutex_lock(&r->q_mu);
    /* cppcheck-suppress autoVariables */
    *r->q_tail = &me;
    /* cppcheck-suppress autoVariables */
    r->q_tail = &me.next;
    while (!me.done) {
        struct write_wait *list;

        if (r->q_leader) {
            pthread_cond_wait(&r->q_done, &r->q_mu);
            continue;
        }
        r->q_leader = 1;
        list = r->q_head;
        r->q_head = NULL;
        r->q_tail = &r->q_head;
        pthread_mutex_unlock(&r->q_mu);
        write_all(r, list);
        pthread_mutex_lock(&r->q_mu);
        for (struct write_wait *w = list, *next; w; w = next) {
            next = w->next; /* w's caller may return once done is set */
            w->done = 1;
        }
        r->q_leader = 0;
        pthread_cond_broadcast(&r->q_done);
    }
    pthread_mutex_unlock(&r->q_mu);
    if (me.rc)
        *e = me.e;
    return me.rc;
}
