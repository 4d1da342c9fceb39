/*
 * `chancery publish diplomatic-list|consular-list --host H [--as-of D]
 * [--html FILE]`: the receiving state's published lists (DESIGN.md,
 * "Published lists"). publish/dlist.h computes the list and report/dlist.h
 * renders it; this file only parses the options and writes the output.
 * The options are read by one small parse function over a table, so that
 * they port to a declarative option table as they stand.
 */
#include <getopt.h>

#include "base/date.h"
#include "cli/commands.h"
#include "core/interchange.h"
#include "publish/dlist.h"
#include "report/dlist.h"

#define USAGE "--host H [--as-of D] [--html FILE]"

struct publish_args {
    const char *host;
    int32_t as_of;
    const char *html; /* NULL: no HTML file */
};

static enum status parse_option(void *ctx, int c, struct err *e)
{
    struct publish_args *a = ctx;

    switch (c) {
    case 'o':
        a->host = optarg;
        return ST_OK;
    case 'a':
        return cli_date("--as-of", optarg, &a->as_of, e);
    default:
        a->html = optarg;
        return ST_OK;
    }
}

/* Parses argv into a; returns -1 to go on, else the exit code. */
static int parse_args(const char *command, struct publish_args *a,
                      const struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        { "host", required_argument, NULL, 'o' },
        { "as-of", required_argument, NULL, 'a' },
        { "html", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int rc;

    a->host = NULL;
    a->as_of = cli->today;
    a->html = NULL;
    rc = cli_options(command, USAGE, opts, argc, argv, parse_option, a);
    if (rc != -1)
        return rc;
    if (optind != argc || !a->host)
        return cli_usage(command, USAGE);
    return -1;
}

static int write_html(const struct snapshot *s, const struct dlist *l,
                      const char *path)
{
    struct buf b;
    struct err e;
    enum status st;

    buf_init(&b, BUF_MAX_DEFAULT * 4);
    dlist_render_html(s, l, &b);
    st = interchange_write_file(path, &b, &e);
    buf_release(&b);
    return st ? cli_fail(&e) : 0;
}

/* Names the registry the list comes from, writes the HTML file if asked,
 * and prints the list; returns the exit code. */
static int emit(const struct cli *cli, struct store *st,
                const struct snapshot *s, struct dlist *l,
                const struct publish_args *a)
{
    struct buf b;
    struct err e;
    int rc = 0;

    l->as_known_on = cli->as_known_on;
    if (store_log_head(st, cli->as_known_on, &l->checkpoint_seq, &e))
        return cli_fail(&e);
    if (a->html && (rc = write_html(s, l, a->html)))
        return rc;
    buf_init(&b, BUF_MAX_DEFAULT * 4);
    dlist_render(s, l, cli->format, &b);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    return 0;
}

static int publish(struct cli *cli, enum dlist_kind kind, const char *command,
                   int argc, char **argv)
{
    struct publish_args a;
    struct store *st;
    struct snapshot s;
    struct dlist l;
    struct err e;
    int rc = parse_args(command, &a, cli, argc, argv);

    if (rc != -1)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    if (dlist_build(&s, kind, a.host, a.as_of, &l, &e))
        rc = cli_fail(&e);
    else
        rc = emit(cli, st, &s, &l, &a);
    dlist_release(&l);
    snapshot_release(&s);
    store_close(st);
    return rc;
}

static int diplomatic(struct cli *cli, int argc, char **argv)
{
    return publish(cli, DLIST_DIPLOMATIC, "publish diplomatic-list", argc,
                   argv);
}

static int consular(struct cli *cli, int argc, char **argv)
{
    return publish(cli, DLIST_CONSULAR, "publish consular-list", argc, argv);
}

static const struct command PUBLISH_COMMANDS[] = {
    { "diplomatic-list", diplomatic, USAGE,
      "the missions accredited to a host and their diplomatic agents, "
      "with the order of precedence of the heads of mission" },
    { "consular-list", consular, USAGE,
      "the consular posts in a host and their consular officers" },
    { NULL, NULL, NULL, NULL },
};

int cmd_publish(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "publish", PUBLISH_COMMANDS, argc, argv);
}
