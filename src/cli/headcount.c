/*
 * `chancery headcount`: staff present on a date, per sending state and host
 * (or country, with --country: missions to organizations seated there are
 * in), per mission or per category. Counting is core/count.c's; this file
 * only groups and prints.
 */
#include <assert.h>
#include <getopt.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/records.h"
#include "core/count.h"
#include "core/presence.h"
#include "report/views.h"

static const char USAGE[] =
    "[--sending S] [--host H | --country C] [--as-of D] "
    "[--by category|mission] [--category C]...";

static enum status parse_option(int c, struct headcount_args *a, struct err *e)
{
    int v;

    switch (c) {
    case 's':
        a->scope.sending = optarg;
        return ST_OK;
    case 'o':
        a->scope.host = optarg;
        return ST_OK;
    case 'c':
        a->scope.country = optarg;
        return ST_OK;
    case 'a':
        return cli_date("--as-of", optarg, &a->date, e);
    case 'b':
        if (!strcmp(optarg, "category") || !strcmp(optarg, "mission")) {
            a->by = optarg[0] == 'c' ? BY_CATEGORY : BY_MISSION;
            return ST_OK;
        }
        return err_set(e, ST_USAGE, "--by: '%s' is not category or mission",
                       optarg);
    case 'C':
        if ((v = enum_from_name(&ENUM_STAFF_CATEGORY, optarg)) == ENUM_NONE)
            return err_set(e, ST_USAGE, "--category: unknown category '%s'",
                           optarg);
        a->scope.categories |= 1u << v;
        return ST_OK;
    default:
        return err_set(e, ST_USAGE, "usage: chancery headcount %s", USAGE);
    }
}

static enum status parse_args(struct cli *cli, int argc, char **argv,
                              struct headcount_args *a, struct err *e)
{
    static const struct option opts[] = {
        { "sending", required_argument, NULL, 's' },
        { "host", required_argument, NULL, 'o' },
        { "country", required_argument, NULL, 'c' },
        { "as-of", required_argument, NULL, 'a' },
        { "by", required_argument, NULL, 'b' },
        { "category", required_argument, NULL, 'C' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    memset(a, 0, sizeof(*a));
    a->date = cli->today;
    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (parse_option(c, a, e))
            return ST_USAGE;
    if (optind != argc || (a->scope.host && a->scope.country))
        return err_set(e, ST_USAGE, "usage: chancery headcount %s", USAGE);
    return ST_OK;
}

int cmd_headcount(struct cli *cli, int argc, char **argv)
{
    struct buf b;
    struct headcount_args a;
    struct store *st;
    struct snapshot s;
    struct err e;

    if (argc == 2 && !strcmp(argv[1], "--help"))
        return printf("usage: chancery headcount %s\n", USAGE), 0;
    if (parse_args(cli, argc, argv, &a, &e))
        return cli_fail(&e);
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    view_headcount(&s, &a, cli->format, &b);
    records_print_buf(&b);
    snapshot_release(&s);
    store_close(st);
    return 0;
}
