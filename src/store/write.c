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

void change_hash(const char *prev, const struct log_fields *f, char hex[65])
{
    const char *parts[] = { f->recorded, f->actor,  f->op,    f->entity,
                            f->key,      f->before, f->after, f->reason };
    unsigned char digest[32];
    crypto_generichash_state h;
    char seq[24];

    snprintf(seq, sizeof(seq), "%lld", (long long)f->seq);
    crypto_generichash_init(&h, NULL, 0, sizeof(digest));
    crypto_generichash_update(&h, (const unsigned char *)prev, strlen(prev));
    crypto_generichash_update(&h, (const unsigned char *)"\x1f", 1);
    crypto_generichash_update(&h, (const unsigned char *)seq, strlen(seq));
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const char *p = parts[i] ? parts[i] : "\x1e";

        crypto_generichash_update(&h, (const unsigned char *)"\x1f", 1);
        crypto_generichash_update(&h, (const unsigned char *)p, strlen(p));
    }
    crypto_generichash_final(&h, digest, sizeof(digest));
    sodium_bin2hex(hex, 65, digest, sizeof(digest));
}

enum status log_head(struct store *st, int64_t *seq, char hash[65],
                     struct err *e)
{
    int rc = sqlite3_step(st->log_head);

    *seq = 0;
    hash[0] = '\0';
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st->log_head, 0);
        snprintf(hash, 65, "%s",
                 (const char *)sqlite3_column_text(st->log_head, 1));
    }
    sqlite3_reset(st->log_head);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       sqlite3_errmsg(st->db));
    return ST_OK;
}

static enum status log_append(struct store *st, struct log_fields *f,
                              char prev[65], struct err *e)
{
    sqlite3_stmt *q = st->log_insert;
    char hash[65];

    change_hash(prev, f, hash);
    sqlite3_bind_int64(q, 1, f->seq);
    db_bind_static(q, 2, f->recorded);
    db_bind_static(q, 3, f->actor);
    db_bind_static(q, 4, f->op);
    db_bind_static(q, 5, f->entity);
    db_bind_static(q, 6, f->key);
    db_bind_static(q, 7, f->before);
    db_bind_static(q, 8, f->after);
    db_bind_static(q, 9, f->reason);
    db_bind_static(q, 10, hash);
    memcpy(prev, hash, 65);
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
                             const struct change *c, struct log_fields *f,
                             char prev[65], struct err *e)
{
    const struct entity *ent = ENTITIES[c->entity];
    const void *rec = snapshot_row(s, c->entity, c->index);
    char key[256];
    char *before = NULL, *after = NULL;
    enum status rc;

    f->seq++;
    f->op = OP_NAMES[c->op];
    f->entity = ent->name;
    f->key = record_key(s, ent, rec, key, sizeof(key));
    if (c->op == OP_UPDATE)
        before = record_image(s, ent, c->before);
    else if (c->op == OP_DELETE)
        before = record_image(s, ent, rec);
    if (c->op != OP_DELETE)
        after = record_image(s, ent, rec);
    f->before = before;
    f->after = after;
    rc = write_row(st, s, c, e);
    if (rc)
        err_prefix(e, "%s '%s'", ent->name, f->key);
    else
        rc = log_append(st, f, prev, e);
    free(before);
    free(after);
    return rc;
}

static const char *default_actor(void)
{
    const char *actor = getenv("CHANCERY_ACTOR");

    if (!actor || !*actor)
        actor = getenv("USER");
    return actor && *actor ? actor : "unknown";
}

enum status store_apply(struct store *st, const struct snapshot *s,
                        const struct change *changes, size_t n,
                        const struct change_meta *meta, struct err *e)
{
    char recorded[TIMESTAMP_BUF], prev[65];
    struct log_fields f = { 0 };
    enum status rc = ST_OK;
    struct bulk bulk;

    if (clock_timestamp(recorded, e) || db_exec(st, "BEGIN IMMEDIATE", e))
        return e->status;
    f.recorded = recorded;
    f.actor = meta && meta->actor ? meta->actor : default_actor();
    f.reason = meta ? meta->reason : NULL;
    bulk_init(&bulk);
    rc = log_head(st, &f.seq, prev, e);
    if (!rc)
        rc = bulk_begin(st, &bulk, n, e);
    for (size_t i = 0; i < n && !rc; i++)
        rc = apply_one(st, s, &changes[i], &f, prev, e);
    if (!rc)
        rc = bulk_end(st, &bulk, e);
    if (!rc)
        rc = db_exec(st, "COMMIT", e);
    if (rc)
        db_exec(st, "ROLLBACK", NULL);
    bulk_release(&bulk);
    return rc;
}
