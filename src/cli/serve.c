/*
 * `chancery serve [--listen ADDR:PORT] [--threads N] [--access-log FILE]
 * [--tls-cert FILE --tls-key FILE]`: the HTTP API
 * (http/http.h). It prints "listening on ADDR:PORT" on stdout once the
 * socket is bound (the port picked when PORT is 0, so that tests can read
 * it), writes one access-log line per request to stderr (or, with
 * --access-log FILE, appends it to FILE), and exits 0 after
 * SIGTERM has let the requests in flight finish.
 *
 * The lines for a file are kept in memory and written out whole, in one
 * write, by the server's one-second tick (http_options.flush), when
 * LOG_KEEP bytes are waiting, and after the drain at SIGTERM: a request's
 * thread never waits for the disk (a flush per line stalled answers up
 * to 420 ms on a busy disk), no line is ever torn, and none is lost on a
 * clean exit. A crash loses at most the last second's lines. On stderr
 * (a terminal, a pipe, a journal) each line goes out at once. With a
 * certificate and key it speaks HTTPS (libmicrohttpd with GnuTLS); the key is
 * read into memory and wiped after.
 */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stddef.h>

#include "base/date.h"
#include "cli/commands.h"
#include "http/http.h"

struct serve_args {
    const char *listen;
    long threads;
    const char *access_log;
    const char *tls_cert, *tls_key;
    int routes;
};

static const struct opt OPTS[] = {
    { .name = "listen",
      .arg = "ADDR:PORT",
      .offset = offsetof(struct serve_args, listen),
      .def = "127.0.0.1:8080",
      .help = "the address and port to listen on; port 0 picks a free "
              "one, printed on stdout." },
    { .name = "threads",
      .arg = "N",
      .kind = OPT_INT,
      .offset = offsetof(struct serve_args, threads),
      .def = "eight per core",
      .help = "how many threads answer requests (1 to 256)." },
    { .name = "access-log",
      .arg = "FILE",
      .offset = offsetof(struct serve_args, access_log),
      .def = "stderr",
      .help = "append the access log to FILE: one line per request, "
              "'METHOD PATH STATUS MICROSECONDS ACCOUNT'." },
    { .name = "tls-cert",
      .arg = "FILE",
      .offset = offsetof(struct serve_args, tls_cert),
      .def = "plain HTTP",
      .help = "serve HTTPS with the certificate (chain) in FILE (PEM); "
              "needs --tls-key." },
    { .name = "tls-key",
      .arg = "FILE",
      .offset = offsetof(struct serve_args, tls_key),
      .def = "plain HTTP",
      .help = "the certificate's private key (PEM)." },
    { .name = "routes",
      .kind = OPT_FLAG,
      .offset = offsetof(struct serve_args, routes),
      .help = "print the route table ('METHOD PATH' a line) and exit." },
    { .name = NULL },
};

const struct cmd_spec SERVE_SPEC = {
    .name = "serve",
    .operands = "",
    .help = "the HTTP API over the registry (docs/api.md).",
    .more = "Prints 'listening on ADDR:PORT' once the socket is bound and "
            "one access-log line per request on stderr (or in "
            "--access-log FILE); SIGTERM lets the "
            "requests in flight finish, then it exits 0. Accounts come from "
            "'chancery user add'.",
    .example = { "serve --listen 127.0.0.1:0 --threads 4",
                 "serve --tls-cert cert.pem --tls-key key.pem --access-log "
                 "access.log" },
    .opts = OPTS,
};

#define LOG_KEEP ((size_t)64 << 10) /* log bytes kept before a write */

/* Where ready() and log_line() write: log, and for a file (keep), the
 * lines not yet written out, under mu. */
struct serve_out {
    const char *listen;
    FILE *log;
    int keep;
    pthread_mutex_t mu;
    struct buf kept;
};

static void ready(unsigned port, void *ctx)
{
    const struct serve_out *so = ctx;
    const char *listen = so->listen;
    const char *colon = strrchr(listen, ':');

    printf("listening on %.*s:%u\n", (int)(colon - listen), listen, port);
    fflush(stdout);
}

/* Under mu: the kept lines written out, whole. */
static void write_kept(struct serve_out *so)
{
    if (!so->kept.len)
        return;
    fwrite(so->kept.data, 1, so->kept.len, so->log);
    fflush(so->log);
    buf_reset(&so->kept);
}

static void log_line(const char *line, void *ctx)
{
    struct serve_out *so = ctx;

    if (!so->keep) {
        fprintf(so->log, "%s\n", line); /* one locked call per line */
        fflush(so->log);
        return;
    }
    pthread_mutex_lock(&so->mu);
    if (buf_addf(&so->kept, "%s\n", line)) { /* past its maximum */
        write_kept(so);
        (void)buf_addf(&so->kept, "%s\n", line);
    }
    if (so->kept.len >= LOG_KEEP)
        write_kept(so);
    pthread_mutex_unlock(&so->mu);
}

static void log_flush(void *ctx)
{
    struct serve_out *so = ctx;

    if (!so->keep)
        return;
    pthread_mutex_lock(&so->mu);
    write_kept(so);
    pthread_mutex_unlock(&so->mu);
}

/* Reads file path into b (initialised, and initialised again after). */
static enum status read_pem(const char *path, struct buf *b, struct err *e)
{
    buf_release(b);
    if (cli_read_file(path, b, e)) {
        buf_init(b, 1);
        return e->status;
    }
    return ST_OK;
}

/* Reads --tls-cert and --tls-key into cert and key (both or neither);
 * the caller releases both in any case. */
static enum status read_tls(const struct serve_args *a, struct buf *cert,
                            struct buf *key, struct err *e)
{
    buf_init(cert, 1);
    buf_init(key, 1);
    if (!a->tls_cert != !a->tls_key)
        return err_set(e, ST_USAGE, "--tls-cert and --tls-key go together");
    if (a->tls_cert &&
        (read_pem(a->tls_cert, cert, e) || read_pem(a->tls_key, key, e)))
        return e->status;
    return ST_OK;
}

/* Serves with the holidays and TLS material loaded; returns the exit. */
static int run(const struct http_options *base, const struct serve_args *a)
{
    struct http_options o = *base;
    struct holidays h;
    struct buf cert, key;
    struct err e;
    int rc;

    holidays_init(&h);
    if (read_tls(a, &cert, &key, &e) || cli_holidays(&h, &e)) {
        rc = cli_fail(&e);
    } else {
        o.holidays = &h;
        o.tls_cert = a->tls_cert ? cert.data : NULL;
        o.tls_key = a->tls_key ? key.data : NULL;
        rc = http_serve(&o, &e) ? cli_fail(&e) : 0;
    }
    sodium_memzero(key.data, key.len);
    buf_release(&cert);
    buf_release(&key);
    holidays_release(&h);
    return rc;
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
    struct serve_args a = { "127.0.0.1:8080", -1, NULL, NULL, NULL, 0 };
    struct serve_out so = { .listen = NULL, .log = stderr, .keep = 0 };
    struct http_options o = {
        cli->db_path, "127.0.0.1:8080", 0, NULL, ready, log_line, &so, NULL,
        NULL,         log_flush,
    };
    int rc = opts_parse(cli, &SERVE_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (a.routes) {
        for (const struct route *r = ROUTES; r->method; r++)
            printf("%s %s\n", r->method, r->pattern);
        return 0;
    }
    if (a.threads == 0 || a.threads > 256)
        return cli_error(ST_USAGE, "--threads: '%ld' is not 1 to 256",
                         a.threads);
    if (!strchr(a.listen, ':'))
        return cli_error(ST_USAGE, "--listen: '%s' is not ADDR:PORT", a.listen);
    if (cli->as_known_on != DATE_NONE)
        return cli_error(ST_USAGE, "serve takes as_known_on per request");
    if (a.access_log && !(so.log = fopen(a.access_log, "a")))
        return cli_error(ST_ERROR, "cannot open '%s': %s", a.access_log,
                         strerror(errno));
    o.listen = so.listen = a.listen;
    o.threads = a.threads < 0 ? 0 : (unsigned)a.threads;
    so.keep = so.log != stderr;
    pthread_mutex_init(&so.mu, NULL);
    buf_init(&so.kept, 2 * LOG_KEEP);
    rc = run(&o, &a);
    write_kept(&so); /* nothing left after the server's own flush */
    buf_release(&so.kept);
    pthread_mutex_destroy(&so.mu);
    if (so.log != stderr && fclose(so.log) && !rc)
        rc = cli_error(ST_ERROR, "cannot write '%s'", a.access_log);
    return rc;
}
