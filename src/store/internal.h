/*
 * What the store's files share and nothing outside store/ sees: the
 * connection, the statements prepared once per entity, and small SQL
 * helpers that turn SQLite's result codes into enum status.
 */
#ifndef STORE_INTERNAL_H
#define STORE_INTERNAL_H

#include <sqlite3.h>

#include "base/buf.h"
#include "store/store.h"

struct entity_statements {
    sqlite3_stmt *insert; /* every field, in descriptor order */
    sqlite3_stmt *update; /* every field, then the key fields */
    sqlite3_stmt *delete; /* the key fields */
    sqlite3_stmt *select; /* every field, in insertion order */
};

struct store {
    sqlite3 *db;
    char *path;
    struct entity_statements stmts[ENT__COUNT];
    sqlite3_stmt *log_insert;
    sqlite3_stmt *log_head;
};

/* Runs sql (no results); ST_ERROR with SQLite's message on failure. */
enum status db_exec(struct store *st, const char *sql, struct err *e);
/* Prepares sql; ST_ERROR with SQLite's message on failure. */
enum status db_prepare(struct store *st, const char *sql, sqlite3_stmt **out,
                       struct err *e);
/* Steps a statement that returns no row and resets it. */
enum status db_step_done(struct store *st, sqlite3_stmt *stmt, struct err *e);
/* Binds text (NULL when absent) to parameter i, copied by SQLite. */
void db_bind_text(sqlite3_stmt *stmt, int i, const char *text);
/* The same without the copy: text must stay valid until the statement has
 * been stepped and reset (the write path's hot loop saves a malloc per
 * value this way). */
void db_bind_static(sqlite3_stmt *stmt, int i, const char *text);

#define BIND_MAX_FIELDS 32

/* Room for the formatted values of one record while its statement runs. */
struct bind_scratch {
    char text[BIND_MAX_FIELDS][FIELD_BUF];
};

/* SQL generated from an entity descriptor, appended to b. */
void sqlgen_create_table(const struct entity *ent, struct buf *b);
void sqlgen_insert(const struct entity *ent, struct buf *b);
void sqlgen_update(const struct entity *ent, struct buf *b);
void sqlgen_delete(const struct entity *ent, struct buf *b);
void sqlgen_select(const struct entity *ent, struct buf *b);

/* Brings the schema to the newest version. */
enum status schema_migrate(struct store *st, struct err *e);

/* Binds the fields of rec (a record of s) to stmt's first parameters. */
void bind_record(sqlite3_stmt *stmt, const struct snapshot *s,
                 const struct entity *ent, const void *rec,
                 struct bind_scratch *scratch);
/* Binds the key fields of rec to stmt from parameter `first` on. */
void bind_key(sqlite3_stmt *stmt, int first, const struct snapshot *s,
              const struct entity *ent, const void *rec,
              struct bind_scratch *scratch);

/* The change log's JSON image of a record; the caller frees it. */
char *record_image(const struct snapshot *s, const struct entity *ent,
                   const void *rec);

/* The fields of one change-log entry. */
struct log_fields {
    int64_t seq;
    const char *recorded, *actor, *op, *entity, *key, *before, *after, *reason;
};

/* The hash of an entry: BLAKE2b-256 over the previous entry's hash, then
 * the seq and each field, each preceded by 0x1F; an absent field is a lone
 * 0x1E. OUT: hex, 64 hex digits and a NUL. */
void change_hash(const char *prev, const struct log_fields *f, char hex[65]);

/* The secondary indexes a large change set drops inside its transaction
 * and recreates before COMMIT (store/bulk.c): pairs of DROP and CREATE. */
struct bulk {
    char **sql;
    size_t n, alloc;
};

void bulk_init(struct bulk *b);
void bulk_release(struct bulk *b);
/* Drops the secondary indexes when n_changes is large; else nothing. */
enum status bulk_begin(struct store *st, struct bulk *b, size_t n_changes,
                       struct err *e);
/* Recreates what bulk_begin dropped. */
enum status bulk_end(struct store *st, struct bulk *b, struct err *e);

/* The change log's head: the last seq and hash (0 and "" when empty). */
enum status log_head(struct store *st, int64_t *seq, char hash[65],
                     struct err *e);

/* The snapshot cache (store/cache.c): a binary image of the last snapshot
 * loaded from the tables, tagged with the change log's head. cache_load
 * fills the empty snapshot s and sets *hit when the file matches tag and
 * passes every check; otherwise s is left empty. cache_save writes it. */
void cache_load(struct store *st, const char *tag, struct snapshot *s,
                int *hit);
void cache_save(struct store *st, const char *tag, const struct snapshot *s);
/* 1 when a registry of n records should keep a cache file. */
int cache_wanted(size_t n_records);

#endif
