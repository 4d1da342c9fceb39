/*
 * Following the change log: a snapshot loaded at one head of the log is
 * brought to the present head by applying, in memory, the records the
 * change sets in between wrote (core/apply.h), instead of loading the
 * registry again. The server keeps its resident registry current this way
 * (http/resident.c), for its own writes and for other processes'.
 *
 * The log keeps no after images (store/log.c): a record's state after the
 * gap is its row in the table now, read in the same transaction as the
 * log's head so that the two agree. Each record changed in the gap is
 * applied once, in the order of its first change (a record after those it
 * refers to), as load.c folds the gap of a snapshot image. A delete or a
 * rename cannot be applied to a snapshot (records are never removed from
 * one): then, and for a gap past FOLLOW_MAX_CHANGES, the caller loads.
 */
#include <string.h>

#include "base/xalloc.h"
#include "core/apply.h"
#include "store/internal.h"

/* Beyond this many changes a load is about as fast and bounds the work. */
#define FOLLOW_MAX_CHANGES 100000

struct gap {
    struct change_image *set;
    char **images;
    size_t n, alloc;
};

static void gap_release(struct gap *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->images[i]);
    free(g->images);
    free(g->set);
}

static void gap_push(struct gap *g, enum entity_kind kind, const char *image)
{
    if (g->n == g->alloc) {
        g->alloc = g->alloc ? g->alloc * 2 : 16;
        g->set = xrealloc(g->set, g->alloc * sizeof(*g->set));
        g->images = xrealloc(g->images, g->alloc * sizeof(*g->images));
    }
    g->images[g->n] = xstrdup(image);
    g->set[g->n].kind = kind;
    g->set[g->n].after = g->images[g->n];
    g->n++;
}

/* One record of the gap: its present row, into g. */
static enum status gap_record(struct row_reader *rr, const struct snapshot *s,
                              struct sql_stmt *q, struct gap *g, struct err *e)
{
    const struct entity *ent =
        entity_by_name((const char *)sql_column_text(q, 0));
    const char *key = (const char *)sql_column_text(q, 1),
               *op = (const char *)sql_column_text(q, 3), *image = NULL;

    if (!ent || !key || !op)
        return err_set(e, ST_ERROR, "change log: unknown entry");
    if (sql_column_int(q, 2))
        return err_set(e, ST_ERROR, "change log: %s '%s' deleted", ent->name,
                       key);
    /* Not inserted in the gap yet not in s: an update renamed it. */
    if (strcmp(op, "insert") && snapshot_find(s, ent->kind, key) == IDMAP_NONE)
        return err_set(e, ST_ERROR, "change log: %s '%s' renamed", ent->name,
                       key);
    if (row_reader_image(rr, ent, key, &image, e))
        return ST_ERROR;
    if (!image)
        return err_set(e, ST_ERROR, "change log: %s '%s' no longer stored",
                       ent->name, key);
    gap_push(g, ent->kind, image);
    return ST_OK;
}

/* Under a transaction: the records changed after seq from, into g. */
static enum status gap_read(struct store *st, int64_t from,
                            const struct snapshot *s, struct gap *g,
                            struct err *e)
{
    struct row_reader rr;
    struct sql_stmt *q;
    enum status rc = ST_OK;
    int step;

    /* Each record changed in the gap, with the op of its first change
     * there (the entry whose seq is the group's least), in plain SQL that
     * both backends run. */
    if (db_prepare(st,
                   "SELECT c.entity, c.key, g.deletes, c.op, g.first "
                   "FROM (SELECT entity, key, min(seq) AS first, "
                   "sum(CASE WHEN op = 'delete' THEN 1 ELSE 0 END) AS deletes "
                   "FROM changes WHERE seq > ? GROUP BY entity, key) AS g "
                   "JOIN changes AS c ON c.seq = g.first ORDER BY g.first",
                   &q, e))
        return ST_ERROR;
    sql_bind_int64(q, 1, from);
    row_reader_init(&rr, st);
    while (!rc && (step = sql_step(q)) == SQL_ROW)
        rc = gap_record(&rr, s, q, g, e);
    if (!rc && step != SQL_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path, db_errmsg(st));
    row_reader_release(&rr);
    sql_finalize(q);
    return rc;
}

enum status store_follow(struct store *st, int64_t from, struct snapshot *s,
                         int64_t *head, struct err *e)
{
    char hash[HASH_HEX];
    struct gap g = { NULL, NULL, 0, 0 };
    enum status rc;
    int64_t seq = 0;

    /* One snapshot for the head and the rows: on PostgreSQL a plain BEGIN
     * (READ COMMITTED) gives each statement its own. */
    if (db_begin(st, DB_READ, e))
        return ST_ERROR;
    rc = log_head(st, &seq, hash, e);
    db_test_read_pause();
    if (!rc && seq < from)
        rc = err_set(e, ST_ERROR, "change log: head %lld before %lld",
                     (long long)seq, (long long)from);
    if (!rc && seq - from > FOLLOW_MAX_CHANGES)
        rc = err_set(e, ST_ERROR, "change log: %lld changes to follow",
                     (long long)(seq - from));
    if (!rc && seq > from)
        rc = gap_read(st, from, s, &g, e);
    db_exec(st, "COMMIT", NULL);
    if (!rc && g.n)
        rc = snapshot_apply_change_set(s, g.set, g.n, e);
    gap_release(&g);
    if (rc)
        return ST_ERROR;
    st->known_head = seq;
    *head = seq;
    return ST_OK;
}
