/*
 * The Merkle tree of the change log (store/tlog.h). Table tlog_leaves holds
 * the leaf hashes, TLOG_CHUNK to a row, and tlog_nodes the hash of every
 * perfect subtree of level TLOG_CHUNK_BITS and up the leaves have
 * completed: about one row per eleven entries in all, where a row per
 * node (two per entry, schema 8) made the tree the largest table of an
 * imported registry and a fifth of an import's work. A node of a lower
 * level is recomputed from the leaves of its chunk (at most 31 hashes).
 * A chunk of 32 leaves is 1 KiB: fifteen fill a page of SQLite's 16 KiB,
 * and PostgreSQL keeps it in its row, below the 2 KiB past which it would
 * move the value to a TOAST table; 256 leaves (8 KiB) left half of every
 * SQLite page empty. A change
 * set loads the frontier of the tree (one row per set bit of its size
 * above the chunk, and the chunk being filled), appends its entries'
 * leaves, inserts each chunk it fills and node it completes, and before
 * its COMMIT stores the chunk it leaves partly filled, in its own
 * transaction, so the tree is always the log's. A checkpoint then reads
 * the frontier, and a proof a row per level and a chunk: O(log n), not a
 * rehash of the log.
 */
#include "store/tlog.h"

#include <sodium.h>

#include "base/xalloc.h"

void tlog_reader_init(struct tlog_reader *r, struct store *st)
{
    r->st = st;
    r->node = r->chunk = NULL;
    r->at = -1;
    r->n = 0;
}

void tlog_reader_release(struct tlog_reader *r)
{
    sql_finalize(r->node);
    sql_finalize(r->chunk);
    r->node = r->chunk = NULL;
    r->at = -1;
}

/* Reads chunk c into r; 0, or -1 when the table has none (or a chunk
 * chancery does not write). */
static int read_chunk(struct tlog_reader *r, int64_t c)
{
    int step, n;

    if (r->at == c)
        return 0;
    r->at = -1;
    if (!r->chunk && db_prepare(r->st,
                                "SELECT hashes FROM tlog_leaves "
                                "WHERE chunk = ?",
                                &r->chunk, NULL))
        return -1;
    sql_bind_int64(r->chunk, 1, c);
    step = sql_step(r->chunk);
    n = step == SQL_ROW ? sql_column_bytes(r->chunk, 0) : 0;
    if (n > 0 && n <= (int)sizeof(r->leaves) && n % MERKLE_HASH == 0) {
        memcpy(r->leaves, sql_column_blob(r->chunk, 0), (size_t)n);
        r->n = (size_t)n / MERKLE_HASH;
        r->at = c;
    }
    sql_reset(r->chunk);
    return r->at == c ? 0 : -1;
}

/* A node below the chunk's level, from the chunk's leaves. */
static int low_node(struct tlog_reader *r, int level, uint64_t index,
                    unsigned char out[MERKLE_HASH])
{
    uint64_t first = index << level, width = (uint64_t)1 << level;
    size_t off = (size_t)(first % TLOG_CHUNK);

    if (index > (UINT64_MAX >> TLOG_CHUNK_BITS) ||
        read_chunk(r, (int64_t)(first / TLOG_CHUNK)) || off + width > r->n)
        return -1;
    if (!level)
        memcpy(out, r->leaves[off], MERKLE_HASH);
    else
        merkle_root((const unsigned char(*)[MERKLE_HASH])r->leaves[off], width,
                    out);
    return 0;
}

int tlog_reader_node(void *ctx, int level, uint64_t index,
                     unsigned char out[MERKLE_HASH])
{
    struct tlog_reader *r = ctx;
    int rc = -1;

    if (level < TLOG_CHUNK_BITS)
        return low_node(r, level, index, out);
    if (!r->node && db_prepare(r->st,
                               "SELECT hash FROM tlog_nodes "
                               "WHERE level = ? AND idx = ?",
                               &r->node, NULL))
        return -1;
    sql_bind_int(r->node, 1, level);
    sql_bind_int64(r->node, 2, (int64_t)index);
    if (sql_step(r->node) == SQL_ROW &&
        sql_column_bytes(r->node, 0) == MERKLE_HASH) {
        memcpy(out, sql_column_blob(r->node, 0), MERKLE_HASH);
        rc = 0;
    }
    sql_reset(r->node);
    return rc;
}

/* Stores the chunk being filled: an upsert of its row when it has one
 * (which on PostgreSQL waits for no answer, store/sql_pg.c). */
static int store_chunk(struct store *st, struct tlog *t)
{
    struct sql_stmt *q = t->chunk_stored ? t->chunk_update : t->chunk_insert;
    int rc;

    sql_bind_blob(q, 1, t->leaves, (int)(t->n * MERKLE_HASH), SQL_STATIC);
    sql_bind_int64(q, 2, (int64_t)t->chunk);
    rc = sql_step(q);
    sql_reset(q);
    if (rc != SQL_DONE || (t->chunk_stored && db_changes(st) != 1))
        return -1;
    t->chunk_stored = 1;
    return 0;
}

static int store_node(void *ctx, int level, uint64_t index,
                      const unsigned char hash[MERKLE_HASH])
{
    struct tlog *t = ((void **)ctx)[0];
    struct store *st = ((void **)ctx)[1];
    int rc;

    if (!t->all_levels && level < TLOG_CHUNK_BITS) {
        if (level)
            return 0;
        memcpy(t->leaves[t->n++], hash, MERKLE_HASH);
        if (t->n < TLOG_CHUNK)
            return 0;
        if (store_chunk(st, t))
            return -1;
        t->chunk++;
        t->n = 0;
        t->chunk_stored = 0;
        return 0;
    }
    sql_bind_int(t->insert, 1, level);
    sql_bind_int64(t->insert, 2, (int64_t)index);
    sql_bind_blob(t->insert, 3, hash, MERKLE_HASH, SQL_STATIC);
    rc = sql_step(t->insert);
    sql_reset(t->insert);
    return rc != SQL_DONE;
}

static enum status prepare_writes(struct store *st, struct tlog *t,
                                  struct err *e)
{
    if (db_prepare(st,
                   "INSERT INTO tlog_nodes (level, idx, hash) VALUES (?, ?, ?)",
                   &t->insert, e))
        return ST_ERROR;
    if (t->all_levels)
        return ST_OK;
    /* Columns in the order of the update's parameters; the insert is one
     * row of parameters, which PostgreSQL's bulk path sends with COPY. */
    if (db_prepare(st, "INSERT INTO tlog_leaves (hashes, chunk) VALUES (?, ?)",
                   &t->chunk_insert, e) ||
        db_prepare(st,
                   "INSERT INTO tlog_leaves (hashes, chunk) VALUES (?, ?) "
                   "ON CONFLICT (chunk) DO UPDATE SET hashes = excluded.hashes",
                   &t->chunk_update, e))
        return ST_ERROR;
    return ST_OK;
}

/* On PostgreSQL each query is a round trip, and reading the frontier a
 * node at a time was half of a change set's: there the frontier's stored
 * nodes (levels TLOG_CHUNK_BITS and up) and the chunk being filled come
 * with one query, before merkle_frontier_load asks for them. SQLite
 * reads a node at a time: its plan for the one query (an OR of terms)
 * made `serve`'s writes a hundredth as fast. */
struct frontier_read {
    struct tlog_reader *r; /* holds the chunk being filled */
    unsigned char nodes[MERKLE_LEVELS][MERKLE_HASH];
    uint64_t have; /* bit level set: nodes[level] was read */
};

static int frontier_node(void *ctx, int level, uint64_t index,
                         unsigned char out[MERKLE_HASH])
{
    struct frontier_read *f = ctx;

    if (level < TLOG_CHUNK_BITS)
        return tlog_reader_node(f->r, level, index, out);
    if (!(f->have >> level & 1))
        return -1; /* the query asked for the frontier's nodes alone */
    memcpy(out, f->nodes[level], MERKLE_HASH);
    return 0;
}

/* Takes one row of frontier_read's answer: a stored node, or (level -1)
 * the chunk being filled. */
static void frontier_row(struct frontier_read *f, struct sql_stmt *q)
{
    int level = sql_column_int(q, 0), n = sql_column_bytes(q, 2);

    if (level == -1 && n > 0 && n <= (int)sizeof(f->r->leaves) &&
        n % MERKLE_HASH == 0) {
        memcpy(f->r->leaves, sql_column_blob(q, 2), (size_t)n);
        f->r->n = (size_t)n / MERKLE_HASH;
        f->r->at = sql_column_int64(q, 1);
    } else if (level >= TLOG_CHUNK_BITS && level < MERKLE_LEVELS &&
               n == MERKLE_HASH) {
        memcpy(f->nodes[level], sql_column_blob(q, 2), MERKLE_HASH);
        f->have |= (uint64_t)1 << level;
    }
}

/* The frontier of a tree of size leaves, in one query: 0, or -1 when the
 * database failed. */
static int frontier_read(struct store *st, uint64_t size,
                         struct frontier_read *f)
{
    struct sql_stmt *q = NULL;
    struct buf sql;
    uint64_t offset = 0;
    int n = 0, step;

    f->have = 0;
    buf_init(&sql, 1 << 12);
    buf_addstr(&sql, "SELECT level, idx, hash FROM tlog_nodes WHERE level < 0");
    for (int level = MERKLE_LEVELS - 1; level >= TLOG_CHUNK_BITS; level--)
        if (size >> level & 1)
            buf_addstr(&sql, " OR (level = ? AND idx = ?)");
    buf_addstr(&sql, " UNION ALL SELECT -1, chunk, hashes FROM tlog_leaves "
                     "WHERE chunk = ?");
    if (db_prepare(st, sql.data, &q, NULL)) {
        buf_release(&sql);
        return -1;
    }
    buf_release(&sql);
    for (int level = MERKLE_LEVELS - 1; level >= TLOG_CHUNK_BITS; level--) {
        if (!(size >> level & 1))
            continue;
        sql_bind_int(q, ++n, level);
        sql_bind_int64(q, ++n, (int64_t)(offset >> level));
        offset += (uint64_t)1 << level;
    }
    sql_bind_int64(q, ++n, (int64_t)(size / TLOG_CHUNK));
    while ((step = sql_step(q)) == SQL_ROW)
        frontier_row(f, q);
    sql_finalize(q);
    return step == SQL_DONE ? 0 : -1;
}

/* The frontier of the tree of size leaves, and the leaves of its last,
 * partly filled chunk: 0, -1 when the tree lacks some, -2 when the
 * database failed. */
static int load_frontier(struct store *st, struct tlog *t, uint64_t size)
{
    struct frontier_read *f = xmalloc(sizeof(*f));
    struct tlog_reader *r = xmalloc(sizeof(*r));
    struct merkle_source src = { tlog_reader_node, r };
    int rc = 0;

    /* Migration 8 builds its tree from the first entry. */
    if (t->all_levels) {
        free(f);
        free(r);
        merkle_frontier_init(&t->f);
        return size ? -1 : 0;
    }
    tlog_reader_init(r, st);
    f->r = r;
    if (st->pg) {
        src = (struct merkle_source){ frontier_node, f };
        rc = frontier_read(st, size, f) ? -2 : 0;
    }
    if (!rc)
        rc = merkle_frontier_load(&t->f, size, &src);
    t->chunk = size / TLOG_CHUNK;
    t->n = (size_t)(size % TLOG_CHUNK);
    t->chunk_stored = t->n > 0;
    if (!rc && t->n && (read_chunk(r, (int64_t)t->chunk) || r->n != t->n))
        rc = -1;
    if (!rc && t->n)
        memcpy(t->leaves, r->leaves, t->n * MERKLE_HASH);
    tlog_reader_release(r);
    free(r);
    free(f);
    return rc;
}

static enum status tlog_load(struct store *st, struct tlog *t, uint64_t size,
                             struct err *e)
{
    int rc;

    if (prepare_writes(st, t, e))
        return ST_ERROR;
    rc = load_frontier(st, t, size);
    if (rc == -2)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    if (rc)
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

enum status tlog_flush(struct store *st, struct tlog *t, struct err *e)
{
    if (!t->loaded || t->all_levels || !t->n)
        return ST_OK;
    if (store_chunk(st, t))
        return err_set(e, ST_ERROR,
                       "database '%s': the change log's Merkle tree: %s",
                       st->path, db_errmsg(st));
    return ST_OK;
}

void tlog_close(struct tlog *t)
{
    sql_finalize(t->insert);
    sql_finalize(t->chunk_insert);
    sql_finalize(t->chunk_update);
    t->insert = t->chunk_insert = t->chunk_update = NULL;
    t->loaded = 0;
}

/* Migration 10: reads the leaves of schema 8 in order and stores them
 * chunk by chunk. */
static enum status pack_leaves(struct store *st, struct tlog *t,
                               struct sql_stmt *q, struct err *e)
{
    int step;

    while ((step = sql_step(q)) == SQL_ROW) {
        int64_t idx = sql_column_int64(q, 0);
        uint64_t next = t->chunk * TLOG_CHUNK + t->n;

        if (idx < 0 || (uint64_t)idx != next ||
            sql_column_bytes(q, 1) != MERKLE_HASH)
            return err_set(e, ST_ERROR,
                           "database '%s': the change log's Merkle tree "
                           "lacks leaf %llu (`audit verify` checks it)",
                           st->path, (unsigned long long)next);
        if (store_node((void *[]){ t, st }, 0, (uint64_t)idx,
                       sql_column_blob(q, 1)))
            return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                           db_errmsg(st));
    }
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return tlog_flush(st, t, e);
}

enum status tlog_pack(struct store *st, struct err *e)
{
    struct tlog *t = xcalloc(1, sizeof(*t));
    struct sql_stmt *q = NULL;
    enum status rc;

    rc = prepare_writes(st, t, e);
    t->loaded = 1;
    if (!rc)
        rc = db_prepare(st,
                        "SELECT idx, hash FROM tlog_nodes WHERE level = 0 "
                        "ORDER BY idx",
                        &q, e);
    if (!rc)
        rc = pack_leaves(st, t, q, e);
    sql_finalize(q);
    tlog_close(t);
    free(t);
    if (!rc)
        rc = db_exec(
            st, "DELETE FROM tlog_nodes WHERE level < " TLOG_CHUNK_BITS_SQL, e);
    return rc;
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
    struct tlog_reader *r = xmalloc(sizeof(*r));
    struct merkle_source src = { tlog_reader_node, r };
    struct merkle_frontier f;
    enum status rc;

    tlog_reader_init(r, st);
    if (db_begin(st, DB_READ, e))
        return ST_ERROR;
    rc = tree_size(st, size, e);
    if (!rc && merkle_frontier_load(&f, *size, &src))
        rc = tree_error(st, e);
    if (!rc)
        merkle_frontier_root(&f, root);
    tlog_reader_release(r);
    free(r);
    return end_read(st, rc);
}

enum status store_tree_root(struct store *st, uint64_t size,
                            unsigned char root[STORE_TREE_HASH], struct err *e)
{
    struct tlog_reader *r = xmalloc(sizeof(*r));
    struct merkle_source src = { tlog_reader_node, r };
    uint64_t now;
    enum status rc;

    tlog_reader_init(r, st);
    if (db_begin(st, DB_READ, e))
        return ST_ERROR;
    rc = tree_size(st, &now, e);
    if (!rc && size > now)
        rc = err_set(e, ST_NOT_FOUND,
                     "the change log has %llu entries, not %llu",
                     (unsigned long long)now, (unsigned long long)size);
    if (!rc && merkle_root_from(&src, size, root))
        rc = tree_error(st, e);
    tlog_reader_release(r);
    free(r);
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
    struct tlog_reader *r = xmalloc(sizeof(*r));
    struct merkle_source src = { tlog_reader_node, r };
    uint64_t now;
    enum status rc;

    tlog_reader_init(r, st);
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
        (tlog_reader_node(r, 0, (uint64_t)seq - 1, leaf) ||
         merkle_inclusion_proof(&src, (uint64_t)seq - 1, size, proof, n)))
        rc = tree_error(st, e);
    tlog_reader_release(r);
    free(r);
    return end_read(st, rc);
}

enum status store_consistency_proof(struct store *st, uint64_t first,
                                    uint64_t second,
                                    unsigned char proof[][STORE_TREE_HASH],
                                    size_t *n, struct err *e)
{
    struct tlog_reader *r = xmalloc(sizeof(*r));
    struct merkle_source src = { tlog_reader_node, r };
    uint64_t now;
    enum status rc;

    tlog_reader_init(r, st);
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
    tlog_reader_release(r);
    free(r);
    return end_read(st, rc);
}
