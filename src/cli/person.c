/*
 * `chancery person list|show|add`: the persons of the registry. Rows are
 * records as the interchange files have them (cli/records.h), so list,
 * show and export agree; `add` goes through the shared write path
 * (cli/edit.h), which validates exactly as an import does. `show` adds
 * the person's postings, households and visa cases (report/record.h).
 */
#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"
#include "report/record.h"
#include "report/views.h"

static const struct edit_option LIST_OPTS[] = {
    { "nationality", NULL, 0 },
    { "name", NULL, 0 },
    { NULL, NULL, 0 },
};

#define LIST_USAGE "[--nationality S] [--name TEXT]"

static const struct edit_command LIST = {
    "person", "list " LIST_USAGE, ENT_PERSON, 0, LIST_OPTS, NULL,
};

static int list(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    struct records out;
    struct err e;
    struct buf b;
    char **args;
    int rc = edit_args(&LIST, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    if (records_open(&out, cli, ENT_PERSON, &e))
        return cli_fail(&e);
    /* v holds the values in LIST_OPTS order: nationality, name. */
    if (v[0] && cli_state(&out.s, "--nationality", v[0], &e)) {
        records_close(&out);
        return cli_fail(&e);
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    view_persons(&out.s, v[0], v[1], &VIEW_SCOPE_ALL, cli->format, &b);
    records_print_buf(&b);
    records_close(&out);
    return 0;
}

#define SHOW_USAGE "ID [--as-of D]"

static int show(struct cli *cli, int argc, char **argv)
{
    static const struct edit_option opts[] = { { "as-of", NULL, 0 },
                                               { NULL, NULL, 0 } };
    static const struct edit_command c = { "person",   "show " SHOW_USAGE,
                                           ENT_PERSON, 1,
                                           opts,       NULL };
    const char *v[EDIT_MAX_OPTIONS];
    int32_t as_of = cli->today;
    struct records out;
    struct buf b;
    struct err e;
    char **args;
    uint32_t i;
    int rc = edit_args(&c, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    if (v[0] && cli_date("--as-of", v[0], &as_of, &e))
        return cli_fail(&e);
    if ((rc = records_find(&out, cli, ENT_PERSON, args[0], &i)))
        return rc;
    buf_init(&b, BUF_MAX_DEFAULT);
    person_view_render(&b, cli->format, &out.s, &out.g, i, as_of);
    records_print_buf(&b);
    records_close(&out);
    return 0;
}

static const struct edit_option ADD_OPTS[] = {
    { "id", "id", EDIT_REQUIRED },
    { "family-name", "family_name", EDIT_REQUIRED },
    { "given-names", "given_names", 0 },
    { "sex", "sex", 0 },
    { "birth-date", "birth_date", 0 },
    { "nationality", "nationality", 0 },
    { "passport", "passport", 0 },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

#define ADD_USAGE                                              \
    "--id ID --family-name X [--given-names X] [--sex F|M|X] " \
    "[--birth-date D] [--nationality S] [--passport X] [--note TEXT]"

static const struct edit_command ADD = {
    "person", "add " ADD_USAGE, ENT_PERSON, 0, ADD_OPTS, NULL,
};

static int add(struct cli *cli, int argc, char **argv)
{
    return edit_insert(cli, &ADD, argc, argv);
}

static const struct command PERSON_COMMANDS[] = {
    { "list", list, LIST_USAGE,
      "persons, filtered (--name: part of a family or given name)" },
    { "show", show, SHOW_USAGE,
      "one person, with their postings, households and visa cases" },
    { "add", add, ADD_USAGE, "record a person" },
    { NULL, NULL, NULL, NULL },
};

int cmd_person(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "person", PERSON_COMMANDS, argc, argv);
}
