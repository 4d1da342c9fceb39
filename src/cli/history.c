/*
 * `chancery history ENTITY ID [--related]` and `chancery audit verify`:
 * reading the change log. `history person P --related` interleaves, in
 * sequence order, the person's entries with those of the records attached
 * to the person: their postings, the households they belong to or that
 * their postings hold (dependents), and their visa cases; each row then
 * names its entity and key. The registry never forgets (DESIGN.md, "Data
 * model"): every write is an entry with its before and after images, so a
 * record's history is its entries, oldest first, with the images as the store
 * gives them (JSON strings, so nothing is lost or reformatted; the store fills
 * in the after images it derives, store/log.c). The log is hash-chained by the
 * store; `audit verify` recomputes the chain, checks the tables against it
 * and fails on the first entry or row that was rewritten. Neither command
 * needs a snapshot: both ask the store directly.
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "report/history_view.h"

#define HISTORY_USAGE "ENTITY ID | person ID --related"

/* Prints the entries known on cli's date; 0 when there were none. */
static size_t print_history(const struct cli *cli,
                            const struct change_list *list, int related)
{
    struct history_entry *h = xcalloc(list->n + 1, sizeof(*h));
    struct buf b;
    size_t n;

    for (size_t i = 0; i < list->n; i++) {
        const struct change_entry *c = &list->items[i];

        h[i] = (struct history_entry){ c->seq,    c->recorded, c->actor,
                                       c->op,     c->entity,   c->key,
                                       c->before, c->after,    c->reason };
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    n = view_history(h, list->n, cli->as_known_on, related, cli->format, &b);
    free(h);
    if (n)
        fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
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

struct refs {
    struct record_ref *items;
    size_t n, alloc;
};

static void add_ref(struct refs *r, const char *entity, const char *key)
{
    XGROW(r->items, r->n + 1, r->alloc);
    r->items[r->n++] = (struct record_ref){ entity, key };
}

/* The records attached to person p of s, the person first, into r (keys
 * borrowed from s, or copied into its arena). */
static void related_refs(struct snapshot *s, uint32_t p, struct refs *r)
{
    add_ref(r, "person", snap_person(s, p)->id);
    ADJ_FOR_EACH(s->postings_by_person, p, t)
    {
        add_ref(r, "posting", snap_posting(s, t)->id);
    }
    for (uint32_t i = 0; i < snapshot_count(s, ENT_DEPENDENT); i++) {
        const struct dependent *d = snap_dependent(s, i);
        char key[512];

        if (d->person != p && snap_posting(s, d->posting)->person != p)
            continue;
        snprintf(key, sizeof(key), "%s/%s", snap_person(s, d->person)->id,
                 snap_posting(s, d->posting)->id);
        add_ref(r, "dependent", arena_strdup(&s->strings, key));
    }
    for (uint32_t i = 0; i < snapshot_count(s, ENT_VISA); i++)
        if (snap_visa(s, i)->person == p)
            add_ref(r, "visa", snap_visa(s, i)->id);
}

/* history person ID --related: the changes of the person and of the
 * records attached to it, as the registry holds them now. */
static int related_history(struct cli *cli, const char *id,
                           struct change_list *list)
{
    struct snapshot s;
    struct store *st;
    struct refs refs = { NULL, 0, 0 };
    struct err e;
    uint32_t p;
    int32_t known = cli->as_known_on;
    int rc = 0;

    snapshot_init(&s);
    cli->as_known_on = DATE_NONE;
    rc = cli_open(cli, &st, &s, &e) ? cli_fail(&e) : 0;
    cli->as_known_on = known;
    if (rc) {
        snapshot_release(&s);
        return rc;
    }
    if ((p = snapshot_find(&s, ENT_PERSON, id)) == IDMAP_NONE) {
        rc = cli_error(ST_NOT_FOUND, "unknown person '%s'", id);
    } else {
        related_refs(&s, p, &refs);
        if (store_history_of(st, refs.items, refs.n, list, &e))
            rc = cli_fail(&e);
        else if (!print_history(cli, list, 1))
            rc = cli_error(ST_NOT_FOUND, "no recorded changes for person '%s'",
                           id);
    }
    free(refs.items);
    snapshot_release(&s);
    store_close(st);
    return rc;
}

/* Takes --related out of argv. Returns 1 when it was there. */
static int take_related(int *argc, char **argv)
{
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--related"))
            continue;
        memmove(argv + i, argv + i + 1, (size_t)(*argc - i) * sizeof(*argv));
        (*argc)--;
        return 1;
    }
    return 0;
}

int cmd_history(struct cli *cli, int argc, char **argv)
{
    const struct entity *ent;
    struct change_list list = { NULL, 0, 0 };
    struct store *st;
    struct err e;
    int related = take_related(&argc, argv);
    int rc = 0;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        printf("usage: chancery history " HISTORY_USAGE "\n");
        return 0;
    }
    if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-')
        return cli_usage("history", HISTORY_USAGE);
    if (!(ent = entity_by_name(argv[1])))
        return unknown_entity(argv[1]);
    if (related && ent->kind != ENT_PERSON)
        return cli_error(ST_USAGE, "--related is for a person's history");
    if (related) {
        rc = related_history(cli, argv[2], &list);
        change_list_release(&list);
        return rc;
    }
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    if (store_history(st, ent->name, argv[2], &list, &e))
        rc = cli_fail(&e);
    else if (!print_history(cli, &list, 0))
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
    if (store_verify(st, &n, &e))
        rc = cli_fail(&e);
    else
        printf("verified %lld changes: the hash chain is intact\n",
               (long long)n);
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
