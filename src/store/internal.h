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
    sqlite3_stmt *set_insert;
    sqlite3_stmt *log_head;
    /* The change log's last seq when the present registry was last loaded
     * or written through this connection; -1 before either. A write whose
     * log head has moved on since was validated against a stale snapshot
     * and is refused. */
    int64_t known_head;
    /* The actor of the writes through this connection that name none
     * (store_set_actor); NULL: the default of store/write.c. */
    char *actor;
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

/* The texts of one record's fields, in descriptor order: what its row
 * holds, NULL when absent. values point into the record, the snapshot or
 * scratch. */
struct record_text {
    const char *values[BIND_MAX_FIELDS];
    int lengths[BIND_MAX_FIELDS]; /* of each value, for binding */
    char scratch[BIND_MAX_FIELDS][FIELD_BUF];
};

/* SQL generated from an entity descriptor, appended to b. */
void sqlgen_create_table(const struct entity *ent, struct buf *b);
void sqlgen_select_key(const struct entity *ent, struct buf *b);
void sqlgen_insert(const struct entity *ent, struct buf *b);
void sqlgen_update(const struct entity *ent, struct buf *b);
void sqlgen_delete(const struct entity *ent, struct buf *b);
void sqlgen_select(const struct entity *ent, struct buf *b);

/* Brings the schema to the newest version. */
enum status schema_migrate(struct store *st, struct err *e);

/* The field texts of rec, a record of s. */
void record_values(const struct snapshot *s, const struct entity *ent,
                   const void *rec, struct record_text *out);

/* The change log's JSON image of a record; the caller frees it. */
char *record_image(const struct snapshot *s, const struct entity *ent,
                   const void *rec);
/* The image of a record whose field texts are values, into b (emptied
 * first); the two below go through it, so that every image of the same
 * record has the same bytes. */
void values_image_to(struct buf *b, const struct entity *ent,
                     const char *const *values);
/* The image of rec into b. */
void record_image_to(struct buf *b, const struct snapshot *s,
                     const struct entity *ent, const void *rec);
/* The image of a table row of ent, q's columns in descriptor order (as
 * sqlgen_select and sqlgen_select_key return them), into b. */
void row_image_to(struct buf *b, const struct entity *ent, sqlite3_stmt *q);

/* The fields of one change-log entry. */
struct log_fields {
    int64_t seq;
    const char *recorded, *actor, *op, *entity, *key, *before, *after, *reason;
};

#define HASH_BYTES 32
#define HASH_HEX   (2 * HASH_BYTES + 1)

/* The hash of an entry in the chain: BLAKE2b-256 over the previous entry's
 * hash ("" for the first entry) and the entry's encoding (store/tlog.h,
 * store/entry.c). */
void change_hash(const char *prev_hex, const struct log_fields *f,
                 unsigned char digest[HASH_BYTES]);
void hash_to_hex(const unsigned char digest[HASH_BYTES], char hex[HASH_HEX]);
/* 0, or -1 when hex is not 64 hex digits. */
int hash_from_hex(const char *hex, unsigned char digest[HASH_BYTES]);

/* A connection's page cache: room for a whole large registry's pages, so
 * that loading one reads each page once. A bulk write keeps a far smaller
 * one while it lasts (store/bulk.c says why). */
#define PAGE_CACHE_PRAGMA      "PRAGMA cache_size = -2097152"
#define BULK_PAGE_CACHE_PRAGMA "PRAGMA cache_size = -65536"

/* How a large change set is written (store/bulk.c): foreign keys checked
 * once per table at the end rather than row by row, and the secondary
 * indexes of the tables it at least doubles dropped and rebuilt. sql holds
 * the pairs of DROP and CREATE. */
struct bulk {
    int on;          /* the change set is large */
    size_t expected; /* changes announced by store_begin */
    int all_tables;  /* it updates or deletes: check every table */
    int touched[ENT__COUNT];
    int decided[ENT__COUNT]; /* whether to rebuild the table's indexes */
    int log_decided;         /* the same for the change log's */
    char **sql;
    size_t n, alloc;
};

/* Before BEGIN: decides whether about `expected` changes are a bulk
 * write, and if so turns per-row foreign key checks off (SQLite allows
 * that only outside a transaction). */
enum status bulk_open(struct store *st, struct bulk *b, size_t expected,
                      struct err *e);
/* Inside the transaction, before n changes are written: notes the tables
 * they touch and drops the indexes worth rebuilding. */
enum status bulk_note(struct store *st, struct bulk *b,
                      const struct change *changes, size_t n, struct err *e);
/* Inside the transaction, before COMMIT: rebuilds the indexes and checks
 * every reference of the tables written; a dangling one is ST_INVALID. */
enum status bulk_end(struct store *st, struct bulk *b, struct err *e);
/* After COMMIT or ROLLBACK: foreign keys back on, memory freed. */
void bulk_close(struct store *st, struct bulk *b);

/* Reading the change log (store/log.c). LOG_SELECT's columns are those
 * log_read_entry reads; a query appends its WHERE and ORDER BY. */
#define LOG_SELECT                                                         \
    "SELECT c.seq, s.recorded, s.actor, c.op, c.entity, c.key, c.before, " \
    "c.after, s.reason, c.hash FROM changes c "                            \
    "JOIN change_sets s ON s.id = c.change_set "
void log_read_entry(sqlite3_stmt *q, struct change_entry *c);
void log_entry_release(struct change_entry *c);

/* Binds a record key as record_key writes it (the fields of a compound key
 * joined by '/') to q's parameters from `first` on. */
void bind_key_text(sqlite3_stmt *q, int first, const struct entity *ent,
                   const char *key);

/* The present rows of the tables, read by key, for the images the log
 * leaves to them. Statements are prepared on first use. */
struct row_reader {
    struct store *st;
    sqlite3_stmt *by_key[ENT__COUNT];
    struct buf image;
};

void row_reader_init(struct row_reader *r, struct store *st);
void row_reader_release(struct row_reader *r);
/* OUT: *image, the image of ent's row under key (borrowed until the next
 * call), or NULL when the table has no such row. */
enum status row_reader_image(struct row_reader *r, const struct entity *ent,
                             const char *key, const char **image,
                             struct err *e);

/* The change log's head: the last seq and hash (0 and "" when empty). */
enum status log_head(struct store *st, int64_t *seq, char hash[HASH_HEX],
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
