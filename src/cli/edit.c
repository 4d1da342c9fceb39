/*
 * The write path of person, posting and dependent commands. A command is a
 * table of options bound to record fields, so parsing, validation and
 * writing are written once: values are parsed by the field codec (the
 * import's validation, with "--option: message" for context), the record
 * is checked by its entity's rules, and the change is applied through
 * store_apply, which records it in the change log in the same transaction.
 * Every problem is reported before anything is written; on any failure the
 * snapshot is simply dropped, so a failed command writes nothing.
 */
#include "cli/edit.h"

#include "base/date.h"
#include "base/xalloc.h"
#include "core/apply.h"

/* An open write: the registry, its present state, and the problems found. */
struct edit {
    struct store *st;
    struct snapshot s;
    const struct entity *ent;
    struct problems p;
    char today[DATE_BUF];
    const char *actor; /* --actor */
};

int edit_args(struct cli *cli, const struct edit_command *c, int argc,
              char **argv, const char **values, char ***args)
{
    struct opts_rest rest;
    int rc = opts_parse(cli, c->spec, argc, argv, NULL, values, &rest);

    if (rc == OPTS_GO)
        *args = rest.v;
    return rc;
}

const char *edit_value(const struct edit_command *c, const char **values,
                       const char *name)
{
    return opts_text(c->spec, values, name);
}

static enum status edit_open(struct edit *ed, struct cli *cli,
                             enum entity_kind kind, struct err *e)
{
    snapshot_init(&ed->s);
    if (cli_open_for_write(cli, &ed->st, &ed->s, e)) {
        snapshot_release(&ed->s);
        return e->status;
    }
    ed->ent = ENTITIES[kind];
    ed->actor = cli->actor;
    problems_init(&ed->p);
    date_format(cli->today, ed->today);
    return ST_OK;
}

static void edit_close(struct edit *ed)
{
    problems_release(&ed->p);
    snapshot_release(&ed->s);
    store_close(ed->st);
}

/* The field an option sets; the tables are code, so a bad name is a bug. */
static const struct field *option_field(const struct edit *ed,
                                        const struct opt *o)
{
    const struct field *f = entity_field(ed->ent, o->field);

    if (!f)
        BUG("%s has no field '%s'", ed->ent->name, o->field);
    return f;
}

/* Sets rec's fields from the option values; a value that does not parse
 * is a problem "--option: message". A dated option given empty is one too:
 * "--on ''" would otherwise clear the very date the command records. */
static void parse_fields(struct edit *ed, const struct edit_command *c,
                         const char **values, void *rec)
{
    for (int i = 0; c->spec->opts[i].name; i++) {
        const struct opt *o = &c->spec->opts[i];
        const char *text = values[i];
        struct err e;

        if (!o->field)
            continue;
        if (!text && (o->flags & EDIT_TODAY))
            text = ed->today;
        if (!text)
            continue;
        if (!*text && (o->flags & (EDIT_TODAY | EDIT_REQUIRED)))
            problems_add(&ed->p, "--%s: a value is required", o->name);
        else if (field_parse(&ed->s, option_field(ed, o), rec, text, &e))
            problems_add(&ed->p, "--%s: %s", o->name, e.msg);
    }
}

/* Adds the entity's record-rule problems of rec to ed's problems. */
static void check_record(struct edit *ed, const void *rec, const char *key)
{
    char where[300];

    if (!ed->ent->check)
        return;
    /* Some rules look at a record's neighbours (a person's other tours). */
    snapshot_index(&ed->s);
    snprintf(where, sizeof(where), "%s '%s'", ed->ent->name, key);
    ed->ent->check(&ed->s, rec, where, &ed->p);
}

static enum status apply(struct edit *ed, enum change_op op, uint32_t i,
                         const void *before, const char *reason, struct err *e)
{
    struct change ch = { op, ed->ent->kind, i, before };
    struct change_meta meta = { ed->actor, reason };

    return store_apply(ed->st, &ed->s, &ch, 1, &meta, e);
}

static int insert(struct edit *ed, const void *rec, const char *reason)
{
    char buf[256];
    const char *key = record_key(&ed->s, ed->ent, rec, buf, sizeof(buf));
    struct err e;
    uint32_t i;

    if (snapshot_add(&ed->s, ed->ent->kind, rec, &i, &e))
        return cli_fail(&e);
    /* The indexes take in this record alone (no rebuild of the registry's
     * for the rules that look at its neighbours). */
    snapshot_reindex(&ed->s,
                     &(struct snapshot_change){ ed->ent->kind, i, NULL }, 1);
    check_record(ed, rec, key);
    if (ed->p.n_total)
        return cli_fail_problems(&ed->p);
    if (apply(ed, OP_INSERT, i, NULL, reason, &e))
        return cli_fail(&e);
    printf("%s '%s' added\n", ed->ent->name, key);
    return 0;
}

int edit_insert(struct cli *cli, const struct edit_command *c, int argc,
                char **argv)
{
    const char *values[EDIT_MAX_OPTIONS];
    struct edit ed;
    struct err e;
    char **args;
    void *rec;
    int rc = edit_args(cli, c, argc, argv, values, &args);

    if (rc != EDIT_GO)
        return rc;
    if (edit_open(&ed, cli, c->kind, &e))
        return cli_fail(&e);
    if (opts_check(c->spec, NULL, values, NULL, &ed.s, &e)) {
        edit_close(&ed);
        return cli_fail(&e);
    }
    rec = xmalloc(ed.ent->size);
    record_clear(ed.ent, rec);
    parse_fields(&ed, c, values, rec);
    if (ed.p.n_total)
        rc = cli_fail_problems(&ed.p);
    else
        rc = insert(&ed, rec, edit_value(c, values, "note"));
    free(rec);
    edit_close(&ed);
    return rc;
}

/* Refuses to set again what a guard field says was already recorded. */
static int guarded(const struct edit *ed, const struct edit_command *c,
                   const void *row, const char *key)
{
    for (const char *const *g = c->guards; g && *g; g++) {
        const struct field *f = entity_field(ed->ent, *g);
        char buf[FIELD_BUF];

        if (!f)
            BUG("%s has no field '%s'", ed->ent->name, *g);
        if (!field_is_absent(f, row))
            return cli_error(ST_INVALID, "%s '%s' already %s on %s",
                             ed->ent->name, key, f->name,
                             field_text(&ed->s, f, row, buf));
    }
    return 0;
}

static void print_updated(const struct edit *ed, const struct edit_command *c,
                          const void *row, const char *key)
{
    const struct field *f = option_field(ed, &c->spec->opts[0]);
    char buf[FIELD_BUF];

    printf("%s '%s' %s on %s\n", ed->ent->name, key, f->name,
           field_text(&ed->s, f, row, buf));
}

static int update(struct edit *ed, const struct edit_command *c, uint32_t i,
                  const char *key, const char **values, edit_refuse_fn refuse)
{
    void *row = snapshot_row(&ed->s, c->kind, i);
    void *before;
    struct err e;
    int rc = guarded(ed, c, row, key);

    if (!rc && refuse)
        rc = refuse(&ed->s, row, key);

    if (rc)
        return rc;
    before = xmalloc(ed->ent->size);
    memcpy(before, row, ed->ent->size);
    parse_fields(ed, c, values, row);
    if (!ed->p.n_total)
        check_record(ed, row, key);
    snapshot_touch(&ed->s);
    if (ed->p.n_total)
        rc = cli_fail_problems(&ed->p);
    else if (apply(ed, OP_UPDATE, i, before, edit_value(c, values, "note"), &e))
        rc = cli_fail(&e);
    else
        print_updated(ed, c, row, key);
    free(before);
    return rc;
}

int edit_update(struct cli *cli, const struct edit_command *c, int argc,
                char **argv)
{
    return edit_update_if(cli, c, argc, argv, NULL);
}

int edit_update_if(struct cli *cli, const struct edit_command *c, int argc,
                   char **argv, edit_refuse_fn refuse)
{
    const char *values[EDIT_MAX_OPTIONS];
    struct edit ed;
    struct err e;
    char key[256];
    char **args;
    uint32_t i;
    int rc = edit_args(cli, c, argc, argv, values, &args);

    if (rc != EDIT_GO)
        return rc;
    if (c->spec->min_operands == 2)
        snprintf(key, sizeof(key), "%s/%s", args[0], args[1]);
    else
        snprintf(key, sizeof(key), "%s", args[0]);
    if (edit_open(&ed, cli, c->kind, &e))
        return cli_fail(&e);
    i = snapshot_find(&ed.s, c->kind, key);
    if (i == IDMAP_NONE) {
        opts_known_record(&ed.s, c->kind, NULL, key, &e);
        rc = cli_fail(&e);
    } else if (opts_check(c->spec, NULL, values, NULL, &ed.s, &e)) {
        rc = cli_fail(&e);
    } else
        rc = update(&ed, c, i, key, values, refuse);
    edit_close(&ed);
    return rc;
}

/* The new record of edit_insert_from, once its source is found. */
static int insert_from(struct edit *ed, const struct edit_command *c,
                       uint32_t src, const char **values, edit_derive_fn derive)
{
    void *rec = xmalloc(ed->ent->size);
    int rc;

    record_clear(ed->ent, rec);
    rc = derive(&ed->s, src, rec, values);
    if (!rc) {
        parse_fields(ed, c, values, rec);
        if (ed->p.n_total)
            rc = cli_fail_problems(&ed->p);
        else
            rc = insert(ed, rec, edit_value(c, values, "note"));
    }
    free(rec);
    return rc;
}

int edit_insert_from(struct cli *cli, const struct edit_command *c, int argc,
                     char **argv, edit_derive_fn derive)
{
    const char *values[EDIT_MAX_OPTIONS];
    struct edit ed;
    struct err e;
    char **args;
    uint32_t src;
    int rc = edit_args(cli, c, argc, argv, values, &args);

    if (rc != EDIT_GO)
        return rc;
    if (edit_open(&ed, cli, c->kind, &e))
        return cli_fail(&e);
    src = snapshot_find(&ed.s, c->kind, args[0]);
    if (src == IDMAP_NONE) {
        opts_known_record(&ed.s, c->kind, NULL, args[0], &e);
        rc = cli_fail(&e);
    } else if (opts_check(c->spec, NULL, values, NULL, &ed.s, &e)) {
        rc = cli_fail(&e);
    } else
        rc = insert_from(&ed, c, src, values, derive);
    edit_close(&ed);
    return rc;
}
