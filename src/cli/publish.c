/*
 * `chancery publish diplomatic-list|consular-list --host H [--as-of D]
 * [--html FILE]`: the receiving state's published lists (DESIGN.md,
 * "Published lists"). publish/dlist.h computes the list and report/dlist.h
 * renders it; this file only parses the options and writes the output.
 */
#include <stddef.h>

#include "base/date.h"
#include "cli/commands.h"
#include "core/interchange.h"
#include "publish/dlist.h"
#include "report/dlist.h"

struct publish_args {
    const char *host;
    int32_t as_of;
    const char *html; /* NULL: no HTML file */
};

static const struct opt OPTS[] = {
    { .name = "host",
      .arg = "H",
      .ref = REF_STATE,
      .flags = OPT_REQUIRED,
      .offset = offsetof(struct publish_args, host),
      .help = "the receiving state whose list it is." },
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct publish_args, as_of),
      .def = "today",
      .help = "the date of the list: missions open and staff present then." },
    { .name = "html",
      .arg = "FILE",
      .offset = offsetof(struct publish_args, html),
      .help = "also write the printable list (A4) to FILE." },
    { .name = NULL },
};

static const struct cmd_spec DIPLOMATIC_LIST_SPEC = {
    .name = "publish diplomatic-list",
    .operands = "",
    .help = "the missions accredited to a host and their diplomatic agents, "
            "with the order of precedence of the heads of mission.",
    .more = "Sending states in alphabetical order of their short names; each "
            "mission's head first, then by rank and arrival, with the "
            "spouse's name; then the heads of mission in order of precedence "
            "(VCDR arts. 14, 16), with the day each took up functions.",
    .example = { "publish diplomatic-list --host USA --as-of 2021-12-04",
                 "publish diplomatic-list --host USA --html list.html" },
    .opts = OPTS,
};

static const struct cmd_spec CONSULAR_LIST_SPEC = {
    .name = "publish consular-list",
    .operands = "",
    .help = "the consular posts in a host and their consular officers.",
    .example = { "publish consular-list --host USA --as-of 2021-12-04",
                 "--format json publish consular-list --host RUS" },
    .opts = OPTS,
};

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
    if (store_log_head(st, cli->as_known_on, &l->checkpoint_seq, &e) ||
        store_tree_root_b64(st, (uint64_t)l->checkpoint_seq, l->checkpoint_root,
                            sizeof(l->checkpoint_root), &e))
        return cli_fail(&e);
    if (a->html && (rc = write_html(s, l, a->html)))
        return rc;
    buf_init(&b, BUF_MAX_DEFAULT * 4);
    dlist_render(s, l, cli->format, &b);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    return 0;
}

static int publish(struct cli *cli, enum dlist_kind kind,
                   const struct cmd_spec *spec, int argc, char **argv)
{
    struct publish_args a = { NULL, cli->today, NULL };
    struct store *st = NULL;
    struct snapshot s;
    struct dlist l;
    struct err e;
    int rc = opts_parse(cli, spec, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(spec, &a, NULL, NULL, &s, &e)) {
        snapshot_release(&s);
        if (st)
            store_close(st);
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
    return publish(cli, DLIST_DIPLOMATIC, &DIPLOMATIC_LIST_SPEC, argc, argv);
}

static int consular(struct cli *cli, int argc, char **argv)
{
    return publish(cli, DLIST_CONSULAR, &CONSULAR_LIST_SPEC, argc, argv);
}

static const struct command PUBLISH_COMMANDS[] = {
    { "diplomatic-list", diplomatic, &DIPLOMATIC_LIST_SPEC },
    { "consular-list", consular, &CONSULAR_LIST_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec PUBLISH_SPEC = {
    .name = "publish",
    .operands = "diplomatic-list|consular-list --host H ...",
    .help = "the published lists of a host, with the order of precedence.",
    .subs = PUBLISH_COMMANDS,
};

int cmd_publish(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &PUBLISH_SPEC, argc, argv);
}
