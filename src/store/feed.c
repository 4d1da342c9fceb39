/*
 * A change set fed while it is being made (store.h, store_feed_*). An
 * import hands over its rows in chunks as it reads them; rows handed over
 * do not move (the reader waits, store_feed_drain, before a table grows),
 * so a thread of this file writes them while the reader goes on. Reading
 * and writing then share the two cores instead of taking turns. The
 * transaction begins on the caller's thread, so a locked or stale registry
 * is reported before any reading; from then on the connection belongs to
 * the feed's thread until store_feed_finish.
 */
#include <pthread.h>

#include "base/xalloc.h"
#include "store/internal.h"

struct feed_range {
    enum entity_kind kind;
    uint32_t from, to;
};

struct store_feed {
    struct store_txn *txn;
    const struct snapshot *s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t moved;
    struct feed_range *queue; /* under lock, as the three below */
    size_t n_queued, alloc, n_taken;
    int busy; /* a range taken is being written */
    int finishing;
    int failed;
    struct err e;         /* the first failure, once failed */
    const char *log_path; /* store_feed_adopt_log's */
    int *adopted;
};

/* Writes one range as insertions; the failure goes to f. */
static void write_range(struct store_feed *f, const struct feed_range *r)
{
    size_t n = r->to - r->from;
    struct change *changes = xcalloc(n + 1, sizeof(*changes));
    struct err e;

    for (size_t i = 0; i < n; i++)
        changes[i] =
            (struct change){ OP_INSERT, r->kind, r->from + (uint32_t)i, NULL };
    if (store_write(f->txn, f->s, changes, n, &e)) {
        pthread_mutex_lock(&f->lock);
        f->failed = 1;
        f->e = e;
        pthread_mutex_unlock(&f->lock);
    }
    free(changes);
}

/* The next range to write; 0 when the feed is finishing and none is left.
 * Taking one says that the range taken before is written. */
static int take(struct store_feed *f, struct feed_range *r)
{
    int got;

    pthread_mutex_lock(&f->lock);
    f->busy = 0;
    pthread_cond_broadcast(&f->moved);
    while (f->n_taken == f->n_queued && !f->finishing)
        pthread_cond_wait(&f->moved, &f->lock);
    got = f->n_taken < f->n_queued;
    if (got) {
        *r = f->queue[f->n_taken++];
        f->busy = 1;
    }
    pthread_mutex_unlock(&f->lock);
    return got;
}

static void *run(void *arg)
{
    struct store_feed *f = arg;
    struct feed_range r;

    /* After a failure the rest is taken but not written: the caller is
     * told, and finishing rolls everything back. */
    while (take(f, &r))
        if (!store_feed_failed(f))
            write_range(f, &r);
    return NULL;
}

enum status store_feed_start(struct store *st, const struct snapshot *s,
                             const struct change_meta *meta, size_t expected,
                             struct store_feed **out, struct err *e)
{
    struct store_feed *f = xcalloc(1, sizeof(*f));

    f->s = s;
    if (store_begin(st, meta, expected, &f->txn, e)) {
        free(f);
        return e->status;
    }
    txn_loaded(f->txn, s);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->moved, NULL);
    if (pthread_create(&f->thread, NULL, run, f)) {
        store_abort(f->txn);
        pthread_mutex_destroy(&f->lock);
        pthread_cond_destroy(&f->moved);
        free(f);
        return err_set(e, ST_ERROR, "cannot start the writing thread");
    }
    *out = f;
    return ST_OK;
}

void store_feed_adopt_log(struct store_feed *f, const char *path, int *adopted)
{
    f->log_path = path;
    f->adopted = adopted;
    *adopted = 0;
}

void store_feed_drain(struct store_feed *f)
{
    pthread_mutex_lock(&f->lock);
    while (f->n_taken < f->n_queued || f->busy)
        pthread_cond_wait(&f->moved, &f->lock);
    pthread_mutex_unlock(&f->lock);
}

void store_feed_insert(struct store_feed *f, enum entity_kind kind,
                       uint32_t from, uint32_t to)
{
    if (from >= to)
        return;
    pthread_mutex_lock(&f->lock);
    XGROW(f->queue, f->n_queued + 1, f->alloc);
    f->queue[f->n_queued++] = (struct feed_range){ kind, from, to };
    pthread_cond_broadcast(&f->moved);
    pthread_mutex_unlock(&f->lock);
}

int store_feed_failed(struct store_feed *f)
{
    int failed;

    pthread_mutex_lock(&f->lock);
    failed = f->failed;
    pthread_mutex_unlock(&f->lock);
    return failed;
}

enum status store_feed_finish(struct store_feed *f, int commit, struct err *e)
{
    enum status rc = ST_OK;

    pthread_mutex_lock(&f->lock);
    f->finishing = 1;
    pthread_cond_broadcast(&f->moved);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    if (f->failed) {
        *e = f->e;
        rc = e->status;
    }
    if (commit && !rc && f->log_path)
        rc = txn_adopt_log(f->txn, f->s, f->log_path, f->adopted, e);
    if (commit && !rc)
        rc = store_commit(f->txn, e);
    else
        store_abort(f->txn);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->moved);
    free(f->queue);
    free(f);
    return rc;
}
