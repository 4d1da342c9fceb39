/*
 * The verifiable log's store side (store/entry.c, store/tlog.c): the
 * injective encoding of a change-log entry, which is both the input of the
 * hash chain and the leaf of the Merkle tree, and the tree itself, kept as
 * change sets commit so that a checkpoint or a proof costs O(log n)
 * lookups: the leaf hashes packed TLOG_CHUNK to a row (table tlog_leaves)
 * and the nodes of level TLOG_CHUNK_BITS and up (table tlog_nodes); a node
 * below that level is recomputed from its chunk's leaves when asked for.
 */
#ifndef STORE_TLOG_H
#define STORE_TLOG_H

#include "base/buf.h"
#include "base/merkle.h"
#include "store/internal.h"

/* The encoding of entries written since schema 6 (the leaf of the tree):
 *   0x02                                 the encoding's version
 *   seq                                  8 bytes, big-endian
 *   recorded, actor, op, entity, key, before, after, reason, each
 *     0x00                               absent (NULL)
 *     0x01, length (4 bytes, big-endian), the UTF-8 bytes
 * Every field is length-prefixed, so no two entries encode alike, and an
 * absent field differs from every string, the empty one included. */
#define ENTRY_ENCODING 2

/* The encoding of f into b (emptied first); ST_INVALID when too long. */
enum status entry_encode(const struct log_fields *f, struct buf *b);
/* The chain hash (BLAKE2b-256 over the previous hash's 32 bytes, none for
 * the first entry, then the encoding) and the leaf hash (RFC 9162:
 * SHA-256(0x00 || encoding)) of an encoded entry. */
void entry_hashes(const char *prev_hex, const struct buf *enc,
                  unsigned char chain[HASH_BYTES],
                  unsigned char leaf[HASH_BYTES]);
/* entry_hashes with the previous hash in bytes (NULL: none), as a writer
 * keeps it from one entry to the next. */
void entry_hashes_raw(const unsigned char *prev, const struct buf *enc,
                      unsigned char chain[HASH_BYTES],
                      unsigned char leaf[HASH_BYTES]);
/* The chain hash of encoding 1 (before schema 6): BLAKE2b-256 over the
 * previous hash in hex, then the seq and each field, each preceded by
 * 0x1F, an absent field a lone 0x1E. Not injective; kept to check the old
 * chain once, when migration 6 re-encodes it. */
void change_hash_v1(const char *prev_hex, const struct log_fields *f,
                    unsigned char digest[HASH_BYTES]);

/* The leaves a row of tlog_leaves packs (2^TLOG_CHUNK_BITS): chunk c holds
 * the hashes of leaves c * TLOG_CHUNK to c * TLOG_CHUNK + TLOG_CHUNK - 1,
 * 32 bytes each, the last chunk only those the tree has. tlog_nodes keeps
 * the levels TLOG_CHUNK_BITS and up (schema 10; before it, every level). */
#define TLOG_CHUNK_BITS     5
#define TLOG_CHUNK_BITS_SQL "5"
#define TLOG_CHUNK          (1 << TLOG_CHUNK_BITS)
#define TLOG_CHUNK_BYTES    "1024" /* TLOG_CHUNK * 32, for SQL */

/* A node source over the two tables that keeps the last chunk it read, so
 * that the low nodes of a proof or a frontier cost one row. */
struct tlog_reader {
    struct store *st;
    struct sql_stmt *node, *chunk;
    int64_t at; /* the chunk held, -1 for none */
    size_t n;   /* its leaves */
    unsigned char leaves[TLOG_CHUNK][MERKLE_HASH];
};

void tlog_reader_init(struct tlog_reader *r, struct store *st);
/* A merkle_source node function (ctx: a struct tlog_reader). */
int tlog_reader_node(void *ctx, int level, uint64_t index,
                     unsigned char out[MERKLE_HASH]);
void tlog_reader_release(struct tlog_reader *r);

/* The tree a change set appends to: its frontier, loaded on the first
 * append, the chunk of leaves being filled and the statements that store
 * chunks and nodes. all_levels (migration 8, before schema 10) stores
 * every node in tlog_nodes instead. */
struct tlog {
    struct merkle_frontier f;
    struct sql_stmt *insert, *chunk_insert, *chunk_update;
    int loaded;
    int all_levels;
    int chunk_stored; /* the chunk being filled has its row already */
    uint64_t chunk;   /* the chunk being filled */
    size_t n;         /* its leaves, in leaves */
    unsigned char leaves[TLOG_CHUNK][MERKLE_HASH];
};

/* Appends the leaf of entry seq (leaf seq - 1), storing each node it
 * completes and each chunk it fills. */
enum status tlog_append(struct store *st, struct tlog *t, int64_t seq,
                        const unsigned char leaf[HASH_BYTES], struct err *e);
/* Stores the chunk being filled: before the change set's COMMIT. */
enum status tlog_flush(struct store *st, struct tlog *t, struct err *e);
void tlog_close(struct tlog *t);

/* Migration 10: the leaves of tlog_nodes (level 0) packed into
 * tlog_leaves, and the levels below TLOG_CHUNK_BITS dropped. */
enum status tlog_pack(struct store *st, struct err *e);

/* Re-encodes the whole change log (migration 6): each entry's hash
 * recomputed in encoding 2 and its leaf added to the tree, after checking
 * the chain of encoding 1, whose head and verdict log_encodings keeps
 * (store/verify.c). Inside the migration's transaction. */
enum status log_reencode(struct store *st, struct err *e);

/* Hands each entry of seqs 1 to upto to emit, in seq order, with the
 * fields its encoding covers (an after image the log leaves to the next
 * entry or the row derived, as `audit verify` derives it) and its stored
 * hash in hex; nothing is checked (store/export.c). One read transaction.
 * Stops at emit's first failure. */
enum status log_walk(struct store *st, int64_t upto,
                     enum status (*emit)(void *ctx, const struct log_fields *f,
                                         const char *hash, struct err *e),
                     void *ctx, struct err *e);

#endif
