/*
 * The server: libmicrohttpd with its own threads (a pool of
 * THREADS_PER_CORE per core, each polling its connections), so a slow
 * client holds a socket, never a thread. A handler runs on its thread
 * and a write waits there for the writer and the disk (a durable commit):
 * with one thread per core, a few writes in flight would hold every
 * thread and the reads polled by them would wait behind the writes, so
 * the pool is larger than the cores. Its limits turn hostile clients away
 * cleanly, each with an {"error": ...}: a body over 1 MiB is 413, a URL over
 * HTTP_URL_MAX 414, headers over HTTP_HEADERS_MAX 431 (past the connection's 32
 * KiB, libmicrohttpd answers 414 or 431 itself, with its own body; it zeroes
 * those 32 KiB after every request, so they are not more), an idle
 * connection is closed after CONN_TIMEOUT seconds, and the connections are
 * capped in all and per address. Each request goes through one path:
 * route (404/405), query parameters (400), token (401), role (401/403),
 * snapshot, handler, status to HTTP code; every error is {"error": "..."}.
 * A path outside /api/ and /openapi.json is a web page (pages.c).
 * SIGTERM or SIGINT stops accepting, lets the requests in flight finish
 * and returns.
 *
 * A write of the registry (route_writes) does not hold the pool's thread
 * while it waits for the writer and the disk: its connection is
 * suspended and the request handed to one of WRITE_WORKERS threads, which
 * run it (resident_write commits the writes waiting together, so the
 * more of them wait the fewer syncs) and resume the connection; the
 * pool's thread then sends the answer. So the reads polled by that
 * thread never wait behind a write.
 */
#include <arpa/inet.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <jansson.h>
#include <microhttpd.h>
#include <signal.h>
#include <sodium.h>
#include <unistd.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "http/cache.h"
#include "http/http.h"
#include "store/idempotency.h"

#define BODY_MAX         ((size_t)1 << 20)
#define CONN_MEMORY      ((size_t)32 << 10)
#define CONN_TIMEOUT     10
#define CONN_LIMIT       512
#define THREADS_PER_CORE 8
#define CONN_PER_ADDRESS 128
#define WRITE_WORKERS    64
#define MEMORY_EVERY     10 /* seconds between memory lines */

struct exchange;

struct server {
    const struct http_options *o;
    struct resident res;
    struct answer_cache cache;
    /* The writes handed to the workers, first in first out. */
    pthread_mutex_t wq_mu;
    pthread_cond_t wq_ready;
    struct exchange *wq_head, **wq_tail;
    int wq_stop;
    pthread_t workers[WRITE_WORKERS];
    int n_workers;
    unsigned ticks; /* the compactor's seconds (tick) */
};

/* A write handed to a worker (its connection suspended meanwhile). */
struct pending {
    struct MHD_Connection *c;
    const struct route *route;
    struct request rq;
    struct buf out;
    struct err e;
    int code; /* 0 until the worker ran it */
    char address[64];
    char captures[MAX_CAPTURES][256];
};

/* One request's state across libmicrohttpd's calls. */
struct exchange {
    struct timespec start;
    struct buf body;
    int too_large;
    int code;
    char account[64];
    char method[16];
    char path[256];
    struct pending *write; /* a write handed to a worker, or NULL */
    struct exchange *next; /* in the workers' queue */
};

static int64_t usec_since(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - t->tv_sec) * 1000000 +
           (now.tv_nsec - t->tv_nsec) / 1000;
}

static enum MHD_Result send_typed(struct MHD_Connection *c, int code,
                                  const struct buf *b, const char *type)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(b->len, b->data, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc;

    MHD_add_response_header(r, "Content-Type", type);
    rc = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return rc;
}

/* A handler's answer; a write's replayed answer says so in a header. */
static enum MHD_Result send_answer(struct MHD_Connection *c, int code,
                                   const struct buf *b,
                                   const struct request *rq)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(b->len, b->data, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc;

    MHD_add_response_header(r, "Content-Type",
                            rq->content_type ? rq->content_type
                                             : "application/json");
    if (rq->replayed)
        MHD_add_response_header(r, "Idempotent-Replayed", "true");
    rc = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result send_buf(struct MHD_Connection *c, int code,
                                const struct buf *b)
{
    return send_typed(c, code, b, "application/json");
}

static enum MHD_Result send_error(struct MHD_Connection *c, struct exchange *x,
                                  int code, const char *msg)
{
    json_t *j = json_pack("{s:s}", "error", msg);
    char *text = json_dumps(j, 0);
    struct buf b;
    enum MHD_Result rc;

    buf_init(&b, BUF_MAX_DEFAULT);
    buf_addstr(&b, text);
    buf_addch(&b, '\n');
    x->code = code;
    rc = send_buf(c, code, &b);
    buf_release(&b);
    free(text);
    json_decref(j);
    return rc;
}

struct param_walk {
    struct request *rq;
    const struct route *route;
    struct err e;
};

static enum MHD_Result take_param(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value)
{
    struct param_walk *w = cls;

    (void)kind;
    return request_add_param(w->rq, w->route, key, value, &w->e) ? MHD_NO
                                                                 : MHD_YES;
}

/* What the request line's query and the headers weigh. */
struct weight {
    size_t bytes, count;
};

static enum MHD_Result weigh(void *cls, enum MHD_ValueKind kind,
                             const char *key, const char *value)
{
    struct weight *w = cls;

    (void)kind;
    w->bytes += strlen(key) + (value ? strlen(value) + 2 : 0) + 2;
    w->count++;
    return MHD_YES;
}

/* 0 when the request is within the limits of http.h, else the HTTP code,
 * with the message in e. */
static int over_limits(struct MHD_Connection *c, const char *url, struct err *e)
{
    struct weight q = { strlen(url), 0 }, h = { 0, 0 };

    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, weigh, &q);
    MHD_get_connection_values(c, MHD_HEADER_KIND, weigh, &h);
    if (q.bytes > HTTP_URL_MAX)
        return err_set(e, ST_USAGE, "the URL is longer than %d bytes",
                       HTTP_URL_MAX),
               414;
    if (h.bytes > HTTP_HEADERS_MAX || h.count > HTTP_HEADERS_COUNT)
        return err_set(e, ST_USAGE, "the headers pass %d bytes or %d fields",
                       HTTP_HEADERS_MAX, HTTP_HEADERS_COUNT),
               431;
    return 0;
}

static void client_address(struct MHD_Connection *c, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    snprintf(out, size, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

/* A write's Idempotency-Key header into rq (docs/api.md); ST_USAGE for
 * a bad one. */
static enum status idempotency_key(struct MHD_Connection *c, struct request *rq,
                                   struct err *e)
{
    const char *key =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");

    if (!key)
        return ST_OK;
    if (idem_key_check(key, e))
        return e->status;
    snprintf(rq->idem_key, sizeof(rq->idem_key), "%s", key);
    return ST_OK;
}

/* The checks before a handler runs; 0 when it may run, else the HTTP code
 * of the error in e. */
static int admit(struct server *sv, struct MHD_Connection *c,
                 struct request *rq, const struct route *route, struct err *e)
{
    struct param_walk w = { rq, route, { ST_OK, "" } };
    const char *auth;

    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, take_param, &w);
    if (w.e.status || request_check_required(rq, route, &w.e)) {
        *e = w.e;
        return 400;
    }
    auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (auth && strncmp(auth, "Bearer ", 7))
        return err_set(e, ST_USAGE, "Authorization must be 'Bearer TOKEN'"),
               401;
    rq->token = auth ? auth + 7 : NULL;
    if (route_writes(route) && idempotency_key(c, rq, e))
        return 400;
    rq->res = &sv->res;
    if (request_authenticate(rq, e))
        return rq->code ? rq->code : http_code(e->status);
    if (!(route->roles & rq->role) && rq->role == ROLE_PUBLIC)
        return err_set(e, ST_USAGE, "log in first"), 401;
    if (!(route->roles & rq->role))
        return err_set(e, ST_USAGE, "not for the role '%s'", rq->account.role),
               403;
    return 0;
}

/* Runs the route's handler on the registry it reads, or queues the kept
 * answer on c (OUT: *sent) when the same question was answered on the
 * same registry before. */
static int run(struct server *sv, struct MHD_Connection *c, struct request *rq,
               const struct route *route, struct buf *out, int *sent,
               struct err *e)
{
    const char *akn = request_param(rq, "as_known_on");
    int32_t as_known_on = DATE_NONE;
    struct snap_ref *ref = NULL;
    struct buf key;
    int keep = cache_route(route) && !akn, code = 200;
    enum status st;

    *sent = 0;
    if (route->reads) {
        if (akn && date_parse(akn, &as_known_on, e)) {
            err_prefix(e, "as_known_on");
            return 400;
        }
        if ((route->reads == READS_OWN
                 ? resident_acquire_own(rq->res, as_known_on, &ref, e)
                 : resident_acquire(rq->res, as_known_on, &ref, e)))
            return 500;
        rq->s = rq->own = &ref->s;
        rq->s_seq = ref->seq;
    }
    buf_init(&key, BUF_MAX_DEFAULT);
    keep = keep && ref; /* cache_route: only routes that read */
    if (keep) {
        cache_key(rq, ref->seq, &key);
        *sent = cache_answer(&sv->cache, key.data, c);
    }
    if (!*sent) {
        st = route->handler(rq, out, e);
        code = rq->code ? rq->code : http_code(st);
        if (keep && code == 200)
            cache_put(&sv->cache, key.data, ref->seq, out,
                      rq->content_type ? rq->content_type : "application/json");
    }
    buf_release(&key);
    if (ref)
        resident_release(rq->res, ref);
    return *sent ? 200 : code;
}

/* Suspends c and queues its write (rq, admitted) for a worker; the
 * request's strings that live in this thread (the captures) or on its
 * stack (the address) are copied. */
static void hand_to_worker(struct server *sv, struct MHD_Connection *c,
                           struct exchange *x, const struct request *rq,
                           const struct route *route, const char *address)
{
    struct pending *w = xcalloc(1, sizeof(*w));

    w->c = c;
    w->route = route;
    w->rq = *rq;
    snprintf(w->address, sizeof(w->address), "%s", address);
    w->rq.address = w->address;
    for (int i = 0; i < MAX_CAPTURES; i++)
        if (rq->captures[i]) {
            snprintf(w->captures[i], sizeof(w->captures[i]), "%s",
                     rq->captures[i]);
            w->rq.captures[i] = w->captures[i];
        }
    buf_init(&w->out, BUF_MAX_DEFAULT);
    err_clear(&w->e);
    x->write = w;
    MHD_suspend_connection(c);
    pthread_mutex_lock(&sv->wq_mu);
    x->next = NULL;
    *sv->wq_tail = x;
    sv->wq_tail = &x->next;
    pthread_cond_signal(&sv->wq_ready);
    pthread_mutex_unlock(&sv->wq_mu);
}

/* A worker: runs the queued writes, each resumed once answered. */
static void *write_worker(void *arg)
{
    struct server *sv = arg;

    for (;;) {
        struct exchange *x;
        struct pending *w;
        int sent;

        pthread_mutex_lock(&sv->wq_mu);
        while (!sv->wq_head && !sv->wq_stop)
            pthread_cond_wait(&sv->wq_ready, &sv->wq_mu);
        x = sv->wq_head;
        if (x && !(sv->wq_head = x->next))
            sv->wq_tail = &sv->wq_head;
        pthread_mutex_unlock(&sv->wq_mu);
        if (!x)
            return NULL;
        w = x->write;
        w->code = run(sv, w->c, &w->rq, w->route, &w->out, &sent, &w->e);
        MHD_resume_connection(w->c);
    }
}

/* The answer of a write a worker ran, once its connection is resumed. */
static enum MHD_Result answer_write(struct MHD_Connection *c,
                                    struct exchange *x)
{
    struct pending *w = x->write;
    enum MHD_Result rc;

    x->write = NULL;
    snprintf(x->account, sizeof(x->account), "%s",
             w->rq.account.name ? w->rq.account.name : "-");
    account_release(&w->rq.account);
    if (w->code >= 400)
        rc = send_error(c, x, w->code, w->e.msg);
    else
        rc = (x->code = w->code, send_answer(c, w->code, &w->out, &w->rq));
    buf_release(&w->out);
    free(w);
    return rc;
}

static void workers_start(struct server *sv)
{
    pthread_mutex_init(&sv->wq_mu, NULL);
    pthread_cond_init(&sv->wq_ready, NULL);
    sv->wq_tail = &sv->wq_head;
    while (sv->n_workers < WRITE_WORKERS &&
           !pthread_create(&sv->workers[sv->n_workers], NULL, write_worker, sv))
        sv->n_workers++;
}

/* After the daemon stopped (no write is queued any more). */
static void workers_stop(struct server *sv)
{
    pthread_mutex_lock(&sv->wq_mu);
    sv->wq_stop = 1;
    pthread_cond_broadcast(&sv->wq_ready);
    pthread_mutex_unlock(&sv->wq_mu);
    for (int i = 0; i < sv->n_workers; i++)
        pthread_join(sv->workers[i], NULL);
    pthread_mutex_destroy(&sv->wq_mu);
    pthread_cond_destroy(&sv->wq_ready);
}

static enum MHD_Result dispatch(struct server *sv, struct MHD_Connection *c,
                                struct exchange *x, const char *url,
                                const char *method)
{
    struct request rq;
    const struct route *route;
    char address[64];
    struct buf out;
    struct err e;
    int known, code, sent = 0;
    enum MHD_Result rc;

    if (pages_path(url)) {
        struct page_exchange px = { &sv->res, sv->o->holidays, method,      url,
                                    address,  x->body.data,    x->body.len, 0,
                                    "-" };

        client_address(c, address, sizeof(address));
        rc = (enum MHD_Result)pages_dispatch(c, &px);
        x->code = px.code;
        snprintf(x->account, sizeof(x->account), "%s", px.account);
        return rc;
    }
    memset(&rq, 0, sizeof(rq));
    err_clear(&e);
    route = route_match(method, url, rq.captures, &known);
    if (!route)
        return send_error(c, x, known ? 405 : 404,
                          known ? "method not allowed" : "no such route");
    client_address(c, address, sizeof(address));
    rq.method = method;
    rq.path = url;
    rq.address = address;
    rq.body = x->body.data;
    rq.body_len = x->body.len;
    rq.holidays = sv->o->holidays;
    if (date_today(&rq.today, &e))
        return send_error(c, x, 500, e.msg);
    buf_init(&out, BUF_MAX_DEFAULT);
    code = admit(sv, c, &rq, route, &e);
    if (!code && route_writes(route) && sv->n_workers) {
        buf_release(&out);
        hand_to_worker(sv, c, x, &rq, route, address);
        return MHD_YES;
    }
    if (!code)
        code = run(sv, c, &rq, route, &out, &sent, &e);
    snprintf(x->account, sizeof(x->account), "%s",
             rq.account.name ? rq.account.name : "-");
    account_release(&rq.account);
    if (sent)
        rc = (x->code = 200, MHD_YES);
    else if (code >= 400)
        rc = send_error(c, x, code, e.msg);
    else
        rc = (x->code = code, send_answer(c, code, &out, &rq));
    buf_release(&out);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *size, void **con_cls)
{
    struct exchange *x = *con_cls;
    const char *length;
    struct err e;
    int code;

    (void)version;
    if (!x) {
        x = xcalloc(1, sizeof(*x));
        clock_gettime(CLOCK_MONOTONIC, &x->start);
        buf_init(&x->body, BODY_MAX);
        snprintf(x->account, sizeof(x->account), "-");
        snprintf(x->method, sizeof(x->method), "%s", method);
        snprintf(x->path, sizeof(x->path), "%s", url);
        *con_cls = x;
        if ((code = over_limits(c, url, &e)))
            return send_error(c, x, code, e.msg);
        length =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (length && strtoull(length, NULL, 10) > BODY_MAX)
            return send_error(c, x, 413, "the body is larger than 1 MiB");
        return MHD_YES;
    }
    if (*size) {
        if (!x->too_large && buf_add(&x->body, data, *size))
            x->too_large = 1;
        *size = 0;
        return MHD_YES;
    }
    if (x->too_large)
        return send_error(c, x, 413, "the body is larger than 1 MiB");
    if (x->write)
        return answer_write(c, x);
    return dispatch(cls, c, x, url, method);
}

/* The access log: one line per request, when its answer has gone. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *sv = cls;
    struct exchange *x = *con_cls;
    char line[512];

    (void)c;
    if (!x)
        return;
    if (sv->o->log) {
        snprintf(line, sizeof(line), "%s %s %d %lld %s%s", x->method, x->path,
                 x->code, (long long)usec_since(&x->start), x->account,
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
                                                            : " (aborted)");
        sv->o->log(line, sv->o->ctx);
    }
    if (x->write) { /* answered never (the client left) */
        account_release(&x->write->rq.account);
        buf_release(&x->write->out);
        free(x->write);
    }
    buf_release(&x->body);
    free(x);
    *con_cls = NULL;
}

static enum status parse_listen(const char *text, struct sockaddr_in *sa,
                                struct err *e)
{
    const char *colon = strrchr(text, ':');
    char host[64];
    char *end;
    unsigned long port;

    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    if (!colon || colon - text >= (long)sizeof(host))
        return err_set(e, ST_USAGE, "--listen: '%s' is not ADDR:PORT", text);
    snprintf(host, sizeof(host), "%.*s", (int)(colon - text), text);
    port = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || port > 65535)
        return err_set(e, ST_USAGE, "--listen: bad port in '%s'", text);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return err_set(e, ST_USAGE, "--listen: '%s' is not an IPv4 address",
                       host);
    sa->sin_port = htons((uint16_t)port);
    return ST_OK;
}

static struct MHD_Daemon *start(struct server *sv, struct sockaddr_in *sa,
                                unsigned threads)
{
    struct MHD_OptionItem tls[] = {
        { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)sv->o->tls_key },
        { MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)sv->o->tls_cert },
        { MHD_OPTION_END, 0, NULL },
    };
    int secure = sv->o->tls_cert && sv->o->tls_key;

    return MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_TURBO | (secure ? MHD_USE_TLS : 0),
        0, NULL, NULL, on_request, sv, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)CONN_PER_ADDRESS,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, sv, MHD_OPTION_ARRAY,
        secure ? tls : tls + 2, MHD_OPTION_END);
}

/* Stops accepting, waits (up to the connection timeout) for the
 * connections in flight, then stops. */
static void drain(struct MHD_Daemon *d)
{
    MHD_quiesce_daemon(d);
    for (int i = 0; i < CONN_TIMEOUT * 100; i++) {
        const union MHD_DaemonInfo *di =
            MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        struct timespec tick = { 0, 10 * 1000 * 1000 };

        if (!di || !di->num_connections)
            break;
        nanosleep(&tick, NULL);
    }
    MHD_stop_daemon(d);
}

#ifdef __GLIBC__
/* glibc's arenas from malloc_info's XML, appended to line: for each,
 * the bytes it holds from the system and the free bytes among them. */
/* The size="N" of the first element of p that begins with tag; 0. */
static unsigned long long xml_size(const char *p, const char *tag)
{
    const char *q = strstr(p, tag);

    q = q ? strstr(q, "size=\"") : NULL;
    return q ? strtoull(q + 6, NULL, 10) : 0;
}

static void arenas(struct buf *line)
{
    char *xml = NULL, *p;
    size_t len = 0;
    FILE *f = open_memstream(&xml, &len);

    if (!f)
        return;
    malloc_info(0, f);
    fclose(f);
    for (p = xml; p && (p = strstr(p, "<heap nr=\"")); p++) {
        char *end = strstr(p, "</heap>");

        if (!end)
            break;
        *end = '\0';
        buf_printf(line, " %llu/%llu",
                   xml_size(p, "<system type=\"current\"") >> 10,
                   (xml_size(p, "<total type=\"fast\"") +
                    xml_size(p, "<total type=\"rest\"")) >>
                       10);
        p = end;
    }
    free(xml);
}
#endif

/* The memory the server holds, a line to the log: the answer cache's
 * answers and bytes, the process's resident KiB, malloc's bytes in use,
 * free and mapped, and each arena's KiB from the system / free. */
static void log_memory(struct server *sv)
{
    struct buf line;
    size_t n, bytes;
    long rss = 0;
    char statm[128];
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) { /* "SIZE RESIDENT ...", in pages */
        if (fgets(statm, sizeof(statm), f)) {
            char *end;

            (void)strtol(statm, &end, 10);
            rss = strtol(end, NULL, 10);
        }
        fclose(f);
    }
    cache_stats(&sv->cache, &n, &bytes);
    buf_init(&line, BUF_MAX_DEFAULT);
    buf_printf(&line, "memory: rss %ld KiB; cache %zu answers %zu KiB",
               rss * (sysconf(_SC_PAGESIZE) >> 10), n, bytes >> 10);
#ifdef __GLIBC__
    {
        struct mallinfo2 mi = mallinfo2();

        buf_printf(&line,
                   "; malloc in use %zu KiB, free %zu KiB, mmapped %zu KiB; "
                   "arenas KiB (system/free):",
                   mi.uordblks >> 10, mi.fordblks >> 10, mi.hblkhd >> 10);
        arenas(&line);
    }
#endif
    sv->o->log(line.data, sv->o->ctx);
    buf_release(&line);
}

/* The compactor's second (resident.h): the log written out (the access
 * log's lines leave the request's thread, which never waits for the
 * disk), and under CHANCERY_DEBUG_LOAD, every MEMORY_EVERY seconds, the
 * memory line. */
static void tick(void *ctx)
{
    struct server *sv = ctx;

    if (sv->o->log && getenv("CHANCERY_DEBUG_LOAD") &&
        ++sv->ticks % MEMORY_EVERY == 0)
        log_memory(sv);
    if (sv->o->flush)
        sv->o->flush(sv->o->ctx);
}

enum status http_serve(const struct http_options *o, struct err *e)
{
    struct server sv;
    struct sockaddr_in sa;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *di;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    sigset_t stop;
    int sig;

    memset(&sv, 0, sizeof(sv));
    sv.o = o;
#ifdef __GLIBC__
    /* glibc gives each of the pool's many threads an arena of its own, up
     * to eight per core, each keeping its freed memory apart: as many as
     * the cores can run at once are enough (the memory line under
     * CHANCERY_DEBUG_LOAD shows them). */
    mallopt(M_ARENA_MAX, cores > 2 ? (int)cores : 2);
#endif
    if (parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &sa, e))
        return e->status;
    if (sodium_init() < 0)
        return err_set(e, ST_ERROR, "libsodium failed to start");
    auth_init();
    if (resident_open(&sv.res, o->db_path, e))
        return e->status;
    cache_init(&sv.cache);
    workers_start(&sv);
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the pool inherits it */
    signal(SIGPIPE, SIG_IGN);
    sv.res.tick = tick;
    sv.res.tick_ctx = &sv;
    resident_compact_start(&sv.res, o->log, o->ctx);
    d = start(&sv, &sa,
              o->threads ? o->threads
              : cores > 0
                  ? (unsigned)(cores < 32 ? cores : 32) * THREADS_PER_CORE
                  : THREADS_PER_CORE);
    if (!d) {
        workers_stop(&sv);
        cache_release(&sv.cache);
        resident_close(&sv.res);
        return err_set(e, ST_ERROR, "cannot listen on %s%s",
                       o->listen ? o->listen : "127.0.0.1:8080",
                       o->tls_cert ? " with that TLS certificate and key" : "");
    }
    di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (o->ready)
        o->ready(di ? di->port : ntohs(sa.sin_port), o->ctx);
    sigwait(&stop, &sig);
    drain(d);
    workers_stop(&sv);
    cache_release(&sv.cache);
    resident_close(&sv.res);
    if (o->flush) /* the last lines, every request's answered */
        o->flush(o->ctx);
    return ST_OK;
}
