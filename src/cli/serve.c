/*
 * `chancery serve [--listen ADDR:PORT] [--threads N]`: the HTTP API
 * (http/http.h). It prints "listening on ADDR:PORT" on stdout once the
 * socket is bound (the port picked when PORT is 0, so that tests can read
 * it), writes one access-log line per request to stderr, and exits 0 after
 * SIGTERM has let the requests in flight finish.
 */
#include <getopt.h>

#include "base/date.h"
#include "cli/commands.h"
#include "http/http.h"

#define USAGE "[--listen ADDR:PORT] [--threads N]"

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
    static const struct option opts[] = {
        { "listen", required_argument, NULL, 'l' },
        { "threads", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct http_options o = {
        cli->db_path, "127.0.0.1:8080", 0, NULL, ready, log_line, NULL,
    };
    struct holidays h;
    struct err e;
    char *end;
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h')
            return printf("usage: chancery serve " USAGE "\n"), 0;
        if (c == 'l')
            o.listen = optarg;
        else if (c != 't')
            return cli_usage("serve", USAGE);
        else if ((o.threads = (unsigned)strtoul(optarg, &end, 10)) == 0 ||
                 *end || o.threads > 256)
            return cli_error(ST_USAGE, "--threads: '%s' is not 1 to 256",
                             optarg);
    }
    if (optind != argc)
        return cli_usage("serve", USAGE);
    if (cli->as_known_on != DATE_NONE)
        return cli_error(ST_USAGE, "serve takes as_known_on per request");
    o.ctx = (void *)o.listen;
    holidays_init(&h);
    if (cli_holidays(&h, &e)) {
        holidays_release(&h);
        return cli_fail(&e);
    }
    o.holidays = &h;
    c = http_serve(&o, &e) ? cli_fail(&e) : 0;
    holidays_release(&h);
    return c;
}
