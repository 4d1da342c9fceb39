/*
 * `chancery roster MISSION [--as-of D]`: the staff of a mission present on
 * a date in Diplomatic-List order (core/roster.h). Each row names the
 * spouse present in the household, as the List does. `roster --sending S
 * --host H` gives every mission of S accredited to H open on the date, in
 * order of mission kind (embassy first) and id, each in the same order,
 * with a first column naming the mission.
 */
#include <getopt.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/records.h"
#include "report/views.h"

static void print_roster(const struct cli *cli, const struct snapshot *s,
                         uint32_t m, int32_t date)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    view_roster(s, m, date, cli->format, &b);
    records_print_buf(&b);
}

static enum status check_host(const struct snapshot *s, const char *host,
                              struct err *e)
{
    if (snapshot_find(s, ENT_STATE, host) == IDMAP_NONE &&
        snapshot_find(s, ENT_ORGANIZATION, host) == IDMAP_NONE)
        return err_set(e, ST_USAGE,
                       "--host: unknown state or organization '%s'", host);
    return ST_OK;
}

/* roster --sending S --host H: every mission of S in H on date. */
static int print_missions(const struct cli *cli, const struct snapshot *s,
                          const char *sending, const char *host, int32_t date)
{
    struct err e;
    struct buf b;

    if (cli_state(s, "--sending", sending, &e) || check_host(s, host, &e))
        return cli_fail(&e);
    buf_init(&b, BUF_MAX_DEFAULT);
    view_roster_missions(s, sending, host, date, cli->format, &b);
    records_print_buf(&b);
    return 0;
}

#define USAGE "MISSION [--as-of D] | --sending S --host H [--as-of D]"

/* The options; the missions' operand stays in argv[optind]. */
struct roster_args {
    int32_t date;
    const char *sending, *host;
};

static int parse(struct roster_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        { "as-of", required_argument, NULL, 'a' },
        { "sending", required_argument, NULL, 's' },
        { "host", required_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct err e;
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h')
            return printf("usage: chancery roster " USAGE "\n"), 0;
        if (c == 's')
            a->sending = optarg;
        else if (c == 'H')
            a->host = optarg;
        else if (c != 'a')
            return cli_usage("roster", USAGE);
        else if (cli_date("--as-of", optarg, &a->date, &e))
            return cli_fail(&e);
    }
    if (!a->sending != !a->host || optind + !a->sending != argc)
        return cli_usage("roster", USAGE);
    return -1;
}

int cmd_roster(struct cli *cli, int argc, char **argv)
{
    struct roster_args a = { cli->today, NULL, NULL };
    struct store *st;
    struct snapshot s;
    struct err e;
    uint32_t m = 0;
    int rc = parse(&a, argc, argv);

    if (rc != -1)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    if (a.sending)
        rc = print_missions(cli, &s, a.sending, a.host, a.date);
    else if ((m = snapshot_find(&s, ENT_MISSION, argv[optind])) != IDMAP_NONE)
        print_roster(cli, &s, m, a.date);
    else
        rc = cli_error(ST_NOT_FOUND, "unknown mission '%s'", argv[optind]);
    snapshot_release(&s);
    store_close(st);
    return rc == -1 ? 0 : rc;
}
