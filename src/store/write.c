/*
 * Applying changes. One transaction holds the rows written and their
 * change-log entries; an error anywhere rolls all of it back. Each entry's
 * hash is BLAKE2b (libsodium) over the previous entry's hash and this
 * entry's fields, so rewriting any past entry breaks every later link.
 */
#include <sodium.h>

#include "base/clock.h"
#include "store/internal.h"

static const char *const OP_NAMES[] = { "insert", "update", "delete" };

void change_hash(const char *prev_hex, const struct log_fields *f,
                 unsigned char digest[HASH_BYTES])
{
    const char *parts[] = { f->recorded, f->actor,  f->op,    f->entity,
                            f->key,      f->before, f->after, f->reason };
    crypto_generichash_state h;
    char seq[24];

    snprintf(seq, sizeof(seq), "%lld", (long long)f->seq);
    crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
    crypto_generichash_update(&h, (const unsigned char *)prev_hex,
                              strlen(prev_hex));
    crypto_generichash_update(&h, (const unsigned char *)"\x1f", 1);
    crypto_generichash_update(&h, (const unsigned char *)seq, strlen(seq));
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const char *p = parts[i] ? parts[i] : "\x1e";

        crypto_generichash_update(&h, (const unsigned char *)"\x1f", 1);
        crypto_generichash_update(&h, (const unsigned char *)p, strlen(p));
    }
    crypto_generichash_final(&h, digest, HASH_BYTES);
}

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
    int rc = sqlite3_step(st->log_head);

    *seq = 0;
    hash[0] = '\0';
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st->log_head, 0);
        if (sqlite3_column_bytes(st->log_head, 1) == HASH_BYTES)
            hash_to_hex(sqlite3_column_blob(st->log_head, 1), hash);
    }
    sqlite3_reset(st->log_head);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       sqlite3_errmsg(st->db));
    return ST_OK;
}

/* What stays the same across one store_apply: the change set, the chain's
 * last hash, and room for the images of the entry being written. */
struct log_writer {
    struct log_fields f;
    int64_t set_id;
    char prev[HASH_HEX];
    struct buf before, after;
};

static enum status add_change_set(struct store *st, struct log_writer *w,
                                  struct err *e)
{
    sqlite3_stmt *q = st->set_insert;

    w->set_id = w->f.seq + 1;
    sqlite3_bind_int64(q, 1, w->set_id);
    db_bind_static(q, 2, w->f.recorded);
    db_bind_static(q, 3, w->f.actor);
    db_bind_static(q, 4, w->f.reason);
    return db_step_done(st, q, e);
}

/* Appends the entry in w->f. Its after image is hashed but not stored: the
 * next entry of the same record holds it as its before image, or the table
 * holds it as the record's row (store/log.c derives it back). */
static enum status log_append(struct store *st, struct log_writer *w,
                              struct err *e)
{
    sqlite3_stmt *q = st->log_insert;
    unsigned char digest[HASH_BYTES];

    change_hash(w->prev, &w->f, digest);
    hash_to_hex(digest, w->prev);
    sqlite3_bind_int64(q, 1, w->f.seq);
    sqlite3_bind_int64(q, 2, w->set_id);
    db_bind_static(q, 3, w->f.op);
    db_bind_static(q, 4, w->f.entity);
    db_bind_static(q, 5, w->f.key);
    db_bind_static(q, 6, w->f.before);
    sqlite3_bind_blob(q, 7, digest, HASH_BYTES, SQLITE_STATIC);
    return db_step_done(st, q, e);
}

/* Runs the entity statement of one change. */
static enum status write_row(struct store *st, const struct snapshot *s,
                             const struct change *c, struct err *e)
{
    const struct entity *ent = ENTITIES[c->entity];
    const struct entity_statements *q = &st->stmts[c->entity];
    const void *rec = snapshot_row(s, c->entity, c->index);
    struct bind_scratch values, key;
    enum status rc;

    switch (c->op) {
    case OP_INSERT:
        bind_record(q->insert, s, ent, rec, &values);
        rc = db_step_done(st, q->insert, e);
        break;
    case OP_UPDATE:
        bind_record(q->update, s, ent, rec, &values);
        bind_key(q->update, ent->n_fields + 1, s, ent, c->before, &key);
        rc = db_step_done(st, q->update, e);
        break;
    default:
        bind_key(q->delete, 1, s, ent, rec, &key);
        rc = db_step_done(st, q->delete, e);
        break;
    }
    if (rc && sqlite3_errcode(st->db) == SQLITE_CONSTRAINT)
        rc = e->status = ST_INVALID;
    return rc;
}

static enum status apply_one(struct store *st, const struct snapshot *s,
                             const struct change *c, struct log_writer *w,
                             struct err *e)
{
    const struct entity *ent = ENTITIES[c->entity];
    const void *rec = snapshot_row(s, c->entity, c->index);
    char key[256];
    enum status rc;

    w->f.seq++;
    w->f.op = OP_NAMES[c->op];
    w->f.entity = ent->name;
    w->f.key = record_key(s, ent, rec, key, sizeof(key));
    w->f.before = w->f.after = NULL;
    if (c->op != OP_INSERT) {
        record_image_to(&w->before, s, ent, c->op == OP_UPDATE ? c->before : rec);
        w->f.before = w->before.data;
    }
    if (c->op != OP_DELETE) {
        record_image_to(&w->after, s, ent, rec);
        w->f.after = w->after.data;
    }
    rc = write_row(st, s, c, e);
    if (rc)
        err_prefix(e, "%s '%s'", ent->name, w->f.key);
    else
        rc = log_append(st, w, e);
    return rc;
}

static const char *default_actor(void)
{
    const char *actor = getenv("CHANCERY_ACTOR");

    if (!actor || !*actor)
        actor = getenv("USER");
    return actor && *actor ? actor : "unknown";
}

/* A write validated against a snapshot older than the log's head would
 * undo what was recorded in between without knowing it. */
static enum status check_not_stale(const struct store *st, int64_t head,
                                   struct err *e)
{
    if (st->known_head >= 0 && head != st->known_head)
        return err_set(e, ST_ERROR,
                       "the registry changed while this command ran (change "
                       "%lld was recorded meanwhile); nothing was written: "
                       "run the command again",
                       (long long)head);
    return ST_OK;
}

/* The body of store_apply, inside its transaction. */
static enum status apply_all(struct store *st, const struct snapshot *s,
                             const struct change *changes, size_t n,
                             struct log_writer *w, struct bulk *bulk,
                             struct err *e)
{
    enum status rc = log_head(st, &w->f.seq, w->prev, e);

    if (!rc)
        rc = check_not_stale(st, w->f.seq, e);
    if (!rc && n)
        rc = add_change_set(st, w, e);
    if (!rc)
        rc = bulk_begin(st, bulk, e);
    for (size_t i = 0; i < n && !rc; i++)
        rc = apply_one(st, s, &changes[i], w, e);
    if (!rc)
        rc = bulk_end(st, bulk, e);
    return rc;
}

enum status store_apply(struct store *st, const struct snapshot *s,
                        const struct change *changes, size_t n,
                        const struct change_meta *meta, struct err *e)
{
    char recorded[TIMESTAMP_BUF];
    struct log_writer w = { 0 };
    struct bulk bulk;
    enum status rc;

    if (clock_timestamp(recorded, e))
        return e->status;
    w.f.recorded = recorded;
    w.f.actor = meta && meta->actor ? meta->actor : default_actor();
    w.f.reason = meta ? meta->reason : NULL;
    buf_init(&w.before, BUF_MAX_DEFAULT);
    buf_init(&w.after, BUF_MAX_DEFAULT);
    rc = bulk_open(st, &bulk, changes, n, e);
    if (!rc && !(rc = db_exec(st, "BEGIN IMMEDIATE", e))) {
        rc = apply_all(st, s, changes, n, &w, &bulk, e);
        if (!rc)
            rc = db_exec(st, "COMMIT", e);
        if (rc)
            db_exec(st, "ROLLBACK", NULL);
        else
            st->known_head = w.f.seq;
    }
    bulk_close(st, &bulk);
    buf_release(&w.before);
    buf_release(&w.after);
    return rc;
}
