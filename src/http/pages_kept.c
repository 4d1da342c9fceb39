/*
 * Which writes a page depends on (pages.h, page_relevant_seq). A kept
 * rendering (memo.h) is keyed by the registry's head, so any write
 * dropped it; but most of the web's writes are notifications and
 * decisions, and a UN report, a Diplomatic List or a forecast reads no
 * notification. So the server follows the change log's entries (those
 * between the registry it last looked at and the request's, store_log_
 * range, read once for all pages) and remembers, per kind of record,
 * the last entry that changed one; a page keys what it keeps by the last
 * entry of the kinds it reads. Its rendering is then kept across writes
 * that cannot change it, and computed again (in full) after one that
 * can. An entry of an unknown kind, or too long a gap to read, counts as
 * a change of every kind.
 */
#include <pthread.h>
#include <string.h>

#include "core/entity.h"
#include "http/pages.h"
#include "store/store.h"

/* More entries than this since the last look: every kind changed. */
#define GAP_MAX 4096

static struct {
    int64_t seen;             /* the log read up to here; 0: not yet */
    int64_t last[ENT__COUNT]; /* per kind, the last entry that changed one */
} log_kinds;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void changed_all(int64_t seq)
{
    for (int k = 0; k < ENT__COUNT; k++)
        log_kinds.last[k] = seq;
}

/* The entity kind named name, or -1. */
static int kind_of(const char *name)
{
    const struct entity *x = entity_by_name(name);

    for (int k = 0; x && k < ENT__COUNT; k++)
        if (ENTITIES[k] == x)
            return k;
    return -1;
}

/* Reads the entries from the last look to seq. */
static void follow(struct page_rq *p, int64_t seq)
{
    struct change_list l = { NULL, 0, 0 };
    struct err e;
    enum status rc;

    pthread_mutex_lock(&p->rq.res->side_mu);
    rc = store_log_range(p->rq.res->side, log_kinds.seen, seq, GAP_MAX + 1, &l,
                         &e);
    pthread_mutex_unlock(&p->rq.res->side_mu);
    if (rc || l.n > GAP_MAX)
        changed_all(seq);
    for (size_t i = 0; !rc && i < l.n && l.n <= GAP_MAX; i++) {
        int k = kind_of(l.items[i].entity);

        if (k >= 0)
            log_kinds.last[k] = l.items[i].seq;
        else
            changed_all(l.items[i].seq);
    }
    change_list_release(&l);
    log_kinds.seen = seq;
}

int64_t page_relevant_seq(struct page_rq *p, unsigned kinds)
{
    int64_t seq = p->rq.s_seq, last = 0;

    if (p->as_known_on != DATE_NONE || !p->rq.res || !p->rq.res->side ||
        seq <= 0)
        return seq;
    pthread_mutex_lock(&log_mu);
    if (!log_kinds.seen) {
        log_kinds.seen = seq;
        changed_all(seq);
    } else if (seq > log_kinds.seen) {
        follow(p, seq);
    }
    if (seq != log_kinds.seen) {
        /* A request on a registry older than the last looked at. */
        pthread_mutex_unlock(&log_mu);
        return seq;
    }
    for (int k = 0; k < ENT__COUNT; k++)
        if ((kinds >> k) & 1u && log_kinds.last[k] > last)
            last = log_kinds.last[k];
    pthread_mutex_unlock(&log_mu);
    return last;
}
