/*
 * `chancery mission list|show`: the missions of the registry. A mission's
 * row is its record as the interchange files have it, so list, show and
 * export agree on names and values.
 */
#include <getopt.h>

#include "base/date.h"
#include "cli/commands.h"
#include "cli/records.h"
#include "core/presence.h"
#include "report/views.h"

static const char LIST_USAGE[] =
    "list [--sending S] [--host H] [--country C] [--open-on D]";

/* Parses list's options into f; returns -1 to go on, else the exit code. */
static int parse_list(int argc, char **argv, struct mission_filter *f)
{
    static const struct option opts[] = {
        { "sending", required_argument, NULL, 's' },
        { "host", required_argument, NULL, 'o' },
        { "country", required_argument, NULL, 'c' },
        { "open-on", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct err e;
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h')
            return printf("usage: chancery mission %s\n", LIST_USAGE), 0;
        if (c == 's')
            f->sending = optarg;
        else if (c == 'o')
            f->host = optarg;
        else if (c == 'c')
            f->country = optarg;
        else if (c != 'd')
            return cli_usage("mission", LIST_USAGE);
        else if (cli_date("--open-on", optarg, &f->open_on, &e))
            return cli_fail(&e);
    }
    return optind == argc ? -1 : cli_usage("mission", LIST_USAGE);
}

static int list(struct cli *cli, int argc, char **argv)
{
    struct mission_filter f = { NULL, NULL, NULL, DATE_NONE };
    struct records out;
    struct err e;
    struct buf b;
    int rc = parse_list(argc, argv, &f);

    if (rc >= 0)
        return rc;
    if (records_open(&out, cli, ENT_MISSION, &e))
        return cli_fail(&e);
    buf_init(&b, BUF_MAX_DEFAULT);
    view_missions(&out.s, &f, &VIEW_SCOPE_ALL, cli->format, &b);
    records_print_buf(&b);
    records_close(&out);
    return 0;
}

static int show(struct cli *cli, int argc, char **argv)
{
    struct records out;
    uint32_t i;
    int rc;

    if (argc == 2 && !strcmp(argv[1], "--help"))
        return printf("usage: chancery mission show ID\n"), 0;
    if (argc != 2)
        return cli_usage("mission", "show ID");
    if ((rc = records_show(&out, cli, ENT_MISSION, argv[1], &i)))
        return rc;
    records_close(&out);
    return 0;
}

static const struct command MISSION_COMMANDS[] = {
    { "list", list, "[--sending S] [--host H] [--country C] [--open-on D]",
      "missions, filtered" },
    { "show", show, "ID", "one mission" },
    { NULL, NULL, NULL, NULL },
};

int cmd_mission(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "mission", MISSION_COMMANDS, argc, argv);
}
