/*
 * The store: the only module that speaks SQL (DESIGN.md, "Architecture").
 * It keeps the registry in an SQLite file, loads it into a snapshot (as it
 * is, or as it was known on a past date), and applies changes: each write is
 * one transaction that updates the tables and appends the change log in the
 * same transaction, hash-chained so that `audit verify` can prove nothing
 * was rewritten.
 *
 * Its SQL stays within what SQLite and PostgreSQL share, and it is generated
 * from the entity descriptors (core/entity.h), so the schema, the
 * statements and the codecs cannot drift apart.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/snapshot.h"

struct store;

#define STORE_OPEN_EXISTING 0
#define STORE_OPEN_CREATE   1

/* Opens the registry at path, creating it when mode is STORE_OPEN_CREATE,
 * and brings its schema up to date. A missing registry under
 * STORE_OPEN_EXISTING is ST_ERROR telling the user to run `chancery init`.
 * OUT: *out, freed with store_close. */
enum status store_open(const char *path, int mode, struct store **out,
                       struct err *e);
void store_close(struct store *st);

/* Makes every commit through st durable before it returns: SQLite's
 * synchronous=FULL, so that the WAL is synced at each commit (the default,
 * NORMAL, survives a crash of the process but not of the machine);
 * PostgreSQL's synchronous_commit on, its default. The server sets it on
 * its writer: a write is acknowledged only once durable. */
enum status store_set_durable(struct store *st, struct err *e);
/* SQLite: commits through st no longer checkpoint the WAL themselves
 * (wal_autocheckpoint off), so that none waits for a checkpoint's copy and
 * sync of the database file; whoever sets it calls store_checkpoint on
 * another connection now and then. Nothing on PostgreSQL. */
enum status store_checkpoint_elsewhere(struct store *st, struct err *e);
/* SQLite: a passive checkpoint (the WAL's committed pages copied into the
 * database, waiting for no reader or writer). Nothing on PostgreSQL. */
enum status store_checkpoint(struct store *st, struct err *e);
/* PostgreSQL: whether st's connection is lost now (its server stopped or
 * failed over); the next statement outside a transaction makes it again
 * (a multi-host URL then finds the new primary). Always 0 on SQLite. */
int store_connection_lost(const struct store *st);
/* How many commits st has asked of its database, whatever came of them:
 * a write that failed with its connection lost and asked for none wrote
 * nothing, and may be run again. */
unsigned long store_commits(const struct store *st);
/* PostgreSQL: 1 when the last commit through st (a change set's or a
 * batch's) lost its connection and the change log could not be read on
 * a connection made again: it may have been written or not, so it must
 * not be written again unasked (store/write.c, commit_lost). */
int store_commit_unknown(const struct store *st);

/* A write waits for another writer (up to STORE_WAIT_MAX_MS) rather than
 * failing; fn(ctx) is called once when such a wait begins, so that the
 * user learns why nothing happens. */
#define STORE_WAIT_MAX_MS (10 * 60 * 1000)
void store_on_wait(struct store *st, void (*fn)(void *ctx), void *ctx);

/* Loads the registry into the empty snapshot out and indexes it. With
 * as_known_on a date (not DATE_NONE), the registry as it was recorded by the
 * end of that day (UTC): later changes are undone inside a transaction that
 * is rolled back, so nothing is written. */
enum status store_load(struct store *st, int32_t as_known_on,
                       struct snapshot *out, struct err *e);

/* How the last store_load went, for CHANCERY_DEBUG_LOAD: "image+N changes"
 * (the image with N changes folded in), "tables" or "tables, as known". */
const char *store_load_source(const struct store *st);

enum change_op { OP_INSERT, OP_UPDATE, OP_DELETE };

/* One write: a record of s inserted, updated (before is a copy of the record
 * as it was) or deleted (index names the record as it was). */
struct change {
    enum change_op op;
    enum entity_kind entity;
    uint32_t index;
    const void *before;
};

struct change_meta {
    const char *actor;  /* who; NULL: store_set_actor's, else the default */
    const char *reason; /* why, recorded with each change; may be NULL */
};

/* Sets the actor recorded by the writes through st whose change_meta
 * names none (copied; NULL or "" restores the default). The default is
 * $CHANCERY_ACTOR, else the login name of the process's user (getpwuid),
 * else "uid N": a write never records an unnamed actor. */
void store_set_actor(struct store *st, const char *actor);
/* The actor a write through st records when its change_meta names none. */
const char *store_actor(const struct store *st);

/* Applies the changes, whose records are in s, in one transaction with
 * their change-log entries; on any failure nothing is written. */
enum status store_apply(struct store *st, const struct snapshot *s,
                        const struct change *changes, size_t n,
                        const struct change_meta *meta, struct err *e);

/* The same in steps, for a writer that produces its changes as it goes
 * (an import writes each file's rows while it reads the next). One change
 * set, one transaction: store_begin takes the write lock (waiting for
 * another writer) and gathers the records changed since s was loaded;
 * expected is about how many changes will come (50,000 or more makes a
 * bulk write, store/bulk.c). store_write appends changes whose records are
 * in s, refusing one that writes or refers to a record changed meanwhile
 * (ST_ERROR, "the registry changed while this command ran"); after an
 * error, only store_abort is left.
 * store_commit and store_abort end the transaction and free t. */
struct store_txn;

enum status store_begin(struct store *st, const struct change_meta *meta,
                        size_t expected, struct store_txn **out, struct err *e);
/* The same for a trusted caller that says when the change set is
 * recorded ("YYYY-MM-DDTHH:MM:SSZ") instead of now: the demo replays its
 * registry on the days the office learned each change. The time may not
 * be before the change log's last (ST_INVALID), so that "as known on" a
 * date stays a suffix of the log to undo (store/load.c). Every command
 * records now, through store_begin. */
enum status store_begin_at(struct store *st, const struct change_meta *meta,
                           const char *recorded, size_t expected,
                           struct store_txn **out, struct err *e);
/* store_apply recorded at a given time, as store_begin_at. */
enum status store_apply_at(struct store *st, const struct snapshot *s,
                           const struct change *changes, size_t n,
                           const struct change_meta *meta, const char *recorded,
                           struct err *e);
/* The change log's last recorded time into out (size bytes; "" when the
 * log is empty): the earliest a caller of store_begin_at may give. */
enum status store_last_recorded(struct store *st, char *out, size_t size,
                                struct err *e);
enum status store_write(struct store_txn *t, const struct snapshot *s,
                        const struct change *changes, size_t n, struct err *e);
enum status store_commit(struct store_txn *t, struct err *e);
void store_abort(struct store_txn *t);

/* A run of change sets in one transaction (store/write.c, "Batches"):
 * between the two calls each store_begin_at .. store_commit is a change
 * set of its own, and store_batch_end commits them all (commit nonzero)
 * or none; after a change set failed, it commits none. On PostgreSQL too
 * one transaction, holding the writers' lock throughout. For a trusted
 * caller writing many small change sets at once (the demo). */
enum status store_batch_begin(struct store *st, struct err *e);
enum status store_batch_end(struct store *st, int commit, struct err *e);
/* After it, a committed batch leaves the snapshot image as it is (the
 * next load folds the batch's changes in, as after a small change set):
 * for a writer committing small batches often (the server's group
 * commit), which would otherwise rewrite the whole image each time. */
void store_batch_leaves_image(struct store *st);
/* Brings the snapshot image up to the change log's head and writes it
 * again, when it lags and can be folded (else the next load reads the
 * tables): for a long-running reader (`serve`'s compaction) that wants
 * its next loads to map the present registry, folding nothing. */
void store_refresh_image(struct store *st);
/* Checks and opens the rest of an image mapped for checking on touch
 * (store/image_lazy.c), off any request's path: for a long-running
 * reader (`serve`'s compactor) whose requests would otherwise each pay
 * for the blocks they touch first (a page's first rendering after start,
 * 151 ms where later ones take 10). */
void store_image_open_rest(void);

/* A change set written on a thread of its own while its records are
 * still being read (store/feed.c): the transaction begins here, on the
 * caller's thread, and the connection belongs to the feed's thread until
 * store_feed_finish. store_feed_insert hands over the records [from, to) of
 * kind in s, to insert; from then on they must not move or change, so the
 * reader may only add records of other kinds. store_feed_failed is 1 once
 * writing has failed, so that the reader can stop early.
 * store_feed_finish waits for the writing, then commits when commit is 1
 * and nothing failed, else rolls back; it frees f. */
struct store_feed;

enum status store_feed_start(struct store *st, const struct snapshot *s,
                             const struct change_meta *meta, size_t expected,
                             struct store_feed **out, struct err *e);
void store_feed_insert(struct store_feed *f, enum entity_kind kind,
                       uint32_t from, uint32_t to);
int store_feed_failed(struct store_feed *f);
/* Waits until every range handed over is written: before the records of
 * a kind handed over may move (its table grows). */
void store_feed_drain(struct store_feed *f);
enum status store_feed_finish(struct store_feed *f, int commit, struct err *e);
/* Before store_feed_finish: when the registry's own log holds only what
 * `init` wrote, the change log in path (an export's changelog.jsonl)
 * replaces it as the import commits (store/adopt.c); *adopted then says
 * 1, else 0 (the import records its own entries). A bad file fails the
 * import (ST_INVALID, naming file, line and field). */
void store_feed_adopt_log(struct store_feed *f, const char *path, int *adopted);

/* Brings s, the present registry as loaded (or followed) at the change
 * log's seq from, to the log's head: the records the change sets since
 * wrote are applied in memory (store/follow.c), no table is read whole.
 * OUT: *head, the seq s now holds. ST_ERROR when the gap cannot be
 * applied (a delete, a renamed record, too many changes): s may then be
 * part-applied and must be loaded again. */
enum status store_follow(struct store *st, int64_t from, struct snapshot *s,
                         int64_t *head, struct err *e);

/* The change log's head when the registry was loaded (-1 before): the
 * next change set a write of this store records is this plus one. */
int64_t store_known_head(const struct store *st);

/* One entry of the change log. Strings are owned by the entry list. */
struct change_entry {
    int64_t seq;
    char *recorded, *actor, *op, *entity, *key, *before, *after, *reason;
    char *hash;
};

struct change_list {
    struct change_entry *items;
    size_t n, alloc;
};

/* The change-log entries of one record, oldest first. OUT: list, released
 * with change_list_release. */
enum status store_history(struct store *st, const char *entity, const char *key,
                          struct change_list *list, struct err *e);
void change_list_release(struct change_list *list);

/* A change set as the auditor's pages list it (store/changeset.c). */
struct change_set_info {
    int64_t id;
    char *recorded, *actor, *reason;
};

struct change_set_list {
    struct change_set_info *items;
    size_t n, alloc;
};

/* The latest limit change sets with an id below before (0: any), newest
 * first. OUT: out, released with change_set_list_release. */
enum status store_change_sets(struct store *st, int64_t before, size_t limit,
                              struct change_set_list *out, struct err *e);
void change_set_list_release(struct change_set_list *l);
/* The first limit entries of change set id, in sequence order. */
enum status store_change_set(struct store *st, int64_t id, size_t limit,
                             struct change_list *list, struct err *e);

/* The change-log entries with a seq in (after, upto], in sequence order,
 * at most limit: what a registry at after lacks of one at upto (a page
 * that keeps what it computed updates it from them). */
enum status store_log_range(struct store *st, int64_t after, int64_t upto,
                            size_t limit, struct change_list *list,
                            struct err *e);

/* A record named by its entity and key ("dependent", "P1/T2"). */
struct record_ref {
    const char *entity;
    const char *key;
};

/* The change-log entries of n records, interleaved in sequence order (a
 * person's history with that of the postings, dependents and visas
 * attached to it). Entries are appended to list (initialised by the
 * caller), each with its entity and key. */
enum status store_history_of(struct store *st, const struct record_ref *refs,
                             size_t n, struct change_list *list, struct err *e);

/* The sequence number of the change log's last entry (as known on
 * as_known_on, DATE_NONE for now): the registry a published list was made
 * from, until signed checkpoints name it. OUT: *seq, 0 for an empty log. */
enum status store_log_head(struct store *st, int32_t as_known_on, int64_t *seq,
                           struct err *e);

/* Recomputes the hash chain of the whole change log. OUT: *n_checked; on a
 * broken link ST_INVALID naming the first entry that does not match. */
enum status store_verify(struct store *st, int64_t *n_checked, struct err *e);
/* After store_verify: 1 when it ran on a PostgreSQL standby, which cannot
 * make the reference schema its check needs (a write); its catalog is
 * the primary's, copied, and `audit verify` there checks it. */
int store_verify_schema_skipped(const struct store *st);

/* Checks the snapshot image against the tables: every record of each,
 * field by field, once the image is brought up to the log's head as a
 * read would. OUT: *n_records compared, or -1 when there is no usable
 * image (none, damaged or from another registry: reads ignore it), or
 * STORE_NO_IMAGES when none is kept (PostgreSQL with no cache folder). A
 * difference is ST_INVALID naming the first record that differs. */
#define STORE_NO_IMAGES (-2)
enum status store_verify_image(struct store *st, int64_t *n_records,
                               struct err *e);

/* The change log as a Merkle tree (store/tlog.c; docs/registry.md, "The
 * verifiable log"): leaf i is entry seq i + 1. Hashes are 32 bytes. */
#define STORE_TREE_HASH 32
/* The tree's size (the log's length) and root now. */
enum status store_tree_head(struct store *st, uint64_t *size,
                            unsigned char root[STORE_TREE_HASH], struct err *e);
/* The root of the tree's first size leaves; ST_NOT_FOUND past its size. */
enum status store_tree_root(struct store *st, uint64_t size,
                            unsigned char root[STORE_TREE_HASH], struct err *e);
/* The root of the tree's first size leaves in base64 (C2SP's encoding, as
 * `audit checkpoint` prints it) into out (at least 48 bytes): the
 * checkpoint a published list names. */
enum status store_tree_root_b64(struct store *st, uint64_t size, char *out,
                                size_t out_size, struct err *e);
/* The leaf hash of entry seq, and its inclusion proof in the tree of size
 * leaves (at most 65 hashes into proof; *n of them). */
enum status store_inclusion_proof(struct store *st, int64_t seq, uint64_t size,
                                  unsigned char leaf[STORE_TREE_HASH],
                                  unsigned char proof[][STORE_TREE_HASH],
                                  size_t *n, struct err *e);
/* The consistency proof of the tree of first leaves with that of second. */
enum status store_consistency_proof(struct store *st, uint64_t first,
                                    uint64_t second,
                                    unsigned char proof[][STORE_TREE_HASH],
                                    size_t *n, struct err *e);

/* The change log in an export (store/export.c; docs/registry.md, "The
 * change log in an export"): one JSON object per entry, in seq order. */
#define STORE_LOG_FILE "changelog.jsonl"
/* Writes entries 1 to upto of the log to path (created or replaced). */
enum status store_export_log(struct store *st, int64_t upto, const char *path,
                             struct err *e);

struct export_summary {
    uint64_t entries; /* of the export's log */
    size_t records;   /* compared with their last images */
};

/* Checks the export in dir without a database: its log must have size
 * entries whose tree has root, and each record its files hold must be
 * the log's last image of it, and every record the log leaves must be in
 * them. ST_INVALID naming the first bad entry ("change N: ..."). */
enum status store_check_export(const char *dir, uint64_t size,
                               const unsigned char root[STORE_TREE_HASH],
                               struct export_summary *out, struct err *e);

#endif
