/*
 * The watch of store/watch.h: one libpq connection of its own that
 * LISTENs on STORE_WATCH_CHANNEL, and a thread that blocks in poll() on
 * its socket (and on a pipe that stop writes to), reads what arrives
 * (PQconsumeInput, PQnotifies), bumps an atomic version and calls its
 * owner back. Every write transaction on PostgreSQL sends the
 * notification inside itself (store/db.c), so it is delivered only once
 * the write has committed, and a query made after it sees the write.
 *
 * A connection that drops (its server stopped or failed over) is made
 * again, every WATCH_RETRY_MS, with the same URL (a multi-host URL finds
 * the new primary); meanwhile the watch is not listening, so that the
 * stores attached to it ask the database again, and once listening again
 * the version moves and the owner is called: what was written meanwhile
 * was not announced. A server where LISTEN fails (a hot standby refuses
 * it) is tried again every WATCH_REFUSED_MS.
 *
 * The version starts far above what the query of store_data_version
 * answers (a sum of counters), so the two never meet when a store goes
 * from one to the other.
 */
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/internal.h"
#include "store/watch.h"

/* Between two attempts to connect; to listen, where a server refused. */
#define WATCH_RETRY_MS   200
#define WATCH_REFUSED_MS 5000
#define WATCH_VERSION0   ((int64_t)1 << 62)

/* The backend pids of our committers a watch keeps (store_watch_own). */
#define WATCH_OWN 8

struct store_watch {
    char *url;
    void (*changed)(void *ctx);
    void *ctx;
    atomic_llong version;
    atomic_int listening;
    atomic_int stop;
    int wake[2]; /* a pipe: written to by stop */
    pthread_t thread;
    atomic_int own[WATCH_OWN]; /* backend pids of our committers, 0: free */
};

int store_watch_listening(struct store_watch *w)
{
    return atomic_load(&w->listening);
}

int64_t store_watch_version(struct store_watch *w)
{
    return atomic_load(&w->version);
}

void store_watch_touch(struct store_watch *w)
{
    atomic_fetch_add(&w->version, 1);
}

void store_watch_own(struct store_watch *w, int pid, int own)
{
    int i;

    if (pid <= 0)
        return;
    for (i = 0; i < WATCH_OWN && atomic_load(&w->own[i]) != pid; i++)
        ;
    if (i < WATCH_OWN) {
        if (!own)
            atomic_store(&w->own[i], 0);
        return;
    }
    for (i = 0; own && i < WATCH_OWN; i++) {
        int free_slot = 0;

        if (atomic_compare_exchange_strong(&w->own[i], &free_slot, pid))
            return;
    }
}

/* Whether pid is one of our committers' backends. */
static int watch_own(struct store_watch *w, int pid)
{
    for (int i = 0; i < WATCH_OWN; i++)
        if (atomic_load(&w->own[i]) == pid)
            return 1;
    return 0;
}

void store_watch_attach(struct store *st, struct store_watch *w)
{
    if (st)
        st->watch = w;
}

/* A connection that listens, or NULL (*refused: the server answered,
 * but not to LISTEN). */
static PGconn *watch_connect(struct store_watch *w, int *refused)
{
    PGconn *c = PQconnectdb(w->url);
    PGresult *res;
    int ok;

    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    res = PQexec(c, "LISTEN " STORE_WATCH_CHANNEL);
    ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    *refused = !ok;
    if (!ok || PQsetnonblocking(c, 1)) {
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* Waits ms or until stopped. */
static void watch_pause(struct store_watch *w, int ms)
{
    struct pollfd p = { w->wake[0], POLLIN, 0 };

    if (!atomic_load(&w->stop))
        (void)poll(&p, 1, ms);
}

/* Reads c's notifications until it drops or the watch stops. */
static void watch_listen(struct store_watch *w, PGconn *c)
{
    while (!atomic_load(&w->stop)) {
        struct pollfd p[2] = { { PQsocket(c), POLLIN, 0 },
                               { w->wake[0], POLLIN, 0 } };
        PGnotify *n;
        int got = 0;

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (!p[0].revents)
            continue;
        if (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK)
            return;
        while ((n = PQnotifies(c))) {
            got |= !watch_own(w, n->be_pid);
            PQfreemem(n);
        }
        if (got) {
            store_watch_touch(w);
            w->changed(w->ctx);
        }
    }
}

static void *watch_run(void *arg)
{
    struct store_watch *w = arg;

    while (!atomic_load(&w->stop)) {
        int refused = 0;
        PGconn *c = watch_connect(w, &refused);

        if (!c) {
            watch_pause(w, refused ? WATCH_REFUSED_MS : WATCH_RETRY_MS);
            continue;
        }
        atomic_store(&w->listening, 1);
        store_watch_touch(w);
        w->changed(w->ctx);
        watch_listen(w, c);
        atomic_store(&w->listening, 0);
        store_watch_touch(w);
        PQfinish(c);
    }
    return NULL;
}

enum status store_watch_start(const char *db, void (*changed)(void *ctx),
                              void *ctx, struct store_watch **out,
                              struct err *e)
{
    struct store_watch *w;

    *out = NULL;
    /* A test's hook: with CHANCERY_TEST_NO_WATCH set, no watch, as on
     * SQLite (the readers' catch-ups then run in the requests). */
    if (!db_is_pg_url(db) || getenv("CHANCERY_TEST_NO_WATCH"))
        return ST_OK;
    w = xcalloc(1, sizeof(*w));
    w->url = xstrdup(db);
    w->changed = changed;
    w->ctx = ctx;
    atomic_init(&w->version, WATCH_VERSION0);
    atomic_init(&w->listening, 0);
    atomic_init(&w->stop, 0);
    if (pipe(w->wake)) {
        free(w->url);
        free(w);
        return err_set(e, ST_ERROR, "cannot watch the database: %s",
                       strerror(errno));
    }
    (void)fcntl(w->wake[1], F_SETFL, O_NONBLOCK);
    if (pthread_create(&w->thread, NULL, watch_run, w)) {
        close(w->wake[0]);
        close(w->wake[1]);
        free(w->url);
        free(w);
        return err_set(e, ST_ERROR, "cannot start the database's watch");
    }
    *out = w;
    return ST_OK;
}

void store_watch_stop(struct store_watch *w)
{
    if (!w)
        return;
    atomic_store(&w->stop, 1);
    if (write(w->wake[1], "x", 1) < 0) {
        /* the pipe is full: the thread wakes already */
    }
    pthread_join(w->thread, NULL);
    close(w->wake[0]);
    close(w->wake[1]);
    free(w->url);
    free(w);
}
