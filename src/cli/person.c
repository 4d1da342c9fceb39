/*
 * `chancery person list|show|add`: the persons of the registry. Rows are
 * records as the interchange files have them (cli/records.h), so list,
 * show and export agree; `add` goes through the shared write path
 * (cli/edit.h), which validates exactly as an import does.
 */
#include <stddef.h>

#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"

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

/* --name matches a case-sensitive part of the family or given names. */
static int matches(const struct person *p, const char *nationality,
                   const char *name)
{
    if (nationality && strcmp(p->nationality, nationality) != 0)
        return 0;
    return !name || strstr(p->family_name, name) ||
           (p->given_names && strstr(p->given_names, name));
}

static int list(struct cli *cli, int argc, char **argv)
{
    struct person_filter f = { NULL, NULL };
    struct records out;
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
    for (uint32_t i = 0; i < snapshot_count(&out.s, ENT_PERSON); i++)
        if (matches(snap_person(&out.s, i), f.nationality, f.name))
            records_add(&out, i);
    records_print(&out, cli);
    records_close(&out);
    return 0;
}

/* The columns of a person's postings; the person is the one shown. */
static const char *const POSTING_COLUMNS[] = {
    "id",       "mission", "title", "rank",       "category",
    "notified", "arrived", "ended", "end_reason",
};
#define N_POSTING_COLUMNS (sizeof(POSTING_COLUMNS) / sizeof(POSTING_COLUMNS[0]))

static void add_posting(struct grid *g, const struct snapshot *s, uint32_t t)
{
    const struct entity *ent = ENTITIES[ENT_POSTING];
    char bufs[N_POSTING_COLUMNS][FIELD_BUF];
    const char *cells[N_POSTING_COLUMNS];

    for (size_t c = 0; c < N_POSTING_COLUMNS; c++)
        cells[c] = field_text(s, entity_field(ent, POSTING_COLUMNS[c]),
                              snap_posting(s, t), bufs[c]);
    grid_add_row(g, cells);
}

/* Prints the person's postings as a second grid after the record. */
static void print_postings(const struct cli *cli, const struct snapshot *s,
                           uint32_t person)
{
    struct grid g;

    grid_init(&g, POSTING_COLUMNS, N_POSTING_COLUMNS);
    ADJ_FOR_EACH(s->postings_by_person, person, t)
    {
        add_posting(&g, s, t);
    }
    printf("\npostings:\n");
    cli_print_grid(cli, &g);
    grid_release(&g);
}

static const struct cmd_spec SHOW_SPEC = {
    .name = "person show",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "one person's record, with their postings.",
    .example = { "person show P00001", "--format json person show P00001" },
};

static int show(struct cli *cli, int argc, char **argv)
{
    struct opts_rest id;
    struct records out;
    uint32_t i;
    int rc = opts_parse(cli, &SHOW_SPEC, argc, argv, NULL, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    if ((rc = records_show(&out, cli, ENT_PERSON, id.v[0], &i)))
        return rc;
    if (cli->format == OUT_TABLE)
        print_postings(cli, &out.s, i);
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
