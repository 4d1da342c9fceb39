/*
 * What the store's files share and nothing outside store/ sees: the
 * connection, the statements prepared once per entity, and small SQL
 * helpers that turn SQLite's result codes into enum status.
 */
#ifndef STORE_INTERNAL_H
#define STORE_INTERNAL_H

#include <sqlite3.h>

#include "base/buf.h"
#include "base/idmap.h"
#include "store/sql.h"
#include "store/store.h"

struct entity_statements {
    struct sql_stmt *insert; /* every field, in descriptor order */
    struct sql_stmt *update; /* every field, then the key fields */
    /* The same where the key stays: parameters numbered as update's, the
     * key columns not set (store/sqlgen.c says why). */
    struct sql_stmt *update_in_place;
    struct sql_stmt *delete; /* the key fields */
    struct sql_stmt *select; /* every field, in insertion order */
};

struct pg_conn;

struct store {
    sqlite3 *db;        /* the SQLite backend's connection, or */
    struct pg_conn *pg; /* PostgreSQL's (store/sql_pg.c) */
    char *path;
    struct entity_statements stmts[ENT__COUNT];
    struct sql_stmt *log_insert;
    struct sql_stmt *set_insert;
    struct sql_stmt *log_head;
    /* The change log's last seq when the present registry was last loaded
     * or written through this connection; -1 before either. When the log
     * head has moved on since, a write is refused if it touches a record
     * changed in between (store/write.c, "Conflicts"). */
    int64_t known_head;
    /* The actor of the writes through this connection that name none
     * (store_set_actor); NULL: the default of store/write.c. */
    char *actor;
    /* How the last load went (store_load_source). */
    char load_source[64];
    /* Inside store_batch_begin/end: change sets share one transaction
     * (store/write.c, "Batches"); 1, or 2 once one of them failed. */
    int batch;
    int batch_leaves_image; /* store_batch_leaves_image */
    char batch_hash[65];    /* HASH_HEX: the batch's last entry's, or "" */
    /* PostgreSQL: the last COMMIT that lost its connection may have
     * committed; the change log could not tell (store_commit_unknown). */
    int commit_unknown;
    /* Told once per wait when another writer holds the registry. */
    void (*on_wait)(void *ctx);
    void *on_wait_ctx;
    int64_t waited_ms;
    /* PostgreSQL: inside a write transaction (db_begin), whose commit
     * notifies the watches (store/watch.h); the one attached, if any. */
    int pg_writing;
    struct store_watch *watch;
    int watch_pid; /* the backend whose notifications it ignores (db.c) */
    /* PostgreSQL: the snapshot image's file in the cache folder, NULL
     * when none is kept, and whether the server is a standby
     * (store/pg_image.c). */
    char *image_file;
    int pg_standby;
    int pg_image_readonly; /* the cache folder cannot be written */
    /* store_verify found a standby and left the schema to the primary. */
    int schema_unchecked;
};

/* The statements of entity kind, prepared at their first use; NULL on
 * failure (e set). */
const struct entity_statements *db_entity_stmts(struct store *st, int kind,
                                                struct err *e);
/* Prepares the change log's statements (log_insert, set_insert, log_head)
 * unless they are. */
enum status db_log_stmts(struct store *st, struct err *e);
/* Whether path names a PostgreSQL database (postgresql://...). */
int db_is_pg_url(const char *path);
/* The backend's message for the last failure on st. */
const char *db_errmsg(struct store *st);
/* Whether the last failure on st was a constraint's. */
int db_is_constraint(struct store *st);
/* Tells the watches of st's database (store/watch.h) that a write
 * outside a write transaction (a session's) has committed; nothing on
 * SQLite. */
void db_notify(struct store *st);
/* The rows the last statement run on st changed. */
long db_changes(struct store *st);
void db_sleep_ms(int ms);
/* A test's hook, in a read transaction after its first read (the log's
 * head or entries) and before the rows': with CHANCERY_TEST_READ_PAUSE=
 * FILE, a read that finds FILE takes it (renames it FILE.held: one read
 * pauses per FILE made) and waits while FILE.held exists, 60 s at most,
 * so that a test can commit a change set between the two reads. */
void db_test_read_pause(void);

/* The text of a statement that differs between the backends. */
#define DB_DIALECT(st, sqlite, postgresql) ((st)->pg ? (postgresql) : (sqlite))

/* A transaction that reads (one consistent state of the registry) or
 * writes (after every other writer: SQLite's BEGIN IMMEDIATE, a
 * PostgreSQL advisory lock held to the end of the transaction). */
enum db_txn { DB_READ, DB_WRITE };
enum status db_begin(struct store *st, enum db_txn kind, struct err *e);
/* Inside a write transaction, about to write a change set of about
 * expected changes: on PostgreSQL, a large one goes by COPY. */
enum status db_batch(struct store *st, size_t expected, struct err *e);

/* Runs sql (no results); ST_ERROR with SQLite's message on failure. */
enum status db_exec(struct store *st, const char *sql, struct err *e);
/* Prepares sql; ST_ERROR with SQLite's message on failure. */
enum status db_prepare(struct store *st, const char *sql, struct sql_stmt **out,
                       struct err *e);
/* Steps a statement that returns no row and resets it. */
enum status db_step_done(struct store *st, struct sql_stmt *stmt,
                         struct err *e);
/* Binds text (NULL when absent) to parameter i, copied by SQLite. */
void db_bind_text(struct sql_stmt *stmt, int i, const char *text);
/* The same without the copy: text must stay valid until the statement has
 * been stepped and reset (the write path's hot loop saves a malloc per
 * value this way). */
void db_bind_static(struct sql_stmt *stmt, int i, const char *text);

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
/* Adds column f (one flagged FIELD_ADDED) to ent's table. */
void sqlgen_add_column(const struct entity *ent, const struct field *f,
                       struct buf *b);
void sqlgen_select_key(const struct entity *ent, struct buf *b);
void sqlgen_insert(const struct entity *ent, struct buf *b);
/* One INSERT of rows rows (a bulk set's, store/write.c). */
void sqlgen_insert_rows(const struct entity *ent, int rows, struct buf *b);
void sqlgen_update(const struct entity *ent, struct buf *b);
void sqlgen_update_in_place(const struct entity *ent, struct buf *b);
void sqlgen_delete(const struct entity *ent, struct buf *b);
void sqlgen_select(const struct entity *ent, struct buf *b);

/* The same select in insertion order, for PostgreSQL (its tables keep an
 * identity column "_row" for it). */
void sqlgen_select_pg(const struct entity *ent, struct buf *b);
/* ent's table for PostgreSQL at the newest schema (every field). */
void sqlgen_create_table_pg(const struct entity *ent, struct buf *b);

/* Brings the schema to the newest version. */
enum status schema_migrate(struct store *st, struct err *e);

/* audit verify: the schema is exactly what the migrations create
 * (store/verify_schema.c); else the first difference into e. */
enum status verify_schema(struct store *st, struct err *e);
/* Creates the newest schema in a PostgreSQL database's current schema,
 * inside the caller's transaction. */
enum status schema_create_pg(struct store *st, struct err *e);
/* The same on PostgreSQL; with create, makes the schema when the database
 * has none, else a database without one is an error naming `init`. */
enum status schema_migrate_pg(struct store *st, int create, struct err *e);

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
void row_image_to(struct buf *b, const struct entity *ent, struct sql_stmt *q);

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
/* Inside the transaction, before COMMIT: rebuilds the indexes and, unless
 * the set only inserts records validated against the registry the
 * transaction holds (current), checks every reference of the tables
 * written; a dangling one is ST_INVALID. */
enum status bulk_end(struct store *st, struct bulk *b, int current,
                     struct err *e);
/* After COMMIT or ROLLBACK: foreign keys back on, memory freed. */
void bulk_close(struct store *st, struct bulk *b);

/* Inside a write transaction whose change set started after own_head:
 * when the log up to own_head holds only init's entries, replaces the
 * whole log with the one in path, whose records must be s's
 * (store/adopt.c). OUT: *adopted; when 1, *seq and prev the new head. */
enum status log_adopt(struct store *st, const struct snapshot *s,
                      int64_t own_head, const char *path, int64_t *seq,
                      char prev[HASH_HEX], int *adopted, struct err *e);
/* The same for a change set being written (store/write.c). */
/* Says that s, from which the set's records come, was loaded from the
 * registry at the head the transaction began on, before any of them was
 * added: the records it held then need no reference check (store/write.c,
 * ref_guard). */
void txn_loaded(struct store_txn *t, const struct snapshot *s);
enum status txn_adopt_log(struct store_txn *t, const struct snapshot *s,
                          const char *path, int *adopted, struct err *e);

/* Reading the change log (store/log.c). LOG_SELECT's columns are those
 * log_read_entry reads; a query appends its WHERE and ORDER BY. */
#define LOG_SELECT                                                         \
    "SELECT c.seq, s.recorded, s.actor, c.op, c.entity, c.key, c.before, " \
    "c.after, s.reason, c.hash FROM changes c "                            \
    "JOIN change_sets s ON s.id = c.change_set "
void log_read_entry(struct sql_stmt *q, struct change_entry *c);
/* Appends every row of q (a LOG_SELECT, bound) to list, then finalizes
 * q. */
enum status log_read_list(struct store *st, struct sql_stmt *q,
                          struct change_list *list, struct err *e);
void log_entry_release(struct change_entry *c);

/* Binds a record key as record_key writes it (the fields of a compound key
 * joined by '/') to q's parameters from `first` on. */
void bind_key_text(struct sql_stmt *q, int first, const struct entity *ent,
                   const char *key);

/* The present rows of the tables, read by key, for the images the log
 * leaves to them. Statements are prepared on first use. */
struct row_reader {
    struct store *st;
    struct sql_stmt *by_key[ENT__COUNT];
    struct buf image;
    /* Whole tables (row_reader_whole): each read once, its images by key,
     * for a reader that wants nearly every row (audit verify) over a
     * backend where a lookup is a round trip (PostgreSQL). */
    int whole;
    int read[ENT__COUNT];
    struct idmap keys[ENT__COUNT];
    char **images[ENT__COUNT];
    size_t n_images[ENT__COUNT], alloc_images[ENT__COUNT];
};

void row_reader_init(struct row_reader *r, struct store *st);
/* Makes r read whole tables (above) from now on. */
void row_reader_whole(struct row_reader *r);
void row_reader_release(struct row_reader *r);
/* OUT: *image, the image of ent's row under key (borrowed until the next
 * call), or NULL when the table has no such row. */
enum status row_reader_image(struct row_reader *r, const struct entity *ent,
                             const char *key, const char **image,
                             struct err *e);

/* The change log's head: the last seq and hash (0 and "" when empty). */
enum status log_head(struct store *st, int64_t *seq, char hash[HASH_HEX],
                     struct err *e);

/* The snapshot image (store/cache.c): a binary image of a snapshot,
 * tagged with the change log's head it holds, kept as PATH.snapshot. */
struct image_info {
    int64_t seq;         /* the log's last seq the image holds */
    char hash[HASH_HEX]; /* that entry's hash; "" for an empty log */
};

/* Where an image asks to be mapped. Its string pointers are written as
 * they are when it lies there, so that a load that gets this address (the
 * usual case: it is far from where the system places anything) uses the
 * rows and slots exactly as they are, writing nothing; elsewhere they are
 * relocated in place. */
#define IMAGE_BASE UINT64_C(0x300000000000)

/* 0 when images are kept (CHANCERY_SNAPSHOT_CACHE=never turns them off). */
int cache_wanted(void);
/* Whether st keeps an image, when cache_wanted: an SQLite registry's
 * PATH.snapshot; a PostgreSQL registry's in this machine's cache folder,
 * when it has one (store/pg_image.c). */
#define images_kept(st) \
    (((st)->pg ? (st)->image_file != NULL : 1) && cache_wanted())
/* PostgreSQL, at open: names st's image file in the cache folder
 * (image_file), or leaves it NULL when no image can be kept. */
void pg_image_locate(struct store *st);
/* Whether a load from the tables at the log's head seq may replace the
 * image there: not when the cache folder cannot be written, nor on a
 * standby whose image is ahead of it (its primary's readers wrote it, and
 * would only write it again). */
int pg_image_keep(struct store *st, int64_t seq);
/* A new file, of a unique name beside path, for an image about to be
 * written there (the caller owns the name; NULL when none can be made).
 * PostgreSQL's cache first sweeps its folder: our temporary files older
 * than a day and images unused for 30 days go (store/pg_image.c). */
char *image_tmp_name(struct store *st, const char *path);
/* 0 when images are not to be read (=never, or =rebuild: a process started
 * again after a damaged block reads the tables and writes a new image). */
int cache_readable(void);
/* Said by the store when it begins a write transaction: from then on a
 * damaged block of a mapped image stops the process instead of starting
 * it again (which would repeat the write). */
void cache_writing(void);
/* Maps PATH.snapshot and fills the empty snapshot s from it in place,
 * its derived indexes included; 0 and *info on success, else 1 with s
 * left empty. A large image is checked block by block as it is touched
 * (store/image_lazy.c). */
int cache_load(struct store *st, struct snapshot *s, struct image_info *info);
/* The head the image names in its header, when the header is sound; 0
 * and *info, else 1. */
int cache_head(struct store *st, struct image_info *info);
/* Writes s (indexed first if need be) as the image of the log head (seq,
 * hash); a failure to write leaves no image, never a partial one. */
void cache_save(struct store *st, int64_t seq, const char *hash,
                struct snapshot *s);
/* cache_save in two steps, so that a writer can make the image of the head
 * it is about to commit while it commits (store/write.c): the image
 * written beside the registry under a name of its own (NULL when it could
 * not be written), then put in place (keep 1) or removed; frees tmp.
 * cache_save_tmp reads no more of st than its path. */
char *cache_save_tmp(struct store *st, int64_t seq, const char *hash,
                     struct snapshot *s);
void cache_publish(struct store *st, char *tmp, int keep);
/* The checks and decoding of a whole image of size bytes at data
 * (writable, 64-byte aligned), for cache_load and the fuzzer: every block's
 * checksum, then every value; 0 when sound, the rows and indexes of s then
 * lying in data. */
int image_decode(void *data, size_t size, struct snapshot *s,
                 struct image_info *info);
/* Recomputes the checksums of an image (for the fuzzer, so that it reaches
 * the checks behind them). */
void image_seal(void *data, size_t size);
uint64_t image_sum(const void *data, size_t n);

/* Loading (store/load.c), inside a read transaction. load_tables reads
 * the tables into the empty snapshot s (and indexes it); load_image maps
 * the image and folds in the change sets it lacks up to the log's head
 * (seq, hash): 0 on success with *changes folded, else 1 with s empty. */
enum status load_tables(struct store *st, struct snapshot *s, struct err *e);
int load_image(struct store *st, int64_t seq, const char *hash,
               struct snapshot *s, int64_t *changes);
/* After a large change set commits (IMAGE_REWRITE_CHANGES entries or
 * more): the image brought up to the log's head and written again, when it
 * can be folded (else the next read does it from the tables), so that
 * reads after a large import start from a current image. A read rewrites
 * the image after a fold of as many changes, or of a sixteenth of the
 * registry. Below that, folding costs a read less than rewriting an image
 * of a large registry (at a million postings, 16,384 changes fold in about
 * 0.1 s; a rewrite takes seconds and twice the image's memory). */
#define IMAGE_REWRITE_CHANGES 16384
void image_refresh(struct store *st);

#endif
