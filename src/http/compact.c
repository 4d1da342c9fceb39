/*
 * Compaction of the resident registries (http/resident.c), on a thread
 * of its own. Each change set applied to a registry in memory (a write,
 * a catch-up) puts its strings in the registry's arena, and an update
 * leaves the strings it replaced there: nothing is freed until the
 * registry is loaded again, so a long-running server would grow by them
 * (some 300 bytes per write in each of the three). A thread of its own
 * (compactor) looks every second at how many bytes each registry's
 * arena gained since its load, and past COMPACT_BYTES or the image's
 * COMPACT_SHARE-th (CHANCERY_SERVE_COMPACT_BYTES sets it) writes the
 * image again at the head and loads the registry afresh from it on a
 * connection of its own, off every read's path: for the readers, the
 * spare is released (once its last readers let it go) and the new
 * registry loaded in its place (the next catch-up brings it to the head
 * and swaps it in as cur, so the two are compacted in turn); for the
 * writer, its snapshot is released and loaded again under the write
 * lock, brought to the head there (store_follow). Released first, then
 * loaded: never a fourth copy, and the new one takes the old one's
 * place, the image's own address among them (a copy mapped elsewhere
 * has every pointer rewritten, some 38 MiB of private pages on the 100k
 * world: a server that loaded first lost that address at its first
 * compaction and held a registry's worth more from then on). A write
 * waits for the load that holds its lock (its catch-up for the
 * readers', itself for the writer's), some tenths of a second a minute
 * under load; reads never do. A load that folds many change sets into
 * the image rewrites the image (store/load.c), so that rewrite too runs
 * on the compactor's thread, never on a write's: the writer no longer
 * loads its snapshot afresh every so many writes. The same thread
 * checkpoints SQLite's WAL every second, which the writer's commits no
 * longer do (a checkpoint syncs the database file, and the write that
 * crossed the threshold, with its whole group, waited for it).
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <time.h>

#include "base/date.h"
#include "http/http.h"
#include "store/store.h"

/* The bytes a registry's arena may gain after its load before it is
 * loaded afresh (compaction, above), or the image's size over
 * COMPACT_SHARE when that is more. */
#define COMPACT_BYTES ((size_t)1 << 20)
#define COMPACT_SHARE 64
/* The changes the image may lag behind the head before a compaction
 * writes it again (a load folds them into the arena). */
#define COMPACT_IMAGE_CHANGES 256

/* COMPACT_BYTES, or CHANCERY_SERVE_COMPACT_BYTES when it is a number
 * (*set 1: the tests set 1, so that every change set compacts). */
size_t compact_bytes(int *set)
{
    const char *v = getenv("CHANCERY_SERVE_COMPACT_BYTES");
    char *end;
    unsigned long long n;

    *set = 0;
    if (!v || !*v)
        return COMPACT_BYTES;
    errno = 0;
    n = strtoull(v, &end, 10);
    if (*end || errno || !n)
        return COMPACT_BYTES;
    *set = 1;
    return (size_t)n;
}

/* The bytes an arena that held at_load bytes once loaded gained since,
 * when they are enough for a registry of map_size bytes of image to be
 * loaded afresh (the larger the image, the more a load costs, so the more
 * it waits for); else 0. */
static size_t gained(const struct resident *r, const struct arena *a,
                     size_t at_load, size_t map_size)
{
    size_t now = arena_used(a), limit = r->compact_bytes;

    if (!r->compact_bytes_set && map_size / COMPACT_SHARE > limit)
        limit = map_size / COMPACT_SHARE;
    return now > at_load && now - at_load >= limit ? now - at_load : 0;
}

/* The readers' spare loaded afresh, once freed: under db_mu (no catch-up
 * runs meanwhile: a write's waits for the load, reads go on with cur),
 * the spare is taken once its readers let it go, released, and only then
 * is the new one loaded, so that two copies never live at once beside
 * cur: the peak is a registry lower, and the new copy is mapped where
 * the old one was (the image's own address, IMAGE_BASE, when the old one
 * held it: a copy mapped elsewhere has its pointers rewritten, tens of
 * megabytes of private pages more, so a server that loaded the new copy
 * first lost that address for good). When readers keep the spare past
 * SPARE_WAIT_MS it is left to them (the last one frees it). */
static void compact_readers(struct resident *r, size_t dropped)
{
    struct snap_ref *fresh = NULL, *old;
    struct err e;

    pthread_mutex_lock(&r->db_mu);
    old = resident_take_spare(r);
    if (old)
        resident_unref(old);
    if (!resident_load(r->cst, DATE_NONE, &fresh, &e))
        fresh->refs = 1;
    pthread_mutex_lock(&r->mu);
    r->spare = fresh; /* NULL: the next catch-up loads */
    pthread_mutex_unlock(&r->mu);
    pthread_mutex_unlock(&r->db_mu);
    if (fresh)
        resident_note(r,
                      "compaction: readers' registry loaded (%s), %zu bytes of "
                      "strings dropped",
                      store_load_source(r->cst), dropped);
}

/* The writer's snapshot loaded afresh under the write lock (writes wait
 * for the load), released first for the reason compact_readers gives,
 * and brought to the head (the writes made since the load's look). When
 * the load fails or it cannot follow, the next write loads it, as after
 * any write that leaves it not exact. */
static void compact_writer(struct resident *r, size_t dropped)
{
    struct snap_ref *fresh;
    struct err e;
    int64_t head;

    pthread_mutex_lock(&r->wr_mu);
    if (r->ws_ok) {
        snapshot_release(&r->ws);
        snapshot_init(&r->ws);
        r->ws_ok = 0;
        if (!resident_load(r->cst, DATE_NONE, &fresh, &e)) {
            r->ws = fresh->s;
            r->ws_strings = fresh->strings;
            r->ws_ok = !store_follow(r->wr, fresh->seq, &r->ws, &head, &e);
            free(fresh);
            resident_note(
                r,
                "compaction: writer's snapshot loaded (%s), %zu bytes of "
                "strings dropped",
                store_load_source(r->cst), dropped);
        }
    }
    pthread_mutex_unlock(&r->wr_mu);
}

/* One look: the registries whose arenas gained enough are loaded afresh
 * from an image brought to the head first (so that the load folds nothing
 * into the arena: the image holds the new records, packed), and the
 * memory the old ones held is given back to the system. */
static void compact(struct resident *r)
{
    size_t readers = 0, writer = 0;
    struct err e;
    int64_t head;

    pthread_mutex_lock(&r->db_mu);
    if (r->spare)
        readers = gained(r, &r->spare->s.strings, r->spare->strings,
                         r->spare->s.map_size);
    pthread_mutex_unlock(&r->db_mu);
    pthread_mutex_lock(&r->wr_mu);
    if (r->ws_ok)
        writer = gained(r, &r->ws.strings, r->ws_strings, r->ws.map_size);
    pthread_mutex_unlock(&r->wr_mu);
    if (!readers && !writer)
        return;
    /* Both readers' registries come due one after the other (the spare
     * is swapped in at the next write, and the old cur becomes the
     * spare): the image is written again only when it lags enough. */
    if (!store_log_seq(r->cst, &head, &e) &&
        head - r->image_seq >= COMPACT_IMAGE_CHANGES) {
        store_refresh_image(r->cst);
        r->image_seq = head;
    }
    if (readers)
        compact_readers(r, readers);
    if (writer)
        compact_writer(r, writer);
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* The compactor's thread: every second until compact_stop, the rest of
 * the image checked and opened (store_image_open_rest), a checkpoint of
 * the WAL (the writer's commits leave it to this thread: a checkpoint
 * copies pages and syncs the database file, which would stall the write
 * that crossed SQLite's threshold, and every write of its group) and a
 * look at the registries. */
static void *compactor(void *arg)
{
    struct resident *r = arg;
    struct err e;

    pthread_mutex_lock(&r->c_mu);
    while (!r->c_stop) {
        struct timespec until;

        /* First, so that no request pays for a first touch of the image
         * (a load since the last turn maps a new one). */
        pthread_mutex_unlock(&r->c_mu);
        store_image_open_rest();
        pthread_mutex_lock(&r->c_mu);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec++;
        pthread_cond_timedwait(&r->c_wake, &r->c_mu, &until);
        if (r->c_stop)
            break;
        pthread_mutex_unlock(&r->c_mu);
        (void)store_checkpoint(r->cst, &e);
        compact(r);
        if (r->tick)
            r->tick(r->tick_ctx);
        pthread_mutex_lock(&r->c_mu);
    }
    pthread_mutex_unlock(&r->c_mu);
    return NULL;
}

void resident_compact_start(struct resident *r,
                            void (*log)(const char *line, void *ctx), void *ctx)
{
    r->log = log;
    r->log_ctx = ctx;
    r->compactor_on = !pthread_create(&r->compactor, NULL, compactor, r);
}

void compact_stop(struct resident *r)
{
    if (!r->compactor_on)
        return;
    pthread_mutex_lock(&r->c_mu);
    r->c_stop = 1;
    pthread_cond_signal(&r->c_wake);
    pthread_mutex_unlock(&r->c_mu);
    pthread_join(r->compactor, NULL);
    r->compactor_on = 0;
}
