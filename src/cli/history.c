/*
 * `chancery history ENTITY ID` and `chancery audit verify`: reading the
 * change log. The registry never forgets (DESIGN.md, "Data model"): every
 * write is an entry with its before and after images, so a record's
 * history is its entries, oldest first, with the images as the store gives
 * them (JSON strings, so nothing is lost or reformatted; the store fills in
 * the after images it derives, store/log.c). The log is hash-chained by the
 * store; `audit verify` recomputes the chain, checks the tables against it
 * and fails on the first entry or row that was rewritten. Neither command
 * needs a snapshot: both ask the store directly.
 */
#include "base/date.h"
#include "cli/commands.h"

static const char *const COLUMNS[] = {
    "seq:n", "recorded", "actor", "op", "reason", "before", "after",
};
#define N_COLUMNS (sizeof(COLUMNS) / sizeof(COLUMNS[0]))

#define HISTORY_USAGE "ENTITY ID"

/* 1 when the entry was recorded by the end of day (DATE_NONE: always). */
static int known_on(const struct change_entry *c, int32_t day)
{
    char text[DATE_BUF];
    int32_t d;

    if (day == DATE_NONE)
        return 1;
    snprintf(text, sizeof(text), "%s", c->recorded ? c->recorded : "");
    return !date_parse(text, &d, NULL) && d <= day;
}

static void add_entry(struct grid *g, const struct change_entry *c)
{
    char seq[24];
    const char *cells[N_COLUMNS];

    snprintf(seq, sizeof(seq), "%lld", (long long)c->seq);
    cells[0] = seq;
    cells[1] = c->recorded;
    cells[2] = c->actor;
    cells[3] = c->op;
    cells[4] = c->reason;
    cells[5] = c->before;
    cells[6] = c->after;
    grid_add_row(g, cells);
}

/* Prints the entries known on cli's date; 0 when there were none. */
static size_t print_history(const struct cli *cli,
                            const struct change_list *list)
{
    struct grid g;
    size_t n = 0;

    grid_init(&g, COLUMNS, N_COLUMNS);
    for (size_t i = 0; i < list->n; i++) {
        if (known_on(&list->items[i], cli->as_known_on)) {
            add_entry(&g, &list->items[i]);
            n++;
        }
    }
    if (n)
        cli_print_grid(cli, &g);
    grid_release(&g);
    return n;
}

static int unknown_entity(const char *name)
{
    char names[128] = "";
    size_t len = 0;

    for (int k = 0; k < ENT__COUNT; k++)
        len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
                                k ? ", " : "", ENTITIES[k]->name);
    cli_error(ST_USAGE, "unknown entity '%s' (expected one of: %s)", name,
              names);
    return cli_usage("history", HISTORY_USAGE);
}

int cmd_history(struct cli *cli, int argc, char **argv)
{
    const struct entity *ent;
    struct change_list list = { NULL, 0, 0 };
    struct store *st;
    struct err e;
    int rc = 0;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: chancery history " HISTORY_USAGE "\n");
        return 0;
    }
    if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-')
        return cli_usage("history", HISTORY_USAGE);
    if (!(ent = entity_by_name(argv[1])))
        return unknown_entity(argv[1]);
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    if (store_history(st, ent->name, argv[2], &list, &e))
        rc = cli_fail(&e);
    else if (!print_history(cli, &list))
        rc = cli_error(ST_NOT_FOUND, "no recorded changes for %s '%s'",
                       ent->name, argv[2]);
    change_list_release(&list);
    store_close(st);
    return rc;
}

static int verify(struct cli *cli, int argc, char **argv)
{
    struct store *st;
    struct err e;
    int64_t n;
    int rc = 0;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: chancery audit verify\n");
        return 0;
    }
    if (argc != 1)
        return cli_usage("audit", "verify");
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    if (store_verify(st, &n, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("verified %lld changes: the hash chain is intact\n",
               (long long)n);
        if (store_verify_image(st, &n, &e))
            rc = cli_fail(&e);
        else if (n < 0)
            printf("no usable snapshot image: the next read writes one\n");
        else
            printf("the snapshot image matches the tables (%lld records)\n",
                   (long long)n);
    }
    store_close(st);
    return rc;
}

static const struct command AUDIT_COMMANDS[] = {
    { "verify", verify, "",
      "recompute the change log's hash chain and check the tables against "
      "it; fails on a rewritten entry or row" },
    { NULL, NULL, NULL, NULL },
};

int cmd_audit(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "audit", AUDIT_COMMANDS, argc, argv);
}
