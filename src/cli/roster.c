/*
 * `chancery roster MISSION [--as-of D]`: the staff of a mission present on
 * a date in Diplomatic-List order (core/roster.h). Each row names the
 * spouse present in the household, as the List does. `roster --sending S
 * --host H` gives every mission of S accredited to H open on the date, in
 * order of mission kind (embassy first) and id, each in the same order,
 * with a first column naming the mission. Both are rendered by
 * report/views.c (GET /api/v1/missions/{id}/roster calls the same view);
 * this file parses, checks and notes.
 */
#include <stddef.h>

#include "base/date.h"
#include "cli/commands.h"
#include "report/views.h"

struct roster_args {
    int32_t date;
    const char *sending, *host;
};

static const struct opt OPTS[] = {
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct roster_args, date),
      .def = "today",
      .help = "the date on which the staff are present." },
    { .name = "sending",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct roster_args, sending),
      .help = "instead of MISSION: every mission of S accredited to the host "
              "of --host; the two go together." },
    { .name = "host",
      .arg = "H",
      .ref = REF_STATE,
      .offset = offsetof(struct roster_args, host),
      .help = "with --sending: the host (a state or an organization such as "
              "UN)." },
    { .name = NULL },
};

const struct cmd_spec ROSTER_SPEC = {
    .name = "roster",
    .operands = "MISSION | --sending S --host H",
    .min_operands = 0,
    .max_operands = 1,
    .operand_refs = { REF_MISSION },
    .help = "a mission's staff present on a date, in Diplomatic-List order.",
    .more = "The order is the List's: head of mission first, then by rank "
            "and date of arrival. A mission closed on the date has no staff; "
            "a note on stderr says since when. With --sending and --host, "
            "every mission of the sending state open in the host, embassy "
            "first, each with a first column naming the mission.",
    .example = { "roster RUS-USA-EMB --as-of 2021-12-04",
                 "roster --sending RUS --host USA --as-of 2021-12-04" },
    .opts = OPTS,
};

/* Says on stderr when the mission was not open on the date. */
static void note_closed(const struct mission *m, int32_t date)
{
    char d[DATE_BUF];

    if (m->closed != DATE_NONE && m->closed <= date) {
        date_format(m->closed, d);
        fprintf(stderr, "chancery: note: mission '%s' closed on %s\n", m->id,
                d);
    } else if (m->opened != DATE_NONE && date < m->opened) {
        date_format(m->opened, d);
        fprintf(stderr, "chancery: note: mission '%s' opened on %s\n", m->id,
                d);
    }
}

int cmd_roster(struct cli *cli, int argc, char **argv)
{
    struct roster_args a = { cli->today, NULL, NULL };
    struct opts_rest id;
    struct store *st = NULL;
    struct snapshot s;
    struct buf b;
    struct err e;
    uint32_t m;
    int rc = opts_parse(cli, &ROSTER_SPEC, argc, argv, &a, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    if (!a.sending != !a.host || id.n != !a.sending)
        return cli_error(ST_USAGE, "'roster' needs MISSION, or --sending S "
                                   "and --host H (try 'chancery roster "
                                   "--help')");
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(&ROSTER_SPEC, &a, NULL, &id, &s, &e)) {
        snapshot_release(&s);
        if (st)
            store_close(st);
        return cli_fail(&e);
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    if (a.sending) {
        view_roster_missions(&s, a.sending, a.host, a.date, cli->format, &b);
    } else {
        m = snapshot_find(&s, ENT_MISSION, id.v[0]);
        note_closed(snap_mission(&s, m), a.date);
        view_roster(&s, m, a.date, cli->format, &b);
    }
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    snapshot_release(&s);
    store_close(st);
    return 0;
}
