/*
 * The Merkle tree of the change log, kept as its nodes (store/tlog.h):
 * table tlog_nodes holds the hash of every perfect subtree (level, index)
 * the log's leaves have completed, about two rows per entry. A change set
 * loads the frontier of the tree (one row per set bit of its size),
 * appends its entries' leaves and inserts the nodes they complete, in its
 * own transaction, so the tree is always the log's. A checkpoint then
 * reads the frontier, and a proof a row per level: O(log n), not a rehash
 * of the log.
 */
#include "store/tlog.h"

#include <sodium.h>

static int store_node(void *ctx, int level, uint64_t index,
                      const unsigned char hash[MERKLE_HASH])
{
    struct tlog *t = ((void **)ctx)[0];
    struct store *st = ((void **)ctx)[1];
    int rc;

    (void)st;
    sql_bind_int(t->insert, 1, level);
    sql_bind_int64(t->insert, 2, (int64_t)index);
    sql_bind_blob(t->insert, 3, hash, MERKLE_HASH, SQL_STATIC);
    rc = sql_step(t->insert);
    sql_reset(t->insert);
    return rc != SQL_DONE;
}

int tlog_node(void *ctx, int level, uint64_t index,
              unsigned char out[MERKLE_HASH])
{
    struct store *st = ctx;
    struct sql_stmt *q;
    int rc = -1;

    if (db_prepare(st,
                   "SELECT hash FROM tlog_nodes WHERE level = ? AND idx = ?",
                   &q, NULL))
        return -1;
    sql_bind_int(q, 1, level);
    sql_bind_int64(q, 2, (int64_t)index);
    if (sql_step(q) == SQL_ROW && sql_column_bytes(q, 0) == MERKLE_HASH) {
        memcpy(out, sql_column_blob(q, 0), MERKLE_HASH);
        rc = 0;
    }
    sql_finalize(q);
    return rc;
}

/* A node source that prepares its statement once: a proof reads one or
 * two nodes a level, and preparing the statement for each cost as much as
 * reading the node. */
struct node_reader {
    struct store *st;
    struct sql_stmt *q;
};

static int read_node(void *ctx, int level, uint64_t index,
                     unsigned char out[MERKLE_HASH])
{
    struct node_reader *r = ctx;
    int rc = -1;

    if (!r->q && db_prepare(r->st,
                            "SELECT hash FROM tlog_nodes "
                            "WHERE level = ? AND idx = ?",
                            &r->q, NULL))
        return -1;
    sql_bind_int(r->q, 1, level);
    sql_bind_int64(r->q, 2, (int64_t)index);
    if (sql_step(r->q) == SQL_ROW && sql_column_bytes(r->q, 0) == MERKLE_HASH) {
        memcpy(out, sql_column_blob(r->q, 0), MERKLE_HASH);
        rc = 0;
    }
    sql_reset(r->q);
    return rc;
}

/* The frontier's nodes of a tree of `size` leaves, read with one query
 * rather than one per node: on PostgreSQL each query is a round trip,
 * and a change set's were half of its round trips (PostgreSQL only). By
 * level; `have` has
 * bit `level` set for each node read. */
struct frontier_read {
    unsigned char nodes[MERKLE_LEVELS][MERKLE_HASH];
    uint64_t have;
};

static int frontier_node(void *ctx, int level, uint64_t index,
                         unsigned char out[MERKLE_HASH])
{
    const struct frontier_read *r = ctx;

    (void)index; /* the query asked for the frontier's alone */
    if (!(r->have >> level & 1))
        return -1;
    memcpy(out, r->nodes[level], MERKLE_HASH);
    return 0;
}

/* The nodes merkle_frontier_load asks for, in the order it does. */
static enum status frontier_read(struct store *st, uint64_t size,
                                 struct frontier_read *r, struct err *e)
{
    struct sql_stmt *q = NULL;
    struct buf sql;
    uint64_t offset = 0;
    int n = 0, step = SQL_DONE;

    r->have = 0;
    buf_init(&sql, 1 << 14);
    buf_addstr(&sql, "SELECT level, idx, hash FROM tlog_nodes WHERE");
    for (int level = MERKLE_LEVELS - 1; level >= 0; level--)
        if (size >> level & 1)
            buf_addstr(&sql, n++ ? " OR (level = ? AND idx = ?)"
                                 : " (level = ? AND idx = ?)");
    n = 0;
    if (size && db_prepare(st, sql.data, &q, e)) {
        buf_release(&sql);
        return ST_ERROR;
    }
    buf_release(&sql);
    for (int level = MERKLE_LEVELS - 1; q && level >= 0; level--) {
        if (!(size >> level & 1))
            continue;
        sql_bind_int(q, ++n, level);
        sql_bind_int64(q, ++n, (int64_t)(offset >> level));
        offset += (uint64_t)1 << level;
    }
    while (q && (step = sql_step(q)) == SQL_ROW) {
        int level = sql_column_int(q, 0);

        if (level >= 0 && level < MERKLE_LEVELS &&
            sql_column_bytes(q, 2) == MERKLE_HASH) {
            memcpy(r->nodes[level], sql_column_blob(q, 2), MERKLE_HASH);
            r->have |= (uint64_t)1 << level;
        }
    }
    sql_finalize(q);
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

static enum status tlog_load(struct store *st, struct tlog *t, uint64_t size,
                             struct err *e)
{
    struct frontier_read r;
    struct merkle_source src = { frontier_node, &r };

    /* SQLite has no round trips to save, and the one query measured
     * slower there (serve's writes a hundredth as fast): a query per
     * node, as before. */
    if (!st->pg) {
        src.node = tlog_node;
        src.ctx = st;
    } else if (frontier_read(st, size, &r, e)) {
        return ST_ERROR;
    }

    if (db_prepare(st,
                   "INSERT INTO tlog_nodes (level, idx, hash) VALUES (?, ?, ?)",
                   &t->insert, e))
        return ST_ERROR;
    if (merkle_frontier_load(&t->f, size, &src))
        return err_set(e, ST_ERROR,
                       "database '%s': the change log's Merkle tree lacks "
                       "nodes of its %llu entries",
                       st->path, (unsigned long long)size);
    t->loaded = 1;
    return ST_OK;
}

enum status tlog_append(struct store *st, struct tlog *t, int64_t seq,
                        const unsigned char leaf[HASH_BYTES], struct err *e)
{
    void *ctx[2] = { t, st };

    if (!t->loaded && tlog_load(st, t, (uint64_t)seq - 1, e))
        return ST_ERROR;
    if (t->f.size != (uint64_t)seq - 1)
        BUG("tree of %llu leaves takes entry %lld",
            (unsigned long long)t->f.size, (long long)seq);
    if (merkle_frontier_append(&t->f, leaf, store_node, ctx))
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

void tlog_close(struct tlog *t)
{
    sql_finalize(t->insert);
    t->insert = NULL;
    t->loaded = 0;
}

/* The tree's size: the log's length, its head's seq. */
static enum status tree_size(struct store *st, uint64_t *size, struct err *e)
{
    int64_t seq;
    char hash[HASH_HEX];

    if (log_head(st, &seq, hash, e))
        return ST_ERROR;
    *size = (uint64_t)seq;
    return ST_OK;
}

static enum status tree_error(struct store *st, struct err *e)
{
    return err_set(e, ST_ERROR,
                   "database '%s': the change log's Merkle tree lacks a node "
                   "(`audit verify` checks it)",
                   st->path);
}

/* Ends the read transaction each reader below opens, so that the size
 * and the nodes it reads are of the same moment. */
static enum status end_read(struct store *st, enum status rc)
{
    db_exec(st, "ROLLBACK", NULL);
    return rc;
}

enum status store_tree_head(struct store *st, uint64_t *size,
                            unsigned char root[STORE_TREE_HASH], struct err *e)
{
    struct node_reader r = { st, NULL };
    struct merkle_source src = { read_node, &r };
    struct merkle_frontier f;
    enum status rc;

    if (db_begin(st, DB_READ, e))
        return ST_ERROR;
    rc = tree_size(st, size, e);
    if (!rc && merkle_frontier_load(&f, *size, &src))
        rc = tree_error(st, e);
    if (!rc)
        merkle_frontier_root(&f, root);
    sql_finalize(r.q);
    return end_read(st, rc);
}

enum status store_tree_root(struct store *st, uint64_t size,
                            unsigned char root[STORE_TREE_HASH], struct err *e)
{
    struct node_reader r = { st, NULL };
    struct merkle_source src = { read_node, &r };
    uint64_t now;
    enum status rc;

    if (db_begin(st, DB_READ, e))
        return ST_ERROR;
    rc = tree_size(st, &now, e);
    if (!rc && size > now)
        rc = err_set(e, ST_NOT_FOUND,
                     "the change log has %llu entries, not %llu",
                     (unsigned long long)now, (unsigned long long)size);
    if (!rc && merkle_root_from(&src, size, root))
        rc = tree_error(st, e);
    sql_finalize(r.q);
    return end_read(st, rc);
}

enum status store_tree_root_b64(struct store *st, uint64_t size, char *out,
                                size_t out_size, struct err *e)
{
    unsigned char root[STORE_TREE_HASH];

    if (out_size < sodium_base64_ENCODED_LEN(STORE_TREE_HASH,
                                             sodium_base64_VARIANT_ORIGINAL))
        BUG("base64 root buffer too small");
    if (store_tree_root(st, size, root, e))
        return e->status;
    sodium_bin2base64(out, out_size, root, sizeof(root),
                      sodium_base64_VARIANT_ORIGINAL);
    return ST_OK;
}

enum status store_inclusion_proof(struct store *st, int64_t seq, uint64_t size,
                                  unsigned char leaf[STORE_TREE_HASH],
                                  unsigned char proof[][STORE_TREE_HASH],
                                  size_t *n, struct err *e)
{
    struct node_reader r = { st, NULL };
    struct merkle_source src = { read_node, &r };
    uint64_t now;
    enum status rc;

    if (db_begin(st, DB_READ, e))
        return ST_ERROR;
    rc = tree_size(st, &now, e);
    if (!rc && size > now)
        rc = err_set(e, ST_NOT_FOUND,
                     "the change log has %llu entries, not %llu",
                     (unsigned long long)now, (unsigned long long)size);
    if (!rc && (seq < 1 || (uint64_t)seq > size))
        rc =
            err_set(e, ST_NOT_FOUND, "no change %lld in a tree of %llu entries",
                    (long long)seq, (unsigned long long)size);
    if (!rc &&
        (read_node(&r, 0, (uint64_t)seq - 1, leaf) ||
         merkle_inclusion_proof(&src, (uint64_t)seq - 1, size, proof, n)))
        rc = tree_error(st, e);
    sql_finalize(r.q);
    return end_read(st, rc);
}

enum status store_consistency_proof(struct store *st, uint64_t first,
                                    uint64_t second,
                                    unsigned char proof[][STORE_TREE_HASH],
                                    size_t *n, struct err *e)
{
    struct node_reader r = { st, NULL };
    struct merkle_source src = { read_node, &r };
    uint64_t now;
    enum status rc;

    if (db_begin(st, DB_READ, e))
        return ST_ERROR;
    rc = tree_size(st, &now, e);
    if (!rc && (second > now || first > second))
        rc = err_set(e, ST_NOT_FOUND,
                     "no consistency proof from %llu to %llu entries: the "
                     "change log has %llu",
                     (unsigned long long)first, (unsigned long long)second,
                     (unsigned long long)now);
    if (!rc && merkle_consistency_proof(&src, first, second, proof, n))
        rc = tree_error(st, e);
    sql_finalize(r.q);
    return end_read(st, rc);
}
