/*
 * The resident snapshot: the server loads the registry once and every read
 * shares it by reference count. A request first checks the change log's
 * head (at most once per request, only when no other request holds the
 * store, and only when the database's data version says that another
 * connection has written since the last look): when the log moved, it
 * loads the new
 * registry and swaps it in; requests already reading keep the old one until
 * they release it. A request never waits for a load: while one runs, the
 * others read the last loaded registry. (Applying the missing change sets
 * in memory instead of reloading is the store's next step.)
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "http/http.h"
#include "store/store.h"

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
    if (store_open(db_path, STORE_OPEN_EXISTING, &r->st, e))
        return e->status;
    if (store_open(db_path, STORE_OPEN_EXISTING, &r->side, e)) {
        store_close(r->st);
        return e->status;
    }
    if (load(r->st, DATE_NONE, &r->cur, e)) {
        store_close(r->side);
        store_close(r->st);
        return e->status;
    }
    r->cur->refs = 1; /* the resident's own reference */
    pthread_mutex_init(&r->mu, NULL);
    pthread_mutex_init(&r->db_mu, NULL);
    pthread_mutex_init(&r->side_mu, NULL);
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
    store_close(r->side);
    store_close(r->st);
    pthread_mutex_destroy(&r->mu);
    pthread_mutex_destroy(&r->db_mu);
    pthread_mutex_destroy(&r->side_mu);
}

/* Under db_mu: loads the registry again when the log moved on. */
static void refresh(struct resident *r)
{
    struct snap_ref *fresh;
    struct err e;
    int64_t seq, version;

    if (store_data_version(r->st, &version, &e) || version == r->version)
        return;
    if (store_log_seq(r->st, &seq, &e))
        return;
    r->version = version;
    if (seq == r->cur->seq)
        return;
    if (load(r->st, DATE_NONE, &fresh, &e))
        return; /* the last loaded registry serves on */
    fresh->refs = 1;
    pthread_mutex_lock(&r->mu);
    unref(r->cur);
    r->cur = fresh;
    pthread_mutex_unlock(&r->mu);
}

enum status resident_acquire_own(struct resident *r, int32_t as_known_on,
                                 struct snap_ref **out, struct err *e)
{
    enum status rc;

    pthread_mutex_lock(&r->db_mu);
    if (!(rc = load(r->st, as_known_on, out, e))) {
        (*out)->refs = 1;
        (*out)->resident = 0;
    }
    pthread_mutex_unlock(&r->db_mu);
    return rc;
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
