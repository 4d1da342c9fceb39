/*
 * `chancery person list|show|add`: the persons of the registry. Rows are
 * records as the interchange files have them (cli/records.h), so list,
 * show and export agree; `add` goes through the shared write path
 * (cli/edit.h), which validates exactly as an import does. `show` adds
 * the person's postings, households and visa cases (report/record.h).
 * list renders through report/views.c, as GET /api/v1/persons does.
 */
#include <stddef.h>

#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"
#include "report/record.h"
#include "report/views.h"

struct person_filter {
    const char *nationality, *name;
};

static const struct opt LIST_OPTS[] = {
    { .name = "nationality",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct person_filter, nationality),
      .def = "any",
      .help = "only persons of nationality S." },
    { .name = "name",
      .arg = "TEXT",
      .offset = offsetof(struct person_filter, name),
      .def = "any",
      .help = "only persons whose family or given names contain TEXT "
              "(case-sensitive)." },
    { .name = NULL },
};

static const struct cmd_spec LIST_SPEC = {
    .name = "person list",
    .operands = "",
    .help = "the persons of the registry, filtered.",
    .example = { "person list --nationality RUS", "person list --name Ivan" },
    .opts = LIST_OPTS,
};

static int list(struct cli *cli, int argc, char **argv)
{
    struct person_filter f = { NULL, NULL };
    struct records out;
    struct buf b;
    struct err e;
    int rc = opts_parse(cli, &LIST_SPEC, argc, argv, &f, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (records_open(&out, cli, ENT_PERSON, &e))
        return cli_fail(&e);
    if (opts_check(&LIST_SPEC, &f, NULL, NULL, &out.s, &e)) {
        records_close(&out);
        return cli_fail(&e);
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    view_persons(&out.s, f.nationality, f.name, &VIEW_SCOPE_ALL, cli->format,
                 &b);
    records_print_buf(&b);
    records_close(&out);
    return 0;
}

struct show_args {
    int32_t as_of;
};

static const struct opt SHOW_OPTS[] = {
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct show_args, as_of),
      .def = "today",
      .help = "the date of the postings' status and the households." },
    { .name = NULL },
};

static const struct cmd_spec SHOW_SPEC = {
    .name = "person show",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .operand_refs = { REF_PERSON },
    .help = "one person's record, with their postings, households and visa "
            "cases.",
    .example = { "person show P00001 --as-of 2021-12-04",
                 "--format json person show P00001" },
    .opts = SHOW_OPTS,
};

static int show(struct cli *cli, int argc, char **argv)
{
    struct show_args a = { cli->today };
    struct opts_rest id;
    struct records out;
    struct buf b;
    uint32_t i;
    int rc = opts_parse(cli, &SHOW_SPEC, argc, argv, &a, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    if ((rc = records_find(&out, cli, ENT_PERSON, id.v[0], &i)))
        return rc;
    buf_init(&b, BUF_MAX_DEFAULT);
    person_view_render(&b, cli->format, &out.s, &out.g, i, a.as_of);
    records_print_buf(&b);
    records_close(&out);
    return 0;
}

static const struct opt ADD_OPTS[] = {
    { .name = "id",
      .arg = "ID",
      .field = "id",
      .flags = EDIT_REQUIRED,
      .help = "the new person's id (unique)." },
    { .name = "family-name",
      .arg = "TEXT",
      .field = "family_name",
      .flags = EDIT_REQUIRED,
      .help = "the family name." },
    { .name = "given-names",
      .arg = "TEXT",
      .field = "given_names",
      .help = "the given names." },
    { .name = "sex",
      .arg = "SEX",
      .field = "sex",
      .values = "F|M|X",
      .flags = OPT_HINT,
      .help = "the sex as the passport gives it." },
    { .name = "birth-date",
      .arg = "D",
      .field = "birth_date",
      .help = "the date of birth (YYYY-MM-DD)." },
    { .name = "nationality",
      .arg = "S",
      .field = "nationality",
      .ref = REF_STATE,
      .help = "the state of nationality." },
    { .name = "passport",
      .arg = "TEXT",
      .field = "passport",
      .help = "the passport number." },
    { .name = "note", .arg = "TEXT", .help = "the change's recorded reason." },
    { .name = NULL },
};

static const struct cmd_spec ADD_SPEC = {
    .name = "person add",
    .operands = "",
    .help = "record a person.",
    .more = "Values are checked as an import checks them: a value that "
            "does not parse exits 3 and nothing is written.",
    .example = { "person add --id P900 --family-name Petrov --given-names "
                 "Ivan --sex M --nationality RUS",
                 "person add --id P901 --family-name Smith --birth-date "
                 "1980-05-01 --note 'notified 2021-12-01'" },
    .opts = ADD_OPTS,
};

static const struct edit_command ADD = { &ADD_SPEC, ENT_PERSON, NULL };

static int add(struct cli *cli, int argc, char **argv)
{
    return edit_insert(cli, &ADD, argc, argv);
}

static const struct command PERSON_COMMANDS[] = {
    { "list", list, &LIST_SPEC },
    { "show", show, &SHOW_SPEC },
    { "add", add, &ADD_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec PERSON_SPEC = {
    .name = "person",
    .operands = "list|show|add ...",
    .help = "persons: staff of missions and members of their households.",
    .subs = PERSON_COMMANDS,
};

int cmd_person(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &PERSON_SPEC, argc, argv);
}
