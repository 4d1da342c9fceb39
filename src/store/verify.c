/*
 * `audit verify`: the whole change log recomputed, entry by entry, against
 * its hash chain, and the tables against the log.
 *
 * Entries leave their after image to the record's next entry or to its
 * present row (store/log.c), so recomputing a hash needs that image. The
 * entries that carry images (updates and deletes, a small part of any
 * log) are read first and grouped by record; then one pass in seq order
 * takes each after image from the next of them for the same record, or
 * from the table. A row edited behind chancery's back therefore breaks the
 * hash of the entry that last wrote it; a row added or removed behind its
 * back shows in the count of rows each table should hold. The same pass
 * rebuilds the Merkle tree from the entries' leaves and compares its root
 * with the tree the log keeps (store/tlog.c), and, once, re-encodes a log
 * of encoding 1 (log_reencode, migration 6). The schema check is
 * store/verify_schema.c; the snapshot image's, store/verify_image.c.
 */
#include <jansson.h>

#include "base/idmap.h"
#include "base/xalloc.h"
#include "store/tlog.h"

/* The images one record's entries carry, in seq order; pos is the first
 * not yet passed by the verification. */
struct image {
    int64_t seq;
    char *before;
};

struct record_images {
    char *id; /* entity, 0x1F, key: the index's key */
    struct image *items;
    size_t n, alloc, pos;
};

struct verifier {
    struct store *st;
    struct idmap by_record;
    struct record_images *records;
    size_t n_records, alloc_records;
    struct row_reader rows;
    int64_t live[ENT__COUNT]; /* rows each table should hold */
    char prev[HASH_HEX];
    struct buf enc;              /* the entry being checked, encoded */
    struct merkle_frontier tree; /* the tree of the entries checked */
    struct tlog_reader *kept;    /* the tree the log keeps */
    /* PostgreSQL: every node read at once, by level and index (a lookup
     * per node would be a round trip); level_n[l] nodes of level l, each
     * HASH_BYTES, and whether the table has it. */
    int nodes_read;
    unsigned char *level_hash[64];
    unsigned char *level_have[64];
    size_t level_n[64];
    int64_t bad_node_level, bad_node_index; /* the first that differs */
    /* Re-encoding (migration 6): the chain of encoding 1 recomputed, its
     * first break, the statement that rewrites a hash, the tree built. */
    int reencode;
    char old_prev[HASH_HEX];
    char old_head[HASH_HEX]; /* the stored hash of the last entry */
    int64_t old_break;
    struct sql_stmt *rehash;
    struct tlog built;
    /* Exporting (store_export_log): each entry up to `upto`, its after
     * image derived, handed to emit instead of being checked. */
    enum status (*emit)(void *ctx, const struct log_fields *f, const char *hash,
                        struct err *e);
    void *emit_ctx;
    int64_t upto;
};

static char *record_id(const char *entity, const char *key)
{
    return xasprintf("%s\x1f%s", entity, key);
}

static struct record_images *find_record(const struct verifier *v,
                                         const char *entity, const char *key)
{
    char *id = record_id(entity, key);
    uint32_t i = idmap_get(&v->by_record, id);

    free(id);
    return i == IDMAP_NONE ? NULL : &v->records[i];
}

static void add_image(struct verifier *v, int64_t seq, const char *entity,
                      const char *key, const char *before)
{
    struct record_images *r = find_record(v, entity, key);

    if (!r) {
        XGROW(v->records, v->n_records + 1, v->alloc_records);
        r = &v->records[v->n_records];
        memset(r, 0, sizeof(*r));
        r->id = record_id(entity, key);
        /* The map borrows r->id, which stays put when records grows. */
        idmap_put(&v->by_record, r->id, (uint32_t)v->n_records++);
    }
    XGROW(r->items, r->n + 1, r->alloc);
    r->items[r->n++] = (struct image){ seq, xstrdup(before) };
}

static enum status read_images(struct verifier *v, struct err *e)
{
    struct sql_stmt *q;
    int step;

    if (db_prepare(v->st,
                   "SELECT seq, entity, key, before FROM changes "
                   "WHERE before IS NOT NULL ORDER BY seq",
                   &q, e))
        return ST_ERROR;
    while ((step = sql_step(q)) == SQL_ROW)
        add_image(v, sql_column_int64(q, 0),
                  (const char *)sql_column_text(q, 1),
                  (const char *)sql_column_text(q, 2),
                  (const char *)sql_column_text(q, 3));
    sql_finalize(q);
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", v->st->path,
                       db_errmsg(v->st));
    return ST_OK;
}

/* The after image of entry c when the log did not store it: the next
 * image of the same record, else its present row. OUT: *from_row, 1 for
 * the row, else the seq of the entry whose before image it is. */
static enum status derived_after(struct verifier *v, const struct entity *ent,
                                 const struct change_entry *c,
                                 const char **image, int64_t *from_row,
                                 struct err *e)
{
    struct record_images *r = find_record(v, c->entity, c->key);

    while (r && r->pos < r->n && r->items[r->pos].seq <= c->seq)
        r->pos++;
    *from_row = !r || r->pos == r->n;
    if (!*from_row) {
        *from_row = -r->items[r->pos].seq;
        *image = r->items[r->pos].before;
        return ST_OK;
    }
    if (row_reader_image(&v->rows, ent, c->key, image, e))
        return ST_ERROR;
    if (!*image)
        return err_set(e, ST_INVALID,
                       "change %lld (%s '%s'): the record is missing from "
                       "table %s",
                       (long long)c->seq, c->entity, c->key, ent->table);
    return ST_OK;
}

/* Checks entry c against the chain of encoding 1, noting its first break,
 * then rewrites its hash in encoding 2 and adds its leaf to the tree. The
 * entry's encoding is in v->enc. */
static enum status reencode_entry(struct verifier *v,
                                  const struct change_entry *c,
                                  const struct log_fields *f, struct err *e)
{
    unsigned char old[HASH_BYTES], chain[HASH_BYTES], leaf[HASH_BYTES];

    change_hash_v1(v->old_prev, f, old);
    hash_to_hex(old, v->old_prev);
    if (!v->old_break && (!c->hash || strcmp(v->old_prev, c->hash)))
        v->old_break = c->seq;
    snprintf(v->old_head, sizeof(v->old_head), "%s", c->hash ? c->hash : "");
    entry_hashes(v->prev, &v->enc, chain, leaf);
    sql_bind_blob(v->rehash, 1, chain, HASH_BYTES, SQL_STATIC);
    sql_bind_int64(v->rehash, 2, c->seq);
    if (db_step_done(v->st, v->rehash, e))
        return ST_ERROR;
    return tlog_append(v->st, &v->built, c->seq, leaf, e);
}

/* Keeps hash as node idx of level in v's levels. */
static void keep_node(struct verifier *v, int level, size_t idx,
                      const void *hash)
{
    size_t n = v->level_n[level];

    if (idx >= n) {
        size_t grown = idx * 2 + 16;

        v->level_hash[level] =
            xrealloc(v->level_hash[level], grown * HASH_BYTES);
        v->level_have[level] = xrealloc(v->level_have[level], grown);
        memset(v->level_have[level] + n, 0, grown - n);
        v->level_n[level] = grown;
    }
    memcpy(v->level_hash[level] + idx * HASH_BYTES, hash, HASH_BYTES);
    v->level_have[level][idx] = 1;
}

/* Reads every leaf of tlog_leaves into v's level 0. */
static enum status read_leaves(struct verifier *v, struct err *e)
{
    struct sql_stmt *q;
    int step;

    if (db_prepare(v->st, "SELECT chunk, hashes FROM tlog_leaves", &q, e))
        return ST_ERROR;
    while ((step = sql_step(q)) == SQL_ROW) {
        int64_t chunk = sql_column_int64(q, 0);
        int bytes = sql_column_bytes(q, 1);
        const unsigned char *hashes = sql_column_blob(q, 1);

        if (chunk < 0 || chunk > (INT32_MAX >> TLOG_CHUNK_BITS) ||
            bytes % HASH_BYTES || bytes > TLOG_CHUNK * HASH_BYTES)
            continue; /* not a chunk chancery writes: it compares unequal */
        for (int i = 0; i < bytes / HASH_BYTES; i++)
            keep_node(v, 0, ((size_t)chunk << TLOG_CHUNK_BITS) + (size_t)i,
                      hashes + (size_t)i * HASH_BYTES);
    }
    sql_finalize(q);
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", v->st->path,
                       db_errmsg(v->st));
    return ST_OK;
}

/* Reads every node of tlog_nodes and every leaf into v's levels (on
 * PostgreSQL, where a lookup per node or chunk would be a round trip). */
static enum status read_nodes(struct verifier *v, struct err *e)
{
    struct sql_stmt *q;
    int step;

    if (db_prepare(v->st, "SELECT level, idx, hash FROM tlog_nodes", &q, e))
        return ST_ERROR;
    while ((step = sql_step(q)) == SQL_ROW) {
        int64_t level = sql_column_int64(q, 0), idx = sql_column_int64(q, 1);

        if (level < TLOG_CHUNK_BITS || level >= 64 || idx < 0 ||
            idx > INT32_MAX || sql_column_bytes(q, 2) != HASH_BYTES)
            continue; /* not a node chancery writes: it compares unequal */
        keep_node(v, (int)level, (size_t)idx, sql_column_blob(q, 2));
    }
    sql_finalize(q);
    v->nodes_read = 1;
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", v->st->path,
                       db_errmsg(v->st));
    return read_leaves(v, e);
}

/* Compares a node of the tree rebuilt with the one the log keeps (a
 * leaf in tlog_leaves, a node of level TLOG_CHUNK_BITS and up in
 * tlog_nodes; the levels between are the leaves' own); notes the first
 * that differs. */
static int compare_node(void *ctx, int level, uint64_t index,
                        const unsigned char hash[MERKLE_HASH])
{
    struct verifier *v = ctx;
    unsigned char kept[MERKLE_HASH];
    int same;

    if (v->bad_node_level >= 0 || (level > 0 && level < TLOG_CHUNK_BITS))
        return 0;
    if (v->nodes_read)
        same = level < 64 && index < v->level_n[level] &&
               v->level_have[level][index] &&
               !memcmp(v->level_hash[level] + index * HASH_BYTES, hash,
                       MERKLE_HASH);
    else
        same = !tlog_reader_node(v->kept, level, index, kept) &&
               !memcmp(kept, hash, MERKLE_HASH);
    if (!same) {
        v->bad_node_level = level;
        v->bad_node_index = (int64_t)index;
    }
    return 0;
}

/* The key an image names: its key fields joined by '/' (record_key's
 * form), into out; "" when the image names none. */
static void image_key(const struct entity *ent, const char *image, char *out,
                      size_t size)
{
    json_t *o = json_loads(image, 0, NULL);
    size_t n = 0;

    out[0] = '\0';
    for (int i = 0; o && i < ent->n_fields; i++) {
        json_t *val = json_object_get(o, ent->fields[i].name);

        if (!(ent->fields[i].flags & FIELD_KEY))
            continue;
        n += (size_t)snprintf(
            out + n, n < size ? size - n : 0, "%s%s", n ? "/" : "",
            json_is_string(val) ? json_string_value(val) : "");
    }
    json_decref(o);
}

/* 1 when entry seq's stored hash is that of its own content over the
 * stored hash of the entry before it (the entry checked alone, its after
 * image derived as the chain's pass would), else 0. */
static int verifies_alone(struct verifier *v, int64_t seq)
{
    struct sql_stmt *q = NULL;
    struct change_entry c = { 0 };
    struct log_fields f;
    struct record_images *r;
    char prev[HASH_HEX] = "";
    unsigned char chain[HASH_BYTES], leaf[HASH_BYTES];
    int good = 0;

    if (db_prepare(v->st,
                   LOG_SELECT "WHERE c.seq = ?1 OR c.seq = ?1 - 1 "
                              "ORDER BY c.seq",
                   &q, NULL))
        return 0;
    sql_bind_int64(q, 1, seq);
    while (sql_step(q) == SQL_ROW) {
        log_entry_release(&c);
        log_read_entry(q, &c);
        if (c.seq < seq)
            snprintf(prev, sizeof(prev), "%s", c.hash ? c.hash : "");
    }
    sql_finalize(q);
    f = (struct log_fields){ c.seq, c.recorded, c.actor, c.op,    c.entity,
                             c.key, c.before,   c.after, c.reason };
    r = c.seq == seq && c.entity && c.key ? find_record(v, c.entity, c.key)
                                          : NULL;
    for (size_t i = 0; r && !f.after && i < r->n; i++)
        if (r->items[i].seq > seq)
            f.after = r->items[i].before;
    if (c.seq == seq && !f.after && c.op && strcmp(c.op, "delete"))
        row_reader_image(&v->rows, entity_by_name(c.entity), c.key, &f.after,
                         NULL);
    if (c.seq == seq && c.hash && !entry_encode(&f, &v->enc)) {
        entry_hashes(prev, &v->enc, chain, leaf);
        hash_to_hex(chain, prev);
        good = !strcmp(prev, c.hash);
    }
    log_entry_release(&c);
    return good;
}

/* The entry whose before image names the record of c (by the key inside
 * the image) while its own key names another: a key rewritten. 0 if
 * none. */
static int64_t rekeyed_after(struct verifier *v, const struct entity *ent,
                             const struct change_entry *c, char *key,
                             size_t size)
{
    size_t prefix;

    if (!c->entity || !c->key)
        return 0;
    prefix = strlen(c->entity);

    for (size_t i = 0; i < v->n_records; i++) {
        struct record_images *r = &v->records[i];

        if (strncmp(r->id, c->entity, prefix) || r->id[prefix] != '\x1f' ||
            !strcmp(r->id + prefix + 1, c->key))
            continue;
        for (size_t j = 0; j < r->n; j++) {
            if (r->items[j].seq <= c->seq)
                continue;
            image_key(ent, r->items[j].before, key, size);
            if (!strcmp(key, c->key)) {
                snprintf(key, size, "%s", r->id + prefix + 1);
                return r->items[j].seq;
            }
        }
    }
    return 0;
}

/* Entry c's hash does not match, and its after image came from a later
 * entry (from_row < 0: that entry's before image) or from the row. When
 * the later entry is what was rewritten (its before image, or its key),
 * ST_INVALID naming it; else ST_OK, and c is to blame. */
static enum status blame_later(struct verifier *v, const struct entity *ent,
                               const struct change_entry *c, int64_t from_row,
                               struct err *e)
{
    char key[256];
    int64_t later = -from_row;

    if (from_row < 0 && !verifies_alone(v, later)) {
        struct record_images *r = find_record(v, c->entity, c->key);

        image_key(ent, r->items[r->pos].before, key, sizeof(key));
        if (strcmp(key, c->key))
            return err_set(e, ST_INVALID,
                           "change %lld (%s '%s'): its key was rewritten: its "
                           "before image is that of %s '%s'",
                           (long long)later, c->entity, c->key, c->entity, key);
        return err_set(e, ST_INVALID,
                       "change %lld (%s '%s'): its before image was "
                       "rewritten: it is not the after image change %lld "
                       "was hashed with",
                       (long long)later, c->entity, c->key, (long long)c->seq);
    }
    later = rekeyed_after(v, ent, c, key, sizeof(key));
    if (later)
        return err_set(e, ST_INVALID,
                       "change %lld (%s '%s'): its key was rewritten: its "
                       "before image is that of %s '%s'",
                       (long long)later, c->entity, key, c->entity, c->key);
    return ST_OK;
}

static enum status check_entry(struct verifier *v, const struct change_entry *c,
                               int64_t expect_seq, struct err *e)
{
    const struct entity *ent = entity_by_name(c->entity ? c->entity : "");
    struct log_fields f = { c->seq, c->recorded, c->actor, c->op,    c->entity,
                            c->key, c->before,   c->after, c->reason };
    unsigned char digest[HASH_BYTES], leaf[HASH_BYTES];
    int is_delete = c->op && !strcmp(c->op, "delete");
    int64_t from_row = 0; /* 1: the row; -seq: that entry's before image */

    if (c->seq > expect_seq)
        return err_set(e, ST_INVALID,
                       "change %lld: missing: the log goes from change %lld "
                       "to change %lld (entries were deleted)",
                       (long long)expect_seq, (long long)expect_seq - 1,
                       (long long)c->seq);
    if (c->seq != expect_seq)
        return err_set(e, ST_INVALID, "change %lld: expected seq %lld",
                       (long long)c->seq, (long long)expect_seq);
    if (!ent || !c->key || !c->op)
        return err_set(e, ST_INVALID, "change %lld: unknown entity '%s'",
                       (long long)c->seq, c->entity ? c->entity : "");
    if (!c->after && !is_delete &&
        derived_after(v, ent, c, &f.after, &from_row, e))
        return e->status;
    if (v->emit)
        return v->emit(v->emit_ctx, &f, c->hash ? c->hash : "", e);
    if (entry_encode(&f, &v->enc))
        return err_set(e, ST_INVALID, "change %lld: too long",
                       (long long)c->seq);
    if (v->reencode && reencode_entry(v, c, &f, e))
        return e->status;
    entry_hashes(v->prev, &v->enc, digest, leaf);
    hash_to_hex(digest, v->prev);
    if (v->reencode) {
        merkle_frontier_append(&v->tree, leaf, NULL, NULL);
        return ST_OK;
    }
    merkle_frontier_append(&v->tree, leaf, compare_node, v);
    if ((!c->hash || strcmp(v->prev, c->hash)) && from_row &&
        blame_later(v, ent, c, from_row, e))
        return e->status;
    if ((!c->hash || strcmp(v->prev, c->hash)) && from_row < 0)
        return err_set(e, ST_INVALID,
                       "change %lld (%s '%s'): hash does not match its "
                       "content, the chain before it and its after image, "
                       "which change %lld stores as its before image: one of "
                       "them was rewritten",
                       (long long)c->seq, c->entity, c->key,
                       (long long)-from_row);
    if (!c->hash || strcmp(v->prev, c->hash))
        return err_set(e, ST_INVALID,
                       "change %lld (%s '%s'): hash does not match %s",
                       (long long)c->seq, c->entity, c->key,
                       from_row ? "its content, the chain before it and the "
                                  "record's present row: one of them was "
                                  "rewritten"
                                : "its content and the chain before it");
    v->live[ent->kind] += is_delete ? -1 : !strcmp(c->op, "insert");
    return ST_OK;
}

static enum status check_chain(struct verifier *v, int64_t *n_checked,
                               struct err *e)
{
    struct sql_stmt *q;
    enum status rc = ST_OK;
    int step = SQL_DONE;

    if (db_prepare(v->st, LOG_SELECT "WHERE c.seq <= ? ORDER BY c.seq", &q, e))
        return ST_ERROR;
    sql_bind_int64(q, 1, v->upto);
    while (!rc && (step = sql_step(q)) == SQL_ROW) {
        struct change_entry c;

        log_read_entry(q, &c);
        rc = check_entry(v, &c, *n_checked + 1, e);
        if (!rc)
            (*n_checked)++;
        log_entry_release(&c);
    }
    if (!rc && step != SQL_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", v->st->path,
                     db_errmsg(v->st));
    sql_finalize(q);
    return rc;
}

/* Each table holds exactly the rows the log inserted and did not delete. */
static enum status check_counts(struct verifier *v, struct err *e)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        char sql[128];
        struct sql_stmt *q;
        int64_t n = -1;

        snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"",
                 ENTITIES[k]->table);
        if (db_prepare(v->st, sql, &q, e))
            return ST_ERROR;
        if (sql_step(q) == SQL_ROW)
            n = sql_column_int64(q, 0);
        sql_finalize(q);
        if (n != v->live[k])
            return err_set(e, ST_INVALID,
                           "table %s holds %lld rows, but the change log "
                           "accounts for %lld",
                           ENTITIES[k]->table, (long long)n,
                           (long long)v->live[k]);
    }
    return ST_OK;
}

/* The first integer columns of sql's single row into out. */
static enum status count_row(struct store *st, const char *sql, int64_t *out,
                             int n, struct err *e)
{
    struct sql_stmt *q;
    int step;

    if (db_prepare(st, sql, &q, e))
        return ST_ERROR;
    step = sql_step(q);
    for (int i = 0; i < n; i++)
        out[i] = step == SQL_ROW ? sql_column_int64(q, i) : -1;
    sql_finalize(q);
    if (step != SQL_ROW)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

/* The tree the log keeps has the root of the entries' leaves, and no row
 * more: a chunk per TLOG_CHUNK leaves begun, a node per perfect subtree
 * of level TLOG_CHUNK_BITS and up. */
static enum status check_tree(struct verifier *v, struct err *e)
{
    uint64_t size = v->tree.size;
    int64_t nodes, leaves[2], want = 0;

    if (v->bad_node_level >= 0) {
        int level = (int)v->bad_node_level;
        long long first = (long long)v->bad_node_index << level;
        long long width = 1LL << level;

        return err_set(e, ST_INVALID,
                       "the change log's Merkle tree (table %s) does "
                       "not match its entries: node %lld of level %lld "
                       "(entries %lld to %lld)",
                       level ? "tlog_nodes" : "tlog_leaves",
                       (long long)v->bad_node_index,
                       (long long)v->bad_node_level, first + 1, first + width);
    }
    for (int level = TLOG_CHUNK_BITS; level < 64; level++)
        want += (int64_t)(size >> level);
    if (count_row(v->st, "SELECT count(*) FROM tlog_nodes", &nodes, 1, e) ||
        count_row(v->st,
                  "SELECT count(*), coalesce(sum(length(hashes)), 0) "
                  "FROM tlog_leaves",
                  leaves, 2, e))
        return ST_ERROR;
    if (nodes != want)
        return err_set(e, ST_INVALID,
                       "the change log's Merkle tree (table tlog_nodes) "
                       "holds %lld nodes, not those of its %llu entries",
                       (long long)nodes, (unsigned long long)size);
    if (leaves[0] != (int64_t)((size + TLOG_CHUNK - 1) / TLOG_CHUNK) ||
        leaves[1] != (int64_t)size * MERKLE_HASH)
        return err_set(e, ST_INVALID,
                       "the change log's Merkle tree (table tlog_leaves) "
                       "holds %lld leaves in %lld rows, not the %llu of its "
                       "entries",
                       (long long)(leaves[1] / MERKLE_HASH),
                       (long long)leaves[0], (unsigned long long)size);
    return ST_OK;
}

/* A log re-encoded from a broken chain of encoding 1 stays suspect. */
static enum status check_reencoding(struct store *st, struct err *e)
{
    struct sql_stmt *q;
    enum status rc = ST_OK;

    if (db_prepare(st,
                   "SELECT broken_at FROM log_encodings "
                   "WHERE broken_at IS NOT NULL",
                   &q, e))
        return ST_ERROR;
    if (sql_step(q) == SQL_ROW)
        rc = err_set(e, ST_INVALID,
                     "change %lld: hash did not match under encoding 1 when "
                     "the log was re-encoded (schema 6); the entries were "
                     "re-encoded as they stood",
                     (long long)sql_column_int64(q, 0));
    sql_finalize(q);
    return rc;
}

static void verifier_init(struct verifier *v, struct store *st)
{
    memset(v, 0, sizeof(*v));
    v->st = st;
    idmap_init(&v->by_record);
    row_reader_init(&v->rows, st);
    buf_init(&v->enc, BUF_MAX_DEFAULT);
    merkle_frontier_init(&v->tree);
    v->bad_node_level = -1;
    v->kept = xmalloc(sizeof(*v->kept));
    tlog_reader_init(v->kept, st);
    v->upto = INT64_MAX;
}

static void verifier_release(struct verifier *v)
{
    buf_release(&v->enc);
    sql_finalize(v->rehash);
    tlog_reader_release(v->kept);
    free(v->kept);
    for (int l = 0; l < 64; l++) {
        free(v->level_hash[l]);
        free(v->level_have[l]);
    }
    tlog_close(&v->built);
    for (size_t i = 0; i < v->n_records; i++) {
        struct record_images *r = &v->records[i];

        for (size_t j = 0; j < r->n; j++)
            free(r->items[j].before);
        free(r->items);
        free(r->id);
    }
    free(v->records);
    idmap_release(&v->by_record);
    row_reader_release(&v->rows);
}

enum status store_verify(struct store *st, int64_t *n_checked, struct err *e)
{
    struct verifier v;
    enum status rc;

    *n_checked = 0;
    verifier_init(&v, st);
    /* One read transaction: the log and the tables as of one moment. */
    rc = db_begin(st, DB_READ, e);
    if (!rc)
        rc = verify_schema(st, e);
    if (!rc && st->pg) {
        row_reader_whole(&v.rows);
        rc = read_nodes(&v, e);
    }
    if (!rc)
        rc = read_images(&v, e);
    if (!rc)
        rc = check_chain(&v, n_checked, e);
    if (!rc)
        rc = check_counts(&v, e);
    if (!rc)
        rc = check_tree(&v, e);
    if (!rc)
        rc = check_reencoding(st, e);
    db_exec(st, "ROLLBACK", NULL);
    verifier_release(&v);
    return rc;
}

enum status log_reencode(struct store *st, struct err *e)
{
    struct verifier v;
    int64_t n = 0;
    enum status rc;
    struct sql_stmt *q = NULL;

    verifier_init(&v, st);
    v.reencode = 1;
    /* Schema 8's tree: migration 10 packs it. */
    v.built.all_levels = 1;
    rc = db_prepare(st, "UPDATE changes SET hash = ? WHERE seq = ?", &v.rehash,
                    e);
    if (!rc)
        rc = read_images(&v, e);
    if (!rc)
        rc = check_chain(&v, &n, e);
    if (!rc)
        rc = db_prepare(st,
                        "INSERT INTO log_encodings (encoding, head_seq, "
                        "head_hash, broken_at) VALUES (1, ?, ?, ?)",
                        &q, e);
    if (!rc) {
        unsigned char head[HASH_BYTES];

        sql_bind_int64(q, 1, n);
        if (n && !hash_from_hex(v.old_head, head))
            sql_bind_blob(q, 2, head, HASH_BYTES, SQL_TRANSIENT);
        if (v.old_break)
            sql_bind_int64(q, 3, v.old_break);
        rc = db_step_done(st, q, e);
    }
    sql_finalize(q);
    verifier_release(&v);
    return rc;
}

enum status log_walk(struct store *st, int64_t upto,
                     enum status (*emit)(void *ctx, const struct log_fields *f,
                                         const char *hash, struct err *e),
                     void *ctx, struct err *e)
{
    struct verifier v;
    int64_t n = 0;
    enum status rc;

    verifier_init(&v, st);
    v.emit = emit;
    v.emit_ctx = ctx;
    v.upto = upto;
    /* One read transaction: the entries and the rows their last after
     * images come from, as of one moment (on PostgreSQL a plain BEGIN
     * gives each statement its own snapshot). */
    rc = db_begin(st, DB_READ, e);
    if (!rc)
        rc = read_images(&v, e);
    db_test_read_pause();
    if (!rc)
        rc = check_chain(&v, &n, e);
    if (!rc && n != upto)
        rc = err_set(e, ST_ERROR, "the change log has %lld entries, not %lld",
                     (long long)n, (long long)upto);
    db_exec(st, "ROLLBACK", NULL);
    verifier_release(&v);
    return rc;
}
