/*
 * Carrying an export's change log over (docs/registry.md, "Moving a
 * registry"). An import of an export directory into an empty registry
 * (whose log holds only what `init` wrote: states and organizations)
 * takes the export's changelog.jsonl as its own log, in the import's
 * transaction: the entries (seq, recorded, actor, reason, images and chain
 * hashes) and the Merkle tree's nodes are the source's, so its checkpoints
 * stay valid and the next export writes the same file byte for byte.
 *
 * Two passes over the file. The first checks every line (JSON, fields,
 * seq one more than the line before, the chain hash over the entry's
 * encoding) and keeps each record's last entry and image; those images
 * must be the records the import holds (the registry files and the
 * reference data), every one. Only then is the registry's own log
 * replaced: the second pass writes the entries, one change set per run of
 * entries of the same recorded, actor and reason. An entry stores its
 * after image only when it is not its record's last (the last one's is the
 * row, as store/log.c derives it). Any failure names file, line and field
 * and rolls the whole import back.
 */
#include <errno.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/idmap.h"
#include "base/xalloc.h"
#include "store/prepare.h"
#include "store/tlog.h"

/* A record's last entry in the file. */
struct last_entry {
    int64_t seq;
    size_t line;
    const char *image; /* NULL once deleted */
    int seen;          /* the import holds it */
};

struct adopter {
    const char *path;
    struct idmap by_record; /* "entity\x1fkey" -> index into last */
    struct last_entry *last;
    size_t n_last, alloc_last;
    struct arena names;
    struct buf enc;
    int64_t n;
    char prev[HASH_HEX];
};

/* Member name of o as text (NULL for JSON null); bad when neither, or
 * null where required. */
static enum status text_member(const struct adopter *a, size_t line, json_t *o,
                               const char *name, int required, const char **out,
                               struct err *e)
{
    json_t *v = json_object_get(o, name);

    *out = json_is_string(v) ? json_string_value(v) : NULL;
    if (*out || (!required && json_is_null(v)))
        return ST_OK;
    return err_set(e, ST_INVALID, "%s:%zu: field '%s': %s", a->path, line, name,
                   required ? "a string is required" : "a string or null");
}

/* The entry of line o, checked against the chain. */
static enum status parse_entry(struct adopter *a, json_t *o, size_t line,
                               struct log_fields *f, unsigned char chain[],
                               unsigned char leaf[], struct err *e)
{
    const char *hash = NULL;
    unsigned char stored[HASH_BYTES];
    json_t *seq = json_object_get(o, "seq");

    if (!json_is_integer(seq))
        return err_set(e, ST_INVALID,
                       "%s:%zu: field 'seq': a number is required", a->path,
                       line);
    f->seq = json_integer_value(seq);
    if (f->seq != a->n + 1)
        return err_set(e, ST_INVALID,
                       "%s:%zu: field 'seq': %lld where %lld was expected: "
                       "entries were deleted or reordered",
                       a->path, line, (long long)f->seq, (long long)a->n + 1);
    if (text_member(a, line, o, "recorded", 1, &f->recorded, e) ||
        text_member(a, line, o, "actor", 1, &f->actor, e) ||
        text_member(a, line, o, "op", 1, &f->op, e) ||
        text_member(a, line, o, "entity", 1, &f->entity, e) ||
        text_member(a, line, o, "key", 1, &f->key, e) ||
        text_member(a, line, o, "before", 0, &f->before, e) ||
        text_member(a, line, o, "after", 0, &f->after, e) ||
        text_member(a, line, o, "reason", 0, &f->reason, e) ||
        text_member(a, line, o, "hash", 1, &hash, e))
        return ST_INVALID;
    if (strcmp(f->op, "insert") && strcmp(f->op, "update") &&
        strcmp(f->op, "delete"))
        return err_set(e, ST_INVALID,
                       "%s:%zu: field 'op': '%s' is not insert, update or "
                       "delete",
                       a->path, line, f->op);
    if (!entity_by_name(f->entity))
        return err_set(e, ST_INVALID, "%s:%zu: field 'entity': unknown '%s'",
                       a->path, line, f->entity);
    if (entry_encode(f, &a->enc))
        return err_set(e, ST_INVALID, "%s:%zu: an entry too large", a->path,
                       line);
    entry_hashes(a->prev, &a->enc, chain, leaf);
    if (hash_from_hex(hash, stored) || memcmp(stored, chain, HASH_BYTES))
        return err_set(e, ST_INVALID,
                       "%s:%zu: field 'hash': does not match the entry's "
                       "content and the chain before it",
                       a->path, line);
    hash_to_hex(chain, a->prev);
    a->n++;
    return ST_OK;
}

/* Notes entry f of line as its record's last. */
static void track(struct adopter *a, const struct log_fields *f, size_t line)
{
    char *id = xasprintf("%s\x1f%s", f->entity, f->key);
    uint32_t i = idmap_get(&a->by_record, id);

    if (i == IDMAP_NONE) {
        XGROW(a->last, a->n_last + 1, a->alloc_last);
        i = (uint32_t)a->n_last++;
        idmap_put(&a->by_record, arena_strdup(&a->names, id), i);
    }
    free(id);
    a->last[i].seq = f->seq;
    a->last[i].line = line;
    a->last[i].seen = 0;
    a->last[i].image = f->op && strcmp(f->op, "delete") && f->after
                           ? arena_strdup(&a->names, f->after)
                           : NULL;
}

/* Calls each(a, f, chain, leaf, ctx) on every entry of the file. */
static enum status
walk(struct adopter *a,
     enum status (*each)(struct adopter *a, size_t line,
                         const struct log_fields *f, const unsigned char *chain,
                         const unsigned char *leaf, void *ctx, struct err *e),
     void *ctx, struct err *e)
{
    FILE *in = fopen(a->path, "r");
    char *text = NULL;
    size_t cap = 0, line = 0;
    ssize_t len;
    enum status rc = ST_OK;

    if (!in)
        return err_set(e, ST_ERROR, "cannot read '%s': %s", a->path,
                       strerror(errno));
    a->n = 0;
    a->prev[0] = '\0';
    while (!rc && (len = getline(&text, &cap, in)) >= 0) {
        json_error_t je;
        json_t *o = json_loadb(text, (size_t)len, JSON_REJECT_DUPLICATES, &je);
        struct log_fields f;
        unsigned char chain[HASH_BYTES], leaf[HASH_BYTES];

        line++;
        memset(&f, 0, sizeof(f));
        if (!json_is_object(o))
            rc = err_set(e, ST_INVALID, "%s:%zu: not a change-log entry: %s",
                         a->path, line, o ? "not a JSON object" : je.text);
        else if (!(rc = parse_entry(a, o, line, &f, chain, leaf, e)))
            rc = each(a, line, &f, chain, leaf, ctx, e);
        json_decref(o);
    }
    free(text);
    if (!rc && ferror(in))
        rc = err_set(e, ST_ERROR, "cannot read '%s': %s", a->path,
                     strerror(errno));
    fclose(in);
    return rc;
}

static enum status first_pass(struct adopter *a, size_t line,
                              const struct log_fields *f,
                              const unsigned char *chain,
                              const unsigned char *leaf, void *ctx,
                              struct err *e)
{
    (void)chain;
    (void)leaf;
    (void)ctx;
    (void)e;
    track(a, f, line);
    return ST_OK;
}

/* Every record the import holds is its last image in the log, and every
 * record the log leaves is held. */
static enum status match_records(struct adopter *a, const struct snapshot *s,
                                 struct err *e)
{
    struct buf image;
    char key_buf[KEY_MAX];
    enum status rc = ST_OK;

    buf_init(&image, BUF_MAX_DEFAULT);
    for (int k = 0; k < ENT__COUNT && !rc; k++) {
        const struct entity *ent = ENTITIES[k];

        for (uint32_t i = 0; i < snapshot_count(s, k) && !rc; i++) {
            const void *rec = snapshot_row(s, k, i);
            const char *key = record_key(s, ent, rec, key_buf, sizeof(key_buf));
            char *id = xasprintf("%s\x1f%s", ent->name, key);
            uint32_t at = idmap_get(&a->by_record, id);
            struct last_entry *l = at == IDMAP_NONE ? NULL : &a->last[at];

            free(id);
            record_image_to(&image, s, ent, rec);
            if (!l || !l->image)
                rc = err_set(e, ST_INVALID,
                             "%s: %s '%s' of the registry files is in no "
                             "entry of the log%s",
                             a->path, ent->name, key,
                             l ? " (the log deletes it)" : "");
            else if (strcmp(l->image, image.data))
                rc = err_set(e, ST_INVALID,
                             "%s:%zu: field 'after': %s '%s' differs from "
                             "%s",
                             a->path, l->line, ent->name, key,
                             k == ENT_STATE || k == ENT_ORGANIZATION
                                 ? "the reference data `init` loaded here"
                                 : "the registry files");
            else
                l->seen = 1;
        }
    }
    for (size_t i = 0; i < a->n_last && !rc; i++)
        if (a->last[i].image && !a->last[i].seen)
            rc = err_set(e, ST_INVALID,
                         "%s:%zu: field 'after': a record the registry files "
                         "do not hold",
                         a->path, a->last[i].line);
    buf_release(&image);
    return rc;
}

/* The writing pass's state. */
struct log_out {
    struct store *st;
    struct sql_stmt *set, *entry;
    struct tlog tree;
    int64_t set_id;
    const char *recorded, *actor, *reason; /* the set's, copied below */
    char *keep[3];
};

static int same(const char *x, const char *y)
{
    return x ? y && !strcmp(x, y) : !y;
}

static enum status step_done(struct store *st, struct sql_stmt *q,
                             struct err *e)
{
    int rc = sql_step(q);

    sql_reset(q);
    if (rc == SQL_DONE)
        return ST_OK;
    return err_set(e, ST_ERROR, "database '%s': %s", st->path, db_errmsg(st));
}

static void bind_text(struct sql_stmt *q, int i, const char *text)
{
    if (text)
        sql_bind_text(q, i, text, -1, SQL_TRANSIENT);
    else
        sql_bind_null(q, i);
}

/* A new change set when f's recorded, actor or reason differ. */
static enum status set_of(struct log_out *o, const struct log_fields *f,
                          struct err *e)
{
    if (o->set_id && same(f->recorded, o->recorded) &&
        same(f->actor, o->actor) && same(f->reason, o->reason))
        return ST_OK;
    for (int i = 0; i < 3; i++)
        free(o->keep[i]);
    o->keep[0] = xstrdup(f->recorded);
    o->keep[1] = xstrdup(f->actor);
    o->keep[2] = f->reason ? xstrdup(f->reason) : NULL;
    o->recorded = o->keep[0];
    o->actor = o->keep[1];
    o->reason = o->keep[2];
    o->set_id = f->seq;
    sql_bind_int64(o->set, 1, o->set_id);
    bind_text(o->set, 2, o->recorded);
    bind_text(o->set, 3, o->actor);
    bind_text(o->set, 4, o->reason);
    return step_done(o->st, o->set, e);
}

static enum status write_pass(struct adopter *a, size_t line,
                              const struct log_fields *f,
                              const unsigned char *chain,
                              const unsigned char *leaf, void *ctx,
                              struct err *e)
{
    struct log_out *o = ctx;
    char *id = xasprintf("%s\x1f%s", f->entity, f->key);
    uint32_t at = idmap_get(&a->by_record, id);
    /* The last entry of a record leaves its after image to the row. */
    int last = at != IDMAP_NONE && a->last[at].seq == f->seq;

    (void)line;
    free(id);
    if (set_of(o, f, e))
        return ST_ERROR;
    sql_bind_int64(o->entry, 1, f->seq);
    sql_bind_int64(o->entry, 2, o->set_id);
    bind_text(o->entry, 3, f->op);
    bind_text(o->entry, 4, f->entity);
    bind_text(o->entry, 5, f->key);
    bind_text(o->entry, 6, f->before);
    bind_text(o->entry, 7, last ? NULL : f->after);
    sql_bind_blob(o->entry, 8, chain, HASH_BYTES, SQL_TRANSIENT);
    if (step_done(o->st, o->entry, e))
        return ST_ERROR;
    return tlog_append(o->st, &o->tree, f->seq, leaf, e);
}

/* Whether the registry's log up to own_head holds only init's entries. */
static enum status log_is_empty(struct store *st, int64_t own_head, int *empty,
                                struct err *e)
{
    struct sql_stmt *q;
    int step;

    if (db_prepare(st,
                   "SELECT count(*) FROM changes WHERE seq <= ? AND entity "
                   "<> 'state' AND entity <> 'organization'",
                   &q, e))
        return ST_ERROR;
    sql_bind_int64(q, 1, own_head);
    step = sql_step(q);
    *empty = step == SQL_ROW && sql_column_int64(q, 0) == 0;
    sql_finalize(q);
    if (step != SQL_ROW)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

static enum status replace_log(struct adopter *a, struct store *st,
                               struct err *e)
{
    struct log_out o;
    enum status rc;

    memset(&o, 0, sizeof(o));
    o.st = st;
    if (db_exec(st, "DELETE FROM tlog_nodes", e) ||
        db_exec(st, "DELETE FROM tlog_leaves", e) ||
        db_exec(st, "DELETE FROM changes", e) ||
        db_exec(st, "DELETE FROM change_sets", e) ||
        db_prepare(st,
                   "INSERT INTO change_sets (id, recorded, actor, reason) "
                   "VALUES (?, ?, ?, ?)",
                   &o.set, e) ||
        db_prepare(st,
                   "INSERT INTO changes (seq, change_set, op, entity, key, "
                   "before, after, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   &o.entry, e))
        rc = ST_ERROR;
    else
        rc = walk(a, write_pass, &o, e);
    if (!rc)
        rc = tlog_flush(st, &o.tree, e);
    sql_finalize(o.set);
    sql_finalize(o.entry);
    tlog_close(&o.tree);
    for (int i = 0; i < 3; i++)
        free(o.keep[i]);
    return rc;
}

enum status log_adopt(struct store *st, const struct snapshot *s,
                      int64_t own_head, const char *path, int64_t *seq,
                      char prev[HASH_HEX], int *adopted, struct err *e)
{
    struct adopter a;
    int empty = 0;
    enum status rc;

    *adopted = 0;
    if (log_is_empty(st, own_head, &empty, e))
        return ST_ERROR;
    if (!empty)
        return ST_OK;
    memset(&a, 0, sizeof(a));
    a.path = path;
    idmap_init(&a.by_record);
    arena_init(&a.names);
    buf_init(&a.enc, (size_t)1 << 34);
    rc = walk(&a, first_pass, NULL, e);
    if (!rc)
        rc = match_records(&a, s, e);
    if (!rc)
        rc = replace_log(&a, st, e);
    if (!rc) {
        *seq = a.n;
        memcpy(prev, a.prev, HASH_HEX);
        *adopted = 1;
    }
    idmap_release(&a.by_record);
    arena_release(&a.names);
    buf_release(&a.enc);
    free(a.last);
    return rc;
}
