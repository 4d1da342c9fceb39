/*
 * Loading a snapshot. Each table is read in insertion order and every
 * column goes through the same field codec as an import, so a record loaded
 * is a record validated. "As known on" a past date is the present registry with
 * the later changes undone, newest first, inside a transaction that is then
 * rolled back: the database is the scratch space and nothing is written.
 */
#include <jansson.h>
#include <stdint.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/apply.h"
#include "store/internal.h"

static enum status load_row(struct store *st, struct sql_stmt *q,
                            struct snapshot *s, const struct entity *ent,
                            void *rec, struct err *e)
{
    record_clear(ent, rec);
    for (int i = 0; i < ent->n_fields; i++) {
        const char *text = (const char *)sql_column_text(q, i);

        if (field_parse(s, &ent->fields[i], rec, text ? text : "", e)) {
            err_prefix(e, "database '%s': %s column '%s'", st->path, ent->table,
                       ent->fields[i].name);
            return ST_ERROR;
        }
    }
    if (snapshot_add(s, ent->kind, rec, NULL, e))
        return ST_ERROR;
    return ST_OK;
}

/* Reserves room in s for the rows of ent's table. */
static enum status reserve_rows(struct store *st, struct snapshot *s,
                                const struct entity *ent, struct err *e)
{
    char sql[128];
    struct sql_stmt *q;

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", ent->table);
    if (db_prepare(st, sql, &q, e))
        return ST_ERROR;
    if (sql_step(q) == SQL_ROW)
        snapshot_reserve(s, ent->kind, (size_t)sql_column_int64(q, 0));
    sql_finalize(q);
    return ST_OK;
}

static enum status load_table(struct store *st, struct snapshot *s,
                              const struct entity *ent, struct err *e)
{
    const struct entity_statements *stmts = db_entity_stmts(st, ent->kind, e);
    struct sql_stmt *q;
    void *rec;
    enum status rc = ST_OK;
    int step;

    if (!stmts)
        return ST_ERROR;
    q = stmts->select;
    rec = xmalloc(ent->size);
    while (!rc && (step = sql_step(q)) == SQL_ROW)
        rc = load_row(st, q, s, ent, rec, e);
    if (!rc && step != SQL_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path, db_errmsg(st));
    sql_reset(q);
    free(rec);
    return rc;
}

/* Binds the fields of a JSON image to stmt's first parameters. */
static enum status bind_image(struct sql_stmt *q, const struct entity *ent,
                              const char *image, struct err *e)
{
    json_error_t jerr;
    json_t *obj = json_loads(image, 0, &jerr);

    if (!json_is_object(obj)) {
        json_decref(obj);
        return err_set(e, ST_ERROR, "change log: bad %s image: %s", ent->name,
                       jerr.text);
    }
    for (int i = 0; i < ent->n_fields; i++) {
        json_t *v = json_object_get(obj, ent->fields[i].name);

        if (json_is_boolean(v))
            db_bind_text(q, i + 1, json_is_true(v) ? "true" : "false");
        else
            db_bind_text(q, i + 1, json_string_value(v));
    }
    json_decref(obj);
    return ST_OK;
}

/* Undoes one change: removes what it wrote, restores what it replaced. */
static enum status undo_one(struct store *st, struct sql_stmt *q, struct err *e)
{
    const struct entity *ent =
        entity_by_name((const char *)sql_column_text(q, 0));
    const char *key = (const char *)sql_column_text(q, 1);
    const char *before = (const char *)sql_column_text(q, 2);
    const struct entity_statements *s;

    if (!ent)
        return err_set(e, ST_ERROR, "change log: unknown entity");
    s = db_entity_stmts(st, ent->kind, e);
    if (!s)
        return ST_ERROR;
    bind_key_text(s->delete, 1, ent, key);
    if (db_step_done(st, s->delete, e))
        return ST_ERROR;
    if (!before)
        return ST_OK;
    if (bind_image(s->insert, ent, before, e))
        return ST_ERROR;
    return db_step_done(st, s->insert, e);
}

static enum status undo_after(struct store *st, int32_t day, struct err *e)
{
    char next[DATE_BUF];
    struct sql_stmt *q;
    enum status rc = ST_OK;
    int step;

    /* Nothing is recorded after the last day there is (9999-12-31). */
    if (day >= date_from_ymd(DATE_MAX_YEAR, 12, 31))
        return ST_OK;
    date_format(day + 1, next);
    /* The log's suffix from the first change set recorded after that day:
     * undoing anything but a suffix could leave a registry that never was. */
    if (db_prepare(st,
                   "SELECT entity, key, before FROM changes WHERE seq >= "
                   "(SELECT min(id) FROM change_sets WHERE recorded >= ?) "
                   "ORDER BY seq DESC",
                   &q, e))
        return ST_ERROR;
    sql_bind_text(q, 1, next, -1, SQL_TRANSIENT);
    while (!rc && (step = sql_step(q)) == SQL_ROW)
        rc = undo_one(st, q, e);
    if (!rc && step != SQL_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path, db_errmsg(st));
    sql_finalize(q);
    return rc;
}

enum status load_tables(struct store *st, struct snapshot *s, struct err *e)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        if (reserve_rows(st, s, ENTITIES[k], e) ||
            load_table(st, s, ENTITIES[k], e))
            return ST_ERROR;
    }
    snapshot_index(s);
    return ST_OK;
}

static size_t total_records(const struct snapshot *s)
{
    size_t n = 0;

    for (int k = 0; k < ENT__COUNT; k++)
        n += snapshot_count(s, k);
    return n;
}

/* Folding the change sets an image lacks into it: at most this many
 * changes, and at most a quarter of the registry (beyond that a load from
 * the tables is as fast). A fold of at least IMAGE_REWRITE_CHANGES
 * changes, or of a sixteenth of the registry, rewrites the image. */
#define FOLD_MAX_CHANGES 2000000
/* On PostgreSQL the tail's rows are read with one query per table
 * (fold_changes_pg): a fold of 10,000 changes took 0.2-0.4 s on the
 * 100,000-posting world, a quarter of a load from its tables (1.2 s), where
 * a query per record took 0.4-2.2 s on an idle machine and 6-7 s under
 * load. A changed record costs some 25 microseconds there, a record loaded
 * from the tables 3: a fold stops at 200,000 changes (or at a quarter of
 * the registry, as on SQLite), and rewrites the image at
 * IMAGE_REWRITE_CHANGES as SQLite does. */
#define PG_FOLD_MAX_CHANGES 200000

/* Whether the log's entry seq has the hash the image names: the image was
 * made from this registry's log, not from another's. */
static int log_has(struct store *st, const struct image_info *info)
{
    struct sql_stmt *q;
    char hex[HASH_HEX] = "";
    int step;

    if (info->seq == 0)
        return info->hash[0] == '\0';
    if (db_prepare(st, "SELECT hash FROM changes WHERE seq = ?", &q, NULL))
        return 0;
    sql_bind_int64(q, 1, info->seq);
    step = sql_step(q);
    if (step == SQL_ROW && sql_column_bytes(q, 0) == HASH_BYTES)
        hash_to_hex(sql_column_blob(q, 0), hex);
    sql_finalize(q);
    return step == SQL_ROW && !strcmp(hex, info->hash);
}

/* The changes a fold applied, to bring the derived indexes up to date
 * for those records only (core/apply.h, snapshot_reindex). */
struct fold {
    struct snapshot_change *changes;
    size_t n, alloc;
};

/* Applies a record's present texts to s, noting what it was in f; 1 when
 * it cannot be. */
static int fold_apply(struct snapshot *s, const struct entity *ent,
                      const char *const *texts, struct fold *f)
{
    XGROW(f->changes, f->n + 1, f->alloc);
    if (snapshot_apply_texts_change(s, ent->kind, texts, &f->changes[f->n],
                                    NULL) != ST_OK)
        return 1;
    f->n++;
    return 0;
}

/* Applies the present row of ent under key to s, noting it in f; 1 when
 * it cannot be (no such row: deleted or renamed), else 0. A record whose
 * first change in the gap is not its insert must be in s already: if not,
 * an update gave it this key (a rename), and its old record would be left
 * behind. */
static int fold_record(struct store *st, struct sql_stmt **by_key,
                       const struct entity *ent, const char *key, int inserted,
                       struct snapshot *s, struct fold *f)
{
    const char *texts[BIND_MAX_FIELDS];
    struct buf sql;
    int step, bad;

    if (!inserted && snapshot_find(s, ent->kind, key) == IDMAP_NONE)
        return 1;
    if (!by_key[ent->kind]) {
        buf_init(&sql, 1 << 16);
        sqlgen_select_key(ent, &sql);
        bad = db_prepare(st, sql.data, &by_key[ent->kind], NULL);
        buf_release(&sql);
        if (bad)
            return 1;
    }
    bind_key_text(by_key[ent->kind], 1, ent, key);
    step = sql_step(by_key[ent->kind]);
    bad = step != SQL_ROW || ent->n_fields > BIND_MAX_FIELDS;
    for (int i = 0; !bad && i < ent->n_fields; i++)
        texts[i] = (const char *)sql_column_text(by_key[ent->kind], i);
    if (!bad)
        bad = fold_apply(s, ent, texts, f);
    sql_reset(by_key[ent->kind]);
    return bad;
}

/* A fold whose records of the kinds the adjacency lists group (postings,
 * dependents, missions) number at most a 1/FOLD_REINDEX_SHARE of the
 * registry's records edits the derived indexes where its records sit
 * (snapshot_reindex); a larger one rebuilds them (snapshot_index). Each
 * such record appended moves the arrays after its group, some 1 ms at a
 * million postings, and a rebuild costs some 200 ms there: the two meet
 * near this share. Records of other kinds cost nothing to index. */
#define FOLD_REINDEX_SHARE 16384

/* Brings s's indexes up to date after a fold of f, when they matched the
 * image's records before it (indexed); else leaves them to be rebuilt
 * (applying a record they read marked them stale). */
static void fold_reindex(struct snapshot *s, struct fold *f, int indexed)
{
    size_t grouped = 0;

    for (size_t i = 0; i < f->n; i++)
        grouped += f->changes[i].kind == ENT_POSTING ||
                   f->changes[i].kind == ENT_DEPENDENT ||
                   f->changes[i].kind == ENT_MISSION;
    if (indexed && grouped * FOLD_REINDEX_SHARE <= total_records(s))
        snapshot_reindex(s, f->changes, f->n);
}

/* Ends a fold of f: the indexes brought up to date unless it failed
 * (bad), what it noted freed. Returns bad. */
static int fold_end(struct snapshot *s, struct fold *f, int indexed, int bad)
{
    if (!bad)
        fold_reindex(s, f, indexed);
    for (size_t i = 0; i < f->n; i++)
        free((void *)f->changes[i].before);
    free(f->changes);
    return bad;
}

/* Applies the records the log changed after seq `from`, each once, in the
 * order of their first change (a record is applied after those it refers
 * to); 0 on success, 1 when the change sets cannot be folded (a delete, a
 * renamed record, a row that no longer parses). */
static int fold_changes(struct store *st, int64_t from, struct snapshot *s)
{
    struct sql_stmt *q, *by_key[ENT__COUNT] = { NULL };
    struct fold f = { NULL, 0, 0 };
    int bad = 0, step, indexed = s->indexed;

    /* op is that of the record's first change in the gap: SQLite takes a
     * bare column from the row that min() picks; PostgreSQL has none, and
     * joins the group's first entry (as store/follow.c). */
    if (db_prepare(
            st,
            DB_DIALECT(st,
                       "SELECT entity, key, sum(op = 'delete'), op, min(seq) "
                       "AS first FROM changes WHERE seq > ? GROUP BY entity, "
                       "key ORDER BY first",
                       "SELECT c.entity, c.key, g.deletes, c.op, g.first "
                       "FROM (SELECT entity, key, min(seq) AS first, "
                       "sum(CASE WHEN op = 'delete' THEN 1 ELSE 0 END) AS "
                       "deletes FROM changes WHERE seq > ? GROUP BY entity, "
                       "key) AS g JOIN changes AS c ON c.seq = g.first "
                       "ORDER BY g.first"),
            &q, NULL))
        return 1;
    sql_bind_int64(q, 1, from);
    while (!bad && (step = sql_step(q)) == SQL_ROW) {
        const struct entity *ent =
            entity_by_name((const char *)sql_column_text(q, 0));
        const char *key = (const char *)sql_column_text(q, 1),
                   *op = (const char *)sql_column_text(q, 3);

        bad = !ent || !key || !op || sql_column_int(q, 2) ||
              fold_record(st, by_key, ent, key, !strcmp(op, "insert"), s, &f);
    }
    if (!bad && step != SQL_DONE)
        bad = 1;
    sql_finalize(q);
    for (int k = 0; k < ENT__COUNT; k++)
        sql_finalize(by_key[k]);
    return fold_end(s, &f, indexed, bad);
}

/* PostgreSQL: the SQL reading the rows ent's records have now, for the
 * records the log changed after seq ?1 (entity ?2), each once, in the
 * order of its first change there: the record's columns (NULL when the
 * row is gone), then that first seq, its deletes, its first op, whether
 * the row is there, and its key. The log's key is split into the key
 * columns as bind_key_text splits it: every part but the last ends at a
 * '/', the last takes the rest. One query per table instead of one per
 * record: on a loaded server each is a round trip of about 0.6 ms. */
static void fold_sql_pg(const struct entity *ent, struct buf *b)
{
    const char *first_key = NULL;
    int n_keys = 0, k = 0;

    for (int i = 0; i < ent->n_fields; i++)
        n_keys += !!(ent->fields[i].flags & FIELD_KEY);
    buf_addstr(b, "SELECT ");
    for (int i = 0; i < ent->n_fields; i++)
        buf_addf(b, "t.\"%s\", ", ent->fields[i].name);
    buf_addstr(b, "g.first, g.deletes, c.op, ");
    for (int i = 0; i < ent->n_fields && !first_key; i++)
        if (ent->fields[i].flags & FIELD_KEY)
            first_key = ent->fields[i].name;
    buf_addf(b,
             "CASE WHEN t.\"%s\" IS NULL THEN 0 ELSE 1 END, g.key FROM "
             "(SELECT key, min(seq) AS first, sum(CASE WHEN op = 'delete' "
             "THEN 1 ELSE 0 END) AS deletes FROM changes WHERE seq > ? AND "
             "entity = ? GROUP BY key) AS g JOIN changes AS c ON c.seq = "
             "g.first LEFT JOIN \"%s\" AS t ON ",
             first_key ? first_key : "", ent->table);
    for (int i = 0; i < ent->n_fields; i++) {
        if (!(ent->fields[i].flags & FIELD_KEY))
            continue;
        buf_addf(b, "%st.\"%s\" = ", k ? " AND " : "", ent->fields[i].name);
        if (++k < n_keys) {
            buf_addf(b, "split_part(g.key, '/', %d)", k);
            continue;
        }
        buf_addstr(b, n_keys == 1 ? "g.key" : "substr(g.key, ");
        for (int j = 1; n_keys > 1 && j < n_keys; j++)
            buf_addf(b, "length(split_part(g.key, '/', %d)) + ", j);
        if (n_keys > 1)
            buf_addf(b, "%d)", n_keys);
    }
    buf_addstr(b, " ORDER BY g.first");
}

/* Applies the row q holds (fold_sql_pg's columns) to s, noting it in f;
 * 1 when it cannot be, as fold_record. */
static int fold_row(struct sql_stmt *q, const struct entity *ent,
                    struct snapshot *s, struct fold *f)
{
    const char *texts[BIND_MAX_FIELDS];
    int n = ent->n_fields;
    const char *op = (const char *)sql_column_text(q, n + 2),
               *key = (const char *)sql_column_text(q, n + 4);

    if (n > BIND_MAX_FIELDS || !op || !key || sql_column_int(q, n + 1) ||
        !sql_column_int(q, n + 3))
        return 1;
    if (strcmp(op, "insert") && snapshot_find(s, ent->kind, key) == IDMAP_NONE)
        return 1;
    for (int i = 0; i < n; i++)
        texts[i] = (const char *)sql_column_text(q, i);
    return fold_apply(s, ent, texts, f);
}

/* fold_changes on PostgreSQL: one query per table (fold_sql_pg), their
 * rows merged by the seq of their first change, so that records are
 * applied in the same order as there. */
static int fold_changes_pg(struct store *st, int64_t from, struct snapshot *s)
{
    struct sql_stmt *q[ENT__COUNT] = { NULL };
    int step[ENT__COUNT] = { 0 }, bad = 0, indexed = s->indexed;
    struct fold f = { NULL, 0, 0 };
    struct buf sql;

    buf_init(&sql, 1 << 16);
    for (int k = 0; !bad && k < ENT__COUNT; k++) {
        buf_reset(&sql);
        fold_sql_pg(ENTITIES[k], &sql);
        bad = db_prepare(st, sql.data, &q[k], NULL) != ST_OK;
        if (bad)
            break;
        sql_bind_int64(q[k], 1, from);
        sql_bind_text(q[k], 2, ENTITIES[k]->name, -1, SQL_TRANSIENT);
        step[k] = sql_step(q[k]);
        bad = step[k] != SQL_ROW && step[k] != SQL_DONE;
    }
    buf_release(&sql);
    while (!bad) {
        int next = -1;

        for (int k = 0; k < ENT__COUNT; k++)
            if (step[k] == SQL_ROW &&
                (next < 0 ||
                 sql_column_int64(q[k], ENTITIES[k]->n_fields) <
                     sql_column_int64(q[next], ENTITIES[next]->n_fields)))
                next = k;
        if (next < 0)
            break;
        bad = fold_row(q[next], ENTITIES[next], s, &f);
        step[next] = sql_step(q[next]);
        bad = bad || (step[next] != SQL_ROW && step[next] != SQL_DONE);
    }
    for (int k = 0; k < ENT__COUNT; k++)
        sql_finalize(q[k]);
    return fold_end(s, &f, indexed, bad);
}

int load_image(struct store *st, int64_t seq, const char *hash,
               struct snapshot *s, int64_t *changes)
{
    struct image_info info;
    int64_t gap;

    if (!images_kept(st) || !cache_readable() || cache_load(st, s, &info))
        return 1;
    gap = seq - info.seq;
    *changes = gap;
    if (gap == 0 && !strcmp(info.hash, hash))
        return 0;
    if (gap > 0 && gap <= (st->pg ? PG_FOLD_MAX_CHANGES : FOLD_MAX_CHANGES) &&
        (size_t)gap <= total_records(s) / 4 + IMAGE_REWRITE_CHANGES &&
        log_has(st, &info) &&
        !(st->pg ? fold_changes_pg : fold_changes)(st, info.seq, s))
        return 0;
    snapshot_release(s);
    snapshot_init(s);
    return 1;
}

/* The present registry, read in one transaction so that the log's head
 * and the rows agree: from the image, with the change sets it lacks folded
 * in, else from the tables (then writing a new image). */
static enum status load_present(struct store *st, struct snapshot *s,
                                struct err *e)
{
    char hash[HASH_HEX];
    int64_t seq, changes = 0;
    enum status rc;
    int rewrite = 0;

    if (db_begin(st, DB_READ, e))
        return ST_ERROR;
    rc = log_head(st, &seq, hash, e);
    if (!rc && !load_image(st, seq, hash, s, &changes)) {
        snprintf(st->load_source, sizeof(st->load_source), "image+%lld changes",
                 (long long)changes);
        rewrite = changes >= IMAGE_REWRITE_CHANGES ||
                  (changes > 0 && (size_t)changes * 16 >= total_records(s));
    } else if (!rc) {
        rc = load_tables(st, s, e);
        snprintf(st->load_source, sizeof(st->load_source), "tables");
        rewrite = images_kept(st) && (!st->pg || pg_image_keep(st, seq));
    }
    db_exec(st, "COMMIT", NULL);
    if (rc)
        return rc;
    st->known_head = seq;
    snapshot_index(s);
    if (rewrite)
        cache_save(st, seq, hash, s);
    return ST_OK;
}

void image_refresh(struct store *st)
{
    struct snapshot s;
    char hash[HASH_HEX];
    int64_t seq, changes = 0;
    int ok;

    if (!images_kept(st) || !cache_readable())
        return;
    snapshot_init(&s);
    if (db_begin(st, DB_READ, NULL))
        return;
    ok = !log_head(st, &seq, hash, NULL) &&
         !load_image(st, seq, hash, &s, &changes);
    db_exec(st, "COMMIT", NULL);
    if (ok && changes > 0)
        cache_save(st, seq, hash, &s);
    snapshot_release(&s);
}

void store_refresh_image(struct store *st)
{
    image_refresh(st);
}

const char *store_load_source(const struct store *st)
{
    return st->load_source;
}

enum status store_load(struct store *st, int32_t as_known_on,
                       struct snapshot *out, struct err *e)
{
    enum status rc;

    if (as_known_on == DATE_NONE)
        return load_present(st, out, e);
    if (db_begin(st, DB_READ, e))
        return ST_ERROR;
    rc = db_exec(st,
                 DB_DIALECT(st, "PRAGMA defer_foreign_keys = ON",
                            "SET CONSTRAINTS ALL DEFERRED"),
                 e);
    if (!rc)
        rc = undo_after(st, as_known_on, e);
    if (!rc)
        rc = load_tables(st, out, e);
    db_exec(st, "ROLLBACK", NULL);
    snprintf(st->load_source, sizeof(st->load_source), "tables, as known");
    return rc;
}
