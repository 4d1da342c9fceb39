/*
 * `chancery person list|show|add`: the persons of the registry. Rows are
 * records as the interchange files have them (cli/records.h), so list,
 * show and export agree; `add` goes through the shared write path
 * (cli/edit.h), which validates exactly as an import does.
 */
#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"

static const struct edit_option LIST_OPTS[] = {
    { "nationality", NULL, 0 },
    { "name", NULL, 0 },
    { NULL, NULL, 0 },
};

#define LIST_USAGE "[--nationality S] [--name TEXT]"

static const struct edit_command LIST = {
    "person", "list " LIST_USAGE, ENT_PERSON, 0, LIST_OPTS, NULL,
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
    const char *v[EDIT_MAX_OPTIONS];
    struct records out;
    struct err e;
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
    for (uint32_t i = 0; i < snapshot_count(&out.s, ENT_PERSON); i++)
        if (matches(snap_person(&out.s, i), v[0], v[1]))
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

static int show(struct cli *cli, int argc, char **argv)
{
    static const struct edit_option opts[] = { { NULL, NULL, 0 } };
    static const struct edit_command c = { "person", "show ID", ENT_PERSON,
                                           1,        opts,      NULL };
    const char *v[EDIT_MAX_OPTIONS];
    struct records out;
    char **args;
    uint32_t i;
    int rc = edit_args(&c, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    if ((rc = records_show(&out, cli, ENT_PERSON, args[0], &i)))
        return rc;
    if (cli->format == OUT_TABLE)
        print_postings(cli, &out.s, i);
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
    { "show", show, "ID", "one person, with their postings" },
    { "add", add, ADD_USAGE, "record a person" },
    { NULL, NULL, NULL, NULL },
};

int cmd_person(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "person", PERSON_COMMANDS, argc, argv);
}
