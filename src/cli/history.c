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
 * and fails on the first entry or row that was rewritten; the verifiable
 * log's audit commands (keys, checkpoints, proofs, witnesses) are in
 * cli/audit.c and listed in the family's table here. Neither command
 * needs a snapshot: both ask the store directly. The entries are rendered
 * by report/history_view.c, as the HTTP API's history route renders them.
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "cli/audit.h"
#include "cli/commands.h"
#include "report/history_view.h"

/* Prints the entries known on cli's date through the history view (the
 * one GET /api/v1/history/{entity}/{id} calls); 0 when there were none. */
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
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    free(h);
    return n;
}

static int unknown_entity(const char *name)
{
    char names[128] = "";
    size_t len = 0;

    for (int k = 0; k < ENT__COUNT; k++)
        len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
                                k ? ", " : "", ENTITIES[k]->name);
    return cli_error(ST_USAGE, "unknown entity '%s' (expected one of: %s)",
                     name, names);
}

struct history_args {
    int related;
};

static const struct opt OPTS[] = {
    { .name = "related",
      .kind = OPT_FLAG,
      .offset = offsetof(struct history_args, related),
      .help = "for a person: interleave the changes of the postings, "
              "dependents and visa cases attached to the person." },
    { .name = NULL },
};

const struct cmd_spec HISTORY_SPEC = {
    .name = "history",
    .operands = "ENTITY ID",
    .min_operands = 2,
    .max_operands = 2,
    .help = "the recorded changes of one record, oldest first.",
    .more = "ENTITY is state, organization, mission, person, posting, "
            "dependent, policy, visa or consular; a dependent's ID is "
            "PERSON/POSTING.",
    .example = { "history posting T00001", "history person P00001 --related" },
    .opts = OPTS,
};

/* Says why a record has no history: an unknown key (with the closest
 * known ones), else none recorded by the --as-known-on date. */
static int no_changes(struct store *st, const struct entity *ent,
                      const char *key)
{
    struct snapshot s;
    struct err e;
    int rc;

    snapshot_init(&s);
    if (!store_load(st, DATE_NONE, &s, &e) &&
        opts_known_record(&s, ent->kind, NULL, key, &e))
        rc = cli_fail(&e);
    else
        rc = cli_error(ST_NOT_FOUND, "no recorded changes for %s '%s'",
                       ent->name, key);
    snapshot_release(&s);
    return rc;
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
        opts_known_record(&s, ENT_PERSON, NULL, id, &e);
        rc = cli_fail(&e);
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

int cmd_history(struct cli *cli, int argc, char **argv)
{
    const struct entity *ent;
    struct change_list list = { NULL, 0, 0 };
    struct opts_rest r;
    struct store *st;
    struct err e;
    struct history_args a = { 0 };
    int rc = opts_parse(cli, &HISTORY_SPEC, argc, argv, &a, NULL, &r);

    if (rc != OPTS_GO)
        return rc;
    rc = 0;
    if (!(ent = entity_by_name(r.v[0])))
        return unknown_entity(r.v[0]);
    if (a.related && ent->kind != ENT_PERSON)
        return cli_error(ST_USAGE, "--related is for a person's history");
    if (a.related) {
        rc = related_history(cli, r.v[1], &list);
        change_list_release(&list);
        return rc;
    }
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    if (store_history(st, ent->name, r.v[1], &list, &e))
        rc = cli_fail(&e);
    else if (!print_history(cli, &list, 0))
        rc = no_changes(st, ent, r.v[1]);
    change_list_release(&list);
    store_close(st);
    return rc;
}

static const struct cmd_spec VERIFY_SPEC = {
    .name = "audit verify",
    .operands = "",
    .help = "recompute the change log's hash chain and check the tables "
            "against it; fails on a rewritten entry or row.",
    .example = { "audit verify", "--db archive.db audit verify" },
};

static int verify(struct cli *cli, int argc, char **argv)
{
    struct store *st;
    struct err e;
    int64_t n;
    int rc = opts_parse(cli, &VERIFY_SPEC, argc, argv, NULL, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    rc = 0;
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    if (store_verify(st, &n, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("verified %lld changes: the hash chain is intact\n",
               (long long)n);
        if (store_verify_schema_skipped(st))
            printf("schema: not checked on a standby (its catalog is the "
                   "primary's: audit verify there checks it)\n");
        if (store_verify_image(st, &n, &e))
            rc = cli_fail(&e);
        else if (n == STORE_NO_IMAGES)
            printf("no snapshot image: reads load from the tables\n");
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
    { "verify", verify, &VERIFY_SPEC },
    { "keygen", audit_keygen, &AUDIT_KEYGEN_SPEC },
    { "checkpoint", audit_checkpoint, &AUDIT_CHECKPOINT_SPEC },
    { "verify-checkpoint", audit_verify_checkpoint,
      &AUDIT_VERIFY_CHECKPOINT_SPEC },
    { "prove", audit_prove, &AUDIT_PROVE_SPEC },
    { "witness", audit_witness, &AUDIT_WITNESS_SPEC },
    { "verify-export", audit_verify_export, &AUDIT_VERIFY_EXPORT_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec AUDIT_SPEC = {
    .name = "audit",
    .operands = "verify|keygen|checkpoint|verify-checkpoint|prove|witness|"
                "verify-export ...",
    .help = "verify the change log; keys, signed checkpoints, proofs and "
            "witnesses of the verifiable log.",
    .subs = AUDIT_COMMANDS,
};

int cmd_audit(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &AUDIT_SPEC, argc, argv);
}
