/*
 * Applying changes. One transaction holds the rows written, the change set
 * (when, who, why) and its entries; an error anywhere rolls all of it back.
 * Each entry's hash is BLAKE2b (libsodium) over the previous entry's hash
 * and this entry's encoding (store/entry.c), so rewriting any past entry
 * breaks every later link, and the entry's leaf joins the log's Merkle
 * tree (store/tlog.c) in the same transaction. The entries are prepared, hash
 * chain included, by store/prepare.c, on a thread of its own for a large change
 * set; this file binds and steps.
 */
#include <ctype.h>
#include <pthread.h>
#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/date.h"
#include "base/idmap.h"
#include "base/xalloc.h"
#include "store/prepare.h"
#include "store/tlog.h"

void hash_to_hex(const unsigned char digest[HASH_BYTES], char hex[HASH_HEX])
{
    sodium_bin2hex(hex, HASH_HEX, digest, HASH_BYTES);
}

int hash_from_hex(const char *hex, unsigned char digest[HASH_BYTES])
{
    size_t n = 0;
    const char *end = NULL;

    if (!hex || strlen(hex) != 2 * HASH_BYTES ||
        sodium_hex2bin(digest, HASH_BYTES, hex, 2 * HASH_BYTES, NULL, &n,
                       &end) ||
        n != HASH_BYTES)
        return -1;
    return 0;
}

enum status log_head(struct store *st, int64_t *seq, char hash[HASH_HEX],
                     struct err *e)
{
    int rc;

    *seq = 0;
    hash[0] = '\0';
    if (db_log_stmts(st, e))
        return ST_ERROR;
    rc = sql_step(st->log_head);
    if (rc == SQL_ROW) {
        *seq = sql_column_int64(st->log_head, 0);
        if (sql_column_bytes(st->log_head, 1) == HASH_BYTES)
            hash_to_hex(sql_column_blob(st->log_head, 1), hash);
    }
    sql_reset(st->log_head);
    if (rc != SQL_ROW && rc != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

/* The change set being written: its fields (seq is the log's head before
 * it) and the chain's last hash. */
struct log_writer {
    struct log_fields f;
    int64_t set_id;
    char prev[HASH_HEX];
    struct tlog tree;
    struct log_batch *batch; /* a bulk set's inserts, LOG_ROWS at a time */
    struct row_batch *rows;  /* and their rows, ROW_BATCH at a time */
};

/* A bulk set's entries of insertions go into the change log LOG_ROWS rows
 * to a statement: SQLite's work per statement (opening the table, the
 * statement's transaction, halting, resetting) is then shared by as many
 * rows. The rows are the same as one at a time. */
#define LOG_ROWS 32

struct log_batch {
    struct sql_stmt *q; /* INSERT of LOG_ROWS rows, prepared once */
    size_t n;
    int64_t seq[LOG_ROWS];
    const char *entity[LOG_ROWS];
    char key[LOG_ROWS][KEY_MAX];
    unsigned char hash[LOG_ROWS][HASH_BYTES];
};

static enum status add_change_set(struct store *st, struct log_writer *w,
                                  struct err *e)
{
    struct sql_stmt *q = st->set_insert;

    w->set_id = w->f.seq + 1;
    sql_bind_int64(q, 1, w->set_id);
    db_bind_static(q, 2, w->f.recorded);
    db_bind_static(q, 3, w->f.actor);
    db_bind_static(q, 4, w->f.reason);
    return db_step_done(st, q, e);
}

static void bind_values(struct sql_stmt *q, const struct entity *ent,
                        const struct record_text *row)
{
    for (int i = 0; i < ent->n_fields; i++) {
        if (row->values[i])
            sql_bind_text(q, i + 1, row->values[i], row->lengths[i],
                          SQL_STATIC);
        else
            sql_bind_null(q, i + 1);
    }
}

/* A bulk set's insertions go into their tables ROW_BATCH rows of one
 * entity to a statement, as the change log's do (LOG_ROWS below): SQLite's
 * work per statement is then shared by as many rows. The entries wait in
 * the preparer's slots (PREPARER_HOLD). A statement that fails is undone
 * by SQLite and its rows are written again one at a time, so that the
 * error names the record, as without batches. */
#define ROW_BATCH 32

struct row_batch {
    struct sql_stmt *q[ENT__COUNT]; /* INSERT of ROW_BATCH rows, each kind */
    size_t n;
    const struct prepared_entry *x[ROW_BATCH]; /* of one entity */
};

/* Runs the entity statement of one entry. */
static enum status write_row(struct store *st, const struct prepared_entry *x,
                             struct err *e)
{
    const struct entity_statements *q = db_entity_stmts(st, x->ent->kind, e);
    struct sql_stmt *stmt;

    if (!q)
        return ST_ERROR;
    switch (x->change->op) {
    case OP_INSERT:
        stmt = q->insert;
        bind_values(stmt, x->ent, &x->row);
        break;
    case OP_UPDATE:
        stmt = strcmp(x->key, x->old_key) ? q->update : q->update_in_place;
        bind_values(stmt, x->ent, &x->row);
        bind_key_text(stmt, x->ent->n_fields + 1, x->ent, x->old_key);
        break;
    default:
        stmt = q->delete;
        bind_key_text(stmt, 1, x->ent, x->key);
        break;
    }
    if (!db_step_done(st, stmt, e))
        return ST_OK;
    if (db_is_constraint(st))
        e->status = ST_INVALID;
    return e->status;
}

static enum status rows_prepare(struct store *st, const struct entity *ent,
                                struct sql_stmt **q, struct err *e)
{
    struct buf sql;
    enum status rc;

    buf_init(&sql, SIZE_MAX / 2);
    sqlgen_insert_rows(ent, ROW_BATCH, &sql);
    rc = db_prepare(st, sql.data, q, e);
    buf_release(&sql);
    return rc;
}

/* Writes the rows gathered: a full batch as one statement, else (or when
 * that statement fails) a row at a time. */
static enum status rows_flush(struct store *st, struct row_batch *b,
                              struct err *e)
{
    size_t n = b->n;
    const struct entity *ent;
    struct sql_stmt **q;

    b->n = 0;
    if (!n)
        return ST_OK;
    ent = b->x[0]->ent;
    q = &b->q[ent->kind];
    if (n == ROW_BATCH && (*q || !rows_prepare(st, ent, q, e))) {
        for (size_t i = 0; i < n; i++) {
            const struct record_text *row = &b->x[i]->row;
            int at = (int)i * ent->n_fields;

            for (int k = 0; k < ent->n_fields; k++) {
                if (row->values[k])
                    sql_bind_text(*q, at + k + 1, row->values[k],
                                  row->lengths[k], SQL_STATIC);
                else
                    sql_bind_null(*q, at + k + 1);
            }
        }
        if (!db_step_done(st, *q, e))
            return ST_OK;
        err_clear(e); /* SQLite undid the statement: find the row */
    }
    for (size_t i = 0; i < n; i++)
        if (write_row(st, b->x[i], e)) {
            err_prefix(e, "%s '%s'", ent->name, b->x[i]->key);
            return e->status;
        }
    return ST_OK;
}

/* write_row, or into the batch when there is one and x inserts. */
static enum status row_add(struct store *st, struct row_batch *b,
                           const struct prepared_entry *x, struct err *e)
{
    if (b && b->n && (x->change->op != OP_INSERT || b->x[0]->ent != x->ent) &&
        rows_flush(st, b, e))
        return e->status;
    if (!b || x->change->op != OP_INSERT) {
        if (!write_row(st, x, e))
            return ST_OK;
        err_prefix(e, "%s '%s'", x->ent->name, x->key);
        return e->status;
    }
    b->x[b->n++] = x;
    return b->n == ROW_BATCH ? rows_flush(st, b, e) : ST_OK;
}

/* Appends the entry. Its after image is hashed but not stored: the next
 * entry of the same record holds it as its before image, or the table
 * holds it as the record's row (store/log.c derives it back). */
static enum status log_append(struct store *st, const struct log_writer *w,
                              int64_t seq, const struct prepared_entry *x,
                              struct err *e)
{
    struct sql_stmt *q = st->log_insert;

    sql_bind_int64(q, 1, seq);
    sql_bind_int64(q, 2, w->set_id);
    db_bind_static(q, 3, change_op_name(x->change->op));
    db_bind_static(q, 4, x->ent->name);
    db_bind_static(q, 5, x->key);
    db_bind_static(q, 6, x->change->op == OP_INSERT ? NULL : x->before.data);
    sql_bind_blob(q, 7, x->hash, HASH_BYTES, SQL_STATIC);
    return db_step_done(st, q, e);
}

static enum status batch_prepare(struct store *st, struct log_batch *b,
                                 struct err *e)
{
    struct buf sql;
    enum status rc;

    buf_init(&sql, SIZE_MAX / 2);
    buf_addf(&sql, "INSERT INTO changes (seq, change_set, op, entity, key, "
                   "hash) VALUES ");
    for (int i = 0; i < LOG_ROWS; i++)
        buf_addf(&sql, "%s(?, ?, 'insert', ?, ?, ?)", i ? ", " : "");
    rc = db_prepare(st, sql.data, &b->q, e);
    buf_release(&sql);
    return rc;
}

/* Writes the batched entries: a full batch as one statement, the rest of
 * one (at the end of a chunk) a row at a time. */
static enum status batch_flush(struct store *st, const struct log_writer *w,
                               struct err *e)
{
    struct log_batch *b = w->batch;
    struct sql_stmt *q = st->log_insert;
    size_t n = b->n;

    b->n = 0;
    if (n == LOG_ROWS) {
        if (!b->q && batch_prepare(st, b, e))
            return ST_ERROR;
        for (size_t i = 0; i < n; i++) {
            int at = (int)i * 5;

            sql_bind_int64(b->q, at + 1, b->seq[i]);
            sql_bind_int64(b->q, at + 2, w->set_id);
            db_bind_static(b->q, at + 3, b->entity[i]);
            db_bind_static(b->q, at + 4, b->key[i]);
            sql_bind_blob(b->q, at + 5, b->hash[i], HASH_BYTES, SQL_STATIC);
        }
        return db_step_done(st, b->q, e);
    }
    for (size_t i = 0; i < n; i++) {
        sql_bind_int64(q, 1, b->seq[i]);
        sql_bind_int64(q, 2, w->set_id);
        db_bind_static(q, 3, change_op_name(OP_INSERT));
        db_bind_static(q, 4, b->entity[i]);
        db_bind_static(q, 5, b->key[i]);
        sql_bind_null(q, 6);
        sql_bind_blob(q, 7, b->hash[i], HASH_BYTES, SQL_STATIC);
        if (db_step_done(st, q, e))
            return ST_ERROR;
    }
    return ST_OK;
}

/* log_append, or into the batch when there is one and x inserts. */
static enum status log_add(struct store *st, const struct log_writer *w,
                           int64_t seq, const struct prepared_entry *x,
                           struct err *e)
{
    struct log_batch *b = w->batch;

    if (!b || x->change->op != OP_INSERT) {
        if (b && b->n && batch_flush(st, w, e))
            return ST_ERROR;
        return log_append(st, w, seq, x, e);
    }
    b->seq[b->n] = seq;
    b->entity[b->n] = x->ent->name;
    memcpy(b->key[b->n], x->key, sizeof(b->key[0]));
    memcpy(b->hash[b->n], x->hash, HASH_BYTES);
    if (++b->n == LOG_ROWS)
        return batch_flush(st, w, e);
    return ST_OK;
}

/* Conflicts. A writer validates its change set against the snapshot it
 * loaded; when other change sets were committed since (the log's head
 * moved on), the records they changed are gathered here, and a change of
 * this set that writes one of them, or refers to one, was validated on a
 * state that is gone: the whole set is refused. Changes to other records
 * go through, so independent writers both succeed. */
struct conflicts {
    struct idmap changed; /* "entity\x1fkey" of each record changed */
    struct arena ids;
    int on;
};

static const char *conflict_id(struct arena *a, const char *entity,
                               const char *key)
{
    size_t n = strlen(entity) + strlen(key) + 2;
    char *id = arena_alloc(a, n);

    snprintf(id, n, "%s\x1f%s", entity, key);
    return id;
}

static enum status conflicts_gather(struct store *st, struct conflicts *c,
                                    int64_t head, struct err *e)
{
    struct sql_stmt *q;
    int step;

    if (st->known_head < 0 || head == st->known_head)
        return ST_OK;
    c->on = 1;
    if (head < st->known_head)
        return err_set(e, ST_ERROR,
                       "the registry's change log went back while this "
                       "command ran; nothing was written");
    if (db_prepare(st, "SELECT entity, key FROM changes WHERE seq > ?", &q, e))
        return ST_ERROR;
    sql_bind_int64(q, 1, st->known_head);
    while ((step = sql_step(q)) == SQL_ROW) {
        const char *ent = (const char *)sql_column_text(q, 0),
                   *key = (const char *)sql_column_text(q, 1);

        if (ent && key)
            idmap_put(&c->changed, conflict_id(&c->ids, ent, key), 0);
    }
    sql_finalize(q);
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

static int conflicts_has(struct conflicts *c, const char *entity,
                         const char *key)
{
    char id[2 * KEY_MAX + 64];

    snprintf(id, sizeof(id), "%s\x1f%s", entity, key);
    return idmap_get(&c->changed, id) != IDMAP_NONE;
}

/* ST_ERROR when x writes, or refers to, a record changed meanwhile. */
static enum status check_conflict(struct conflicts *c, const struct snapshot *s,
                                  const struct prepared_entry *x, struct err *e)
{
    const struct entity *ent = x->ent;
    const char *hit = NULL, *hit_ent = ent->name;
    char buf[KEY_MAX];

    if (!c->on)
        return ST_OK;
    if (conflicts_has(c, ent->name, x->key))
        hit = x->key;
    else if (x->change->op == OP_UPDATE &&
             conflicts_has(c, ent->name, x->old_key))
        hit = x->old_key;
    for (int i = 0; !hit && x->change->op != OP_DELETE && i < ent->n_fields;
         i++) {
        const struct field *f = &ent->fields[i];
        const void *rec = snapshot_row(s, ent->kind, x->change->index);
        uint32_t ref;

        if (f->type != FT_REF)
            continue;
        memcpy(&ref, (const char *)rec + f->offset, sizeof(ref));
        if (ref == IDMAP_NONE)
            continue;
        hit_ent = ENTITIES[f->ref]->name;
        hit = record_key(s, ENTITIES[f->ref], snapshot_row(s, f->ref, ref), buf,
                         sizeof(buf));
        if (!conflicts_has(c, hit_ent, hit))
            hit = NULL;
    }
    if (!hit)
        return ST_OK;
    return err_set(e, ST_ERROR,
                   "the registry changed while this command ran (%s '%s' "
                   "was changed meanwhile); nothing was written: run the "
                   "command again",
                   hit_ent, hit);
}

/* The references of a bulk set, checked in memory (store/bulk.c). The
 * feed tells which records of its snapshot were loaded from the registry
 * the transaction holds (the first base[k] of each kind); every other
 * record a written row refers to must be one the set inserts. A set that
 * keeps to that needs no foreign_key_check; any other (an insert of a
 * loaded record, a reference to a record never written) runs it. */
struct ref_guard {
    int on;
    int broken; /* the check in memory cannot vouch for the set */
    uint32_t base[ENT__COUNT];
    unsigned char *written[ENT__COUNT]; /* bit i: record base + i inserted */
    size_t bytes[ENT__COUNT];
};

static int guard_written(const struct ref_guard *g, enum entity_kind k,
                         uint32_t i)
{
    size_t j = i - g->base[k];

    if (i < g->base[k])
        return 1;
    return j / 8 < g->bytes[k] && (g->written[k][j / 8] >> (j % 8) & 1);
}

static void guard_note(struct ref_guard *g, const struct change *c)
{
    size_t j, n;

    if (!g->on || g->broken)
        return;
    if (c->op != OP_INSERT || c->index < g->base[c->entity]) {
        g->broken = 1;
        return;
    }
    j = c->index - g->base[c->entity];
    if (j / 8 >= g->bytes[c->entity]) {
        n = g->bytes[c->entity] ? g->bytes[c->entity] : 4096;
        while (n <= j / 8)
            n *= 2;
        g->written[c->entity] = xrealloc(g->written[c->entity], n);
        memset(g->written[c->entity] + g->bytes[c->entity], 0,
               n - g->bytes[c->entity]);
        g->bytes[c->entity] = n;
    }
    g->written[c->entity][j / 8] |= (unsigned char)(1u << (j % 8));
}

/* 1 when every reference of row i of ent is to a loaded or written
 * record. */
static int guard_row(const struct ref_guard *g, const struct snapshot *s,
                     const struct entity *ent, uint32_t i)
{
    const void *rec = snapshot_row(s, ent->kind, i);
    char buf[FIELD_BUF];

    for (int k = 0; k < ent->n_fields; k++) {
        const struct field *f = &ent->fields[k];
        uint32_t ref = IDMAP_NONE;
        const char *code;

        if (f->type == FT_REF)
            ref = field_ref(f, rec);
        else if (f->type == FT_CODE && f->ref == ENT_STATE) {
            code = field_text(s, f, rec, buf);
            if (!*code)
                continue;
            if ((ref = snapshot_find(s, ENT_STATE, code)) == IDMAP_NONE)
                return 0;
        }
        if (ref != IDMAP_NONE && !guard_written(g, f->ref, ref))
            return 0;
    }
    return 1;
}

/* 1 when the set's references are vouched for in memory. */
static int guard_holds(const struct ref_guard *g, const struct snapshot *s)
{
    if (!g->on || g->broken || !s)
        return 0;
    for (int k = 0; k < ENT__COUNT; k++)
        for (size_t j = 0; j < 8 * g->bytes[k]; j++) {
            if (!g->written[k][j / 8]) {
                j += 7;
                continue;
            }
            if ((g->written[k][j / 8] >> (j % 8) & 1) &&
                !guard_row(g, s, ENTITIES[k], g->base[k] + (uint32_t)j))
                return 0;
        }
    return 1;
}

static void guard_release(struct ref_guard *g)
{
    for (int k = 0; k < ENT__COUNT; k++)
        free(g->written[k]);
}

/* Writes the n changes as entries of w's change set, the chain going on
 * from w's last entry. */
static enum status write_entries(struct store *st, const struct snapshot *s,
                                 const struct change *changes, size_t n,
                                 struct log_writer *w, struct conflicts *c,
                                 struct ref_guard *g, struct err *e)
{
    struct preparer p;
    enum status rc = ST_OK;

    for (size_t i = 0; i < n; i++)
        guard_note(g, &changes[i]);
    preparer_start(&p, s, changes, n, &w->f, w->prev);
    for (size_t i = 0; i < n && !rc; i++) {
        const struct prepared_entry *x = preparer_next(&p);

        rc = check_conflict(c, s, x, e);
        if (rc)
            err_prefix(e, "%s '%s'", x->ent->name, x->key);
        else
            rc = row_add(st, w->rows, x, e);
        if (!rc)
            rc = log_add(st, w, w->f.seq + 1 + (int64_t)i, x, e);
        if (!rc)
            rc = tlog_append(st, &w->tree, w->f.seq + 1 + (int64_t)i, x->leaf,
                             e);
    }
    if (!rc && w->batch && w->batch->n)
        rc = batch_flush(st, w, e);
    if (!rc && w->rows)
        rc = rows_flush(st, w->rows, e);
    preparer_stop(&p, &w->f.seq, w->prev);
    return rc;
}

/* The actor of a write that names none: --actor (store_set_actor), else
 * $CHANCERY_ACTOR, else the login name of the user the process runs as,
 * from the password database rather than $USER, which a service or a
 * container often leaves unset; else the numeric user id. */
const char *store_actor(const struct store *st)
{
    static char name[256];
    const char *actor = st->actor;
    const struct passwd *pw;

    if (!actor || !*actor)
        actor = getenv("CHANCERY_ACTOR");
    if (actor && *actor)
        return actor;
    /* Copied: the password database's buffer is reused by the next call. */
    if ((pw = getpwuid(geteuid())) && pw->pw_name && *pw->pw_name)
        snprintf(name, sizeof(name), "%s", pw->pw_name);
    else
        snprintf(name, sizeof(name), "uid %lu", (unsigned long)geteuid());
    return name;
}

int64_t store_known_head(const struct store *st)
{
    return st->known_head;
}

void store_set_actor(struct store *st, const char *actor)
{
    free(st->actor);
    st->actor = actor && *actor ? xstrdup(actor) : NULL;
}

enum status store_last_recorded(struct store *st, char *out, size_t size,
                                struct err *e)
{
    struct sql_stmt *q;
    const char *last;
    int rc;

    if (db_prepare(st,
                   "SELECT recorded FROM change_sets ORDER BY id DESC LIMIT 1",
                   &q, e))
        return ST_ERROR;
    out[0] = '\0';
    rc = sql_step(q);
    if (rc == SQL_ROW && (last = (const char *)sql_column_text(q, 0)))
        snprintf(out, size, "%s", last);
    sql_finalize(q);
    if (rc != SQL_ROW && rc != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

/* A recorded time given by the caller: a timestamp as clock_timestamp
 * writes it, not before the log's last. Inside the transaction. */
static enum status check_recorded(struct store *st, const char *recorded,
                                  struct err *e)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    char last[TIMESTAMP_BUF + 8], date[DATE_BUF];
    int32_t day;

    for (size_t i = 0; i < sizeof(shape) - 1; i++) {
        if (shape[i] == 'd' ? !isdigit((unsigned char)recorded[i])
                            : recorded[i] != shape[i])
            return err_set(e, ST_INVALID, "bad recorded time '%s'", recorded);
    }
    snprintf(date, sizeof(date), "%.10s", recorded);
    if (recorded[sizeof(shape) - 1] || date_parse(date, &day, NULL))
        return err_set(e, ST_INVALID, "bad recorded time '%s'", recorded);
    if (store_last_recorded(st, last, sizeof(last), e))
        return e->status;
    if (strcmp(recorded, last) < 0)
        return err_set(e, ST_INVALID,
                       "recorded time %s is before the change log's last (%s)",
                       recorded, last);
    return ST_OK;
}

/* The actor and the reason go into the change log as they are, so they
 * obey the limits of text (docs/registry.md, "Limits"): a reason (--note)
 * as any text field, an actor non-empty and no longer than an id. */
static enum status check_meta(const char *actor, const char *reason,
                              struct err *e)
{
    if (!*actor)
        return err_set(e, ST_INVALID,
                       "the actor (--actor or CHANCERY_ACTOR) is empty");
    if (field_check_text(actor, FIELD_ID_MAX, e)) {
        err_prefix(e, "the actor (--actor or CHANCERY_ACTOR)");
        return e->status;
    }
    if (reason && field_check_text(reason, FIELD_TEXT_MAX, e)) {
        err_prefix(e, "the change's reason (--note)");
        return e->status;
    }
    return ST_OK;
}

/* A test's hook: with CHANCERY_TEST_COMMIT_UNKNOWN=FILE, while FILE
 * exists, commit_lost cannot read the change log (as if the database
 * were still out of reach), so that a test can make a commit that did
 * happen "unknown" and see that nothing writes it again. */
static int lookup_fails(void)
{
    const char *path = getenv("CHANCERY_TEST_COMMIT_UNKNOWN");

    return path && *path && !access(path, F_OK);
}

/* PostgreSQL: a COMMIT whose connection was lost may have committed or
 * not. On the connection made again the change log tells: the entry seq
 * the transaction wrote last there with its hash means it did (ST_OK,
 * the error cleared). Else the error says which: nothing was written (no
 * such entry), or the outcome is unknown (the database unreachable). */
static enum status commit_lost(struct store *st, int64_t seq, const char *hash,
                               struct err *e)
{
    struct sql_stmt *q = NULL;
    char found[HASH_HEX] = "";
    int step = 0;

    st->commit_unknown = 0;
    if (!st->pg || !store_connection_lost(st) || seq <= 0)
        return e->status;
    if (!lookup_fails() &&
        !db_prepare(st, "SELECT hash FROM changes WHERE seq = ?", &q, NULL)) {
        sql_bind_int64(q, 1, seq);
        step = sql_step(q);
        if (step == SQL_ROW && sql_column_bytes(q, 0) == HASH_BYTES)
            hash_to_hex(sql_column_blob(q, 0), found);
        sql_finalize(q);
    }
    if (*found && !strcmp(found, hash)) {
        err_clear(e);
        return ST_OK;
    }
    st->commit_unknown = step != SQL_ROW && step != SQL_DONE;
    return err_set(e, ST_ERROR,
                   "the connection to the database was lost at COMMIT: %s",
                   step == SQL_ROW || step == SQL_DONE
                       ? "nothing was written"
                       : "whether it was written is unknown");
}

/* Batches. The demo replays thousands of change sets of a few rows
 * each; as transactions of their own, each commit writes every page it
 * touched to the WAL again (some 17 pages of 16 KiB for a handful of rows)
 * and the WAL is checkpointed every thousand pages. Between
 * store_batch_begin and store_batch_end the change sets share one
 * transaction instead: each is still recorded as its own set, the pages
 * are written once, and the run is all-or-nothing: a change set that
 * fails (store_abort) fails the batch, which then only rolls back. Not
 * savepoints: each would copy every page it first touches to a
 * subjournal, and a batch rolled back whole has no use for them. Bulk
 * writes (store/bulk.c) are off in a batch: they turn foreign keys off,
 * which SQLite allows only outside a transaction. */
enum status store_batch_begin(struct store *st, struct err *e)
{
    if (st->batch)
        BUG("nested batch");
    if (db_begin(st, DB_WRITE, e))
        return ST_ERROR;
    st->batch = 1;
    return ST_OK;
}

enum status store_batch_end(struct store *st, int commit, struct err *e)
{
    enum status rc = ST_OK;

    if (!st->batch)
        BUG("no batch to end");
    if (commit && st->batch > 1)
        rc = err_set(e, ST_ERROR,
                     "a change set of the batch failed: "
                     "nothing was written");
    st->batch = 0;
    if (commit && !rc && (rc = db_exec(st, "COMMIT", e)) && st->batch_hash[0])
        rc = commit_lost(st, st->known_head, st->batch_hash, e);
    st->batch_hash[0] = '\0';
    if (!commit || rc) {
        db_exec(st, "ROLLBACK", NULL);
        st->known_head = -1;
    } else if (!st->batch_leaves_image)
        image_refresh(st);
    return rc;
}

void store_batch_leaves_image(struct store *st)
{
    st->batch_leaves_image = 1;
}

/* Ends the change set's transaction by committing it or rolling it back;
 * in a batch, a change set rolled back fails the batch. */
static enum status end_change_set(struct store *st, int commit, struct err *e)
{
    if (!st->batch)
        return db_exec(st, commit ? "COMMIT" : "ROLLBACK", e);
    if (!commit)
        st->batch = 2;
    return ST_OK;
}

struct store_txn {
    struct store *st;
    const struct snapshot *s; /* the registry the set was written from */
    char recorded[TIMESTAMP_BUF];
    struct log_writer w;
    struct bulk bulk;
    struct conflicts conflicts;
    struct ref_guard guard;
};

static void txn_free(struct store_txn *t)
{
    bulk_close(t->st, &t->bulk);
    idmap_release(&t->conflicts.changed);
    arena_release(&t->conflicts.ids);
    tlog_close(&t->w.tree);
    guard_release(&t->guard);
    if (t->w.batch)
        sql_finalize(t->w.batch->q);
    free(t->w.batch);
    for (int k = 0; t->w.rows && k < ENT__COUNT; k++)
        sql_finalize(t->w.rows->q[k]);
    free(t->w.rows);
    free(t);
}

enum status store_begin_at(struct store *st, const struct change_meta *meta,
                           const char *recorded, size_t expected,
                           struct store_txn **out, struct err *e)
{
    struct store_txn *t = xcalloc(1, sizeof(*t));
    enum status rc;

    t->st = st;
    idmap_init(&t->conflicts.changed);
    arena_init(&t->conflicts.ids);
    t->w.f.recorded = t->recorded;
    t->w.f.actor = meta && meta->actor ? meta->actor : store_actor(st);
    t->w.f.reason = meta ? meta->reason : NULL;
    if (recorded)
        snprintf(t->recorded, sizeof(t->recorded), "%s", recorded);
    rc = check_meta(t->w.f.actor, t->w.f.reason, e);
    if (!rc && !recorded)
        rc = clock_timestamp(t->recorded, e);
    if (!rc && !st->batch)
        rc = bulk_open(st, &t->bulk, expected, e);
    if (!rc && t->bulk.on) {
        t->w.batch = xcalloc(1, sizeof(*t->w.batch));
        t->w.rows = xcalloc(1, sizeof(*t->w.rows));
    }
    if (!rc && st->batch > 1)
        rc = err_set(e, ST_ERROR, "a change set of the batch failed");
    if (!rc && (st->batch || !(rc = db_begin(st, DB_WRITE, e)))) {
        rc = log_head(st, &t->w.f.seq, t->w.prev, e);
        if (!rc)
            rc = db_batch(st, expected, e);
        if (!rc)
            rc = conflicts_gather(st, &t->conflicts, t->w.f.seq, e);
        if (!rc && recorded)
            rc = check_recorded(st, recorded, e);
        if (rc)
            end_change_set(st, 0, NULL);
    }
    if (rc) {
        txn_free(t);
        return rc;
    }
    *out = t;
    return ST_OK;
}

enum status store_write(struct store_txn *t, const struct snapshot *s,
                        const struct change *changes, size_t n, struct err *e)
{
    if (!n)
        return ST_OK;
    if (!t->w.set_id && add_change_set(t->st, &t->w, e))
        return ST_ERROR;
    if (t->s && t->s != s)
        t->guard.broken = 1;
    t->s = s;
    if (bulk_note(t->st, &t->bulk, changes, n, e))
        return e->status;
    return write_entries(t->st, s, changes, n, &t->w, &t->conflicts, &t->guard,
                         e);
}

/* A test's hook: with CHANCERY_TEST_PAUSE_COMMIT=FILE a writer creates
 * FILE just before it commits and waits until FILE is removed, so that a
 * test can act (read, write, kill) while a change set is about to commit. */
static void pause_before_commit(void)
{
    const char *path = getenv("CHANCERY_TEST_PAUSE_COMMIT");
    FILE *f;

    if (!path || !*path || !(f = fopen(path, "w")))
        return;
    fclose(f);
    while (!access(path, F_OK))
        db_sleep_ms(10);
}

/* After a large change set commits: the image of the registry it made.
 * The writer holds that registry whole when no other change set landed
 * between its load and its transaction (the snapshot it wrote from, with
 * its changes, is then the tables' state at the head it committed), so it
 * writes the image of it directly: after an import of ten million visa
 * cases, folding them into the old image would cost as much as reading
 * the tables, and the first read after the import would pay for it.
 * Otherwise the image is refreshed from the old one, when it can be. */
/* The image written while the set commits: a large set written from the
 * registry the transaction holds (save_image's first case) has its image
 * made on a thread of its own during the index rebuild and COMMIT, which
 * take the other core for as long (measured on the world's import: 2.9 s
 * of image beside 2.1 s of indexes and COMMIT). It is put in place only
 * once COMMIT succeeded, so no reader ever finds the image of a head the
 * log does not have; on failure it is removed. The thread reads only the
 * snapshot, which nothing else touches until store_commit returns. */
struct early_image {
    struct store *st;
    struct snapshot *s;
    int64_t seq;
    char hash[HASH_HEX];
    char *tmp;
    pthread_t thread;
    int started;
};

static void *early_image_run(void *arg)
{
    struct early_image *x = arg;

    x->tmp = cache_save_tmp(x->st, x->seq, x->hash, x->s);
    return NULL;
}

/* Starts the early image when the commit would end with cache_save. */
static void early_image_start(struct store_txn *t, struct early_image *x)
{
    memset(x, 0, sizeof(*x));
    if (t->st->batch || !t->w.set_id ||
        t->w.f.seq - t->w.set_id + 1 < IMAGE_REWRITE_CHANGES ||
        t->conflicts.on || !t->s || !images_kept(t->st))
        return;
    x->st = t->st;
    x->s = (struct snapshot *)t->s;
    x->seq = t->w.f.seq;
    snprintf(x->hash, sizeof(x->hash), "%s", t->w.prev);
    x->started = !pthread_create(&x->thread, NULL, early_image_run, x);
}

/* Waits for the early image; puts it in place when keep. 1 when there was
 * one. */
static int early_image_end(struct early_image *x, int keep)
{
    if (!x->started)
        return 0;
    pthread_join(x->thread, NULL);
    cache_publish(x->st, x->tmp, keep);
    return 1;
}

static void save_image(struct store_txn *t)
{
    /* The image keeps the derived indexes, which cache_save builds when
     * the writer's are stale: an index is a cache of the records, so the
     * registry the caller holds is the same after (only rebuilt). */
    if (!t->conflicts.on && t->s && images_kept(t->st))
        cache_save(t->st, t->w.f.seq, t->w.prev, (struct snapshot *)t->s);
    else
        image_refresh(t->st);
}

enum status store_commit(struct store_txn *t, struct err *e)
{
    struct store *st = t->st;
    struct early_image image = { 0 };
    enum status rc = tlog_flush(st, &t->w.tree, e);
    int current = !rc && st->known_head >= 0 && !t->conflicts.on &&
                  guard_holds(&t->guard, t->s);

    if (!rc && t->bulk.on)
        early_image_start(t, &image);
    if (!rc)
        rc = bulk_end(st, &t->bulk, current, e);

    if (!rc)
        pause_before_commit();

    if (!rc && (rc = end_change_set(st, 1, e)) && t->w.set_id && !st->batch)
        rc = commit_lost(st, t->w.f.seq, t->w.prev, e);
    if (!rc && st->batch)
        snprintf(st->batch_hash, sizeof(st->batch_hash), "%s", t->w.prev);
    if (rc)
        end_change_set(st, 0, NULL);
    else
        st->known_head = t->w.f.seq;
    if (!early_image_end(&image, !rc) && !rc && !st->batch && t->w.set_id &&
        t->w.f.seq - t->w.set_id + 1 >= IMAGE_REWRITE_CHANGES)
        save_image(t);
    txn_free(t);
    return rc;
}

enum status txn_adopt_log(struct store_txn *t, const struct snapshot *s,
                          const char *path, int *adopted, struct err *e)
{
    int64_t own = t->w.set_id ? t->w.set_id - 1 : t->w.f.seq;
    enum status rc =
        log_adopt(t->st, s, own, path, &t->w.f.seq, t->w.prev, adopted, e);

    if (!rc && *adopted) {
        /* The image written after COMMIT is of the adopted head. */
        tlog_close(&t->w.tree);
        t->w.set_id = 1;
        t->s = s;
    }
    return rc;
}

void txn_loaded(struct store_txn *t, const struct snapshot *s)
{
    t->guard.on = t->bulk.on;
    for (int k = 0; k < ENT__COUNT; k++)
        t->guard.base[k] = (uint32_t)snapshot_count(s, k);
}

enum status store_begin(struct store *st, const struct change_meta *meta,
                        size_t expected, struct store_txn **out, struct err *e)
{
    return store_begin_at(st, meta, NULL, expected, out, e);
}

void store_abort(struct store_txn *t)
{
    end_change_set(t->st, 0, NULL);
    txn_free(t);
}

enum status store_apply(struct store *st, const struct snapshot *s,
                        const struct change *changes, size_t n,
                        const struct change_meta *meta, struct err *e)
{
    return store_apply_at(st, s, changes, n, meta, NULL, e);
}

enum status store_apply_at(struct store *st, const struct snapshot *s,
                           const struct change *changes, size_t n,
                           const struct change_meta *meta, const char *recorded,
                           struct err *e)
{
    struct store_txn *t;

    if (store_begin_at(st, meta, recorded, n, &t, e))
        return e->status;
    if (store_write(t, s, changes, n, e)) {
        store_abort(t);
        return e->status;
    }
    return store_commit(t, e);
}
