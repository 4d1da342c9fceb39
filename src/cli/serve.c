/*
 * `chancery serve [--listen ADDR:PORT] [--threads N]`: the HTTP API
 * (http/http.h). It prints "listening on ADDR:PORT" on stdout once the
 * socket is bound (the port picked when PORT is 0, so that tests can read
 * it), writes one access-log line per request to stderr, and exits 0 after
 * SIGTERM has let the requests in flight finish.
 */
#include <stddef.h>

#include "base/date.h"
#include "cli/commands.h"
#include "http/http.h"

struct serve_args {
    const char *listen;
    long threads;
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
      .def = "one per core",
      .help = "how many threads answer requests (1 to 256)." },
    { .name = NULL },
};

const struct cmd_spec SERVE_SPEC = {
    .name = "serve",
    .operands = "",
    .help = "the HTTP API over the registry (docs/api.md).",
    .more = "Prints 'listening on ADDR:PORT' once the socket is bound and "
            "one access-log line per request on stderr; SIGTERM lets the "
            "requests in flight finish, then it exits 0. Accounts come from "
            "'chancery user add'.",
    .example = { "serve", "serve --listen 127.0.0.1:0 --threads 4" },
    .opts = OPTS,
};

static void ready(unsigned port, void *ctx)
{
    const char *listen = ctx;
    const char *colon = strrchr(listen, ':');

    printf("listening on %.*s:%u\n", (int)(colon - listen), listen, port);
    fflush(stdout);
}

static void log_line(const char *line, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
    struct serve_args a = { "127.0.0.1:8080", -1 };
    struct http_options o = {
        cli->db_path, "127.0.0.1:8080", 0, NULL, ready, log_line, NULL,
    };
    struct holidays h;
    struct err e;
    int rc = opts_parse(cli, &SERVE_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (a.threads == 0 || a.threads > 256)
        return cli_error(ST_USAGE, "--threads: '%ld' is not 1 to 256",
                         a.threads);
    if (!strchr(a.listen, ':'))
        return cli_error(ST_USAGE, "--listen: '%s' is not ADDR:PORT", a.listen);
    if (cli->as_known_on != DATE_NONE)
        return cli_error(ST_USAGE, "serve takes as_known_on per request");
    o.listen = a.listen;
    o.threads = a.threads < 0 ? 0 : (unsigned)a.threads;
    o.ctx = (void *)o.listen;
    holidays_init(&h);
    if (cli_holidays(&h, &e)) {
        holidays_release(&h);
        return cli_fail(&e);
    }
    o.holidays = &h;
    rc = http_serve(&o, &e) ? cli_fail(&e) : 0;
    holidays_release(&h);
    return rc;
}
