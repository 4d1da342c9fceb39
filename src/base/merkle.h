/*
 * Merkle trees as RFC 9162 (section 2.1) defines them, for the verifiable
 * change log: a leaf hashes as SHA-256(0x00 || entry), an inner node as
 * SHA-256(0x01 || left || right), and a tree of n leaves splits at the
 * largest power of two below n. Besides the root of a list of leaves it
 * offers the frontier (the roots of the perfect subtrees a tree of n leaves
 * decomposes into), which takes a leaf in O(log n) and gives the root in
 * O(log n), and inclusion and consistency proofs with their verification.
 *
 * The module keeps no tree of its own: proofs ask a merkle_source for the
 * hash of a perfect subtree (level L, index i: leaves i * 2^L to
 * (i + 1) * 2^L - 1), so that the store can keep those nodes in a table and
 * a proof costs O(log n) lookups, and a test can compute them from a list.
 */
#ifndef BASE_MERKLE_H
#define BASE_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH   32
#define MERKLE_LEVELS 64
/* A proof holds at most one hash per level, and a consistency proof one
 * more (the first tree's root). */
#define MERKLE_PROOF_MAX (MERKLE_LEVELS + 1)

void merkle_leaf_hash(const void *entry, size_t n,
                      unsigned char out[MERKLE_HASH]);
void merkle_node_hash(const unsigned char left[MERKLE_HASH],
                      const unsigned char right[MERKLE_HASH],
                      unsigned char out[MERKLE_HASH]);
/* The root of the empty tree: SHA-256 of nothing. */
void merkle_empty_root(unsigned char out[MERKLE_HASH]);

/* The hash of the perfect subtree (level, index) into out; 0, or -1 when
 * the source has none (the tree is smaller, or storage failed). */
struct merkle_source {
    int (*node)(void *ctx, int level, uint64_t index,
                unsigned char out[MERKLE_HASH]);
    void *ctx;
};

/* A tree of size leaves, by the roots of its perfect subtrees: nodes[L]
 * is the root of the subtree of 2^L leaves when bit L of size is set. */
struct merkle_frontier {
    uint64_t size;
    unsigned char nodes[MERKLE_LEVELS][MERKLE_HASH];
};

/* Called for every perfect subtree a leaf completes, the leaf itself
 * first (level 0); 0, or nonzero to report a failure to the caller. */
typedef int merkle_node_fn(void *ctx, int level, uint64_t index,
                           const unsigned char hash[MERKLE_HASH]);

void merkle_frontier_init(struct merkle_frontier *f);
/* The frontier of the tree of size leaves, from src; 0 or -1. */
int merkle_frontier_load(struct merkle_frontier *f, uint64_t size,
                         const struct merkle_source *src);
/* Appends a leaf hash; fn (may be NULL) sees each node completed. 0, or
 * what fn returned. */
int merkle_frontier_append(struct merkle_frontier *f,
                           const unsigned char leaf[MERKLE_HASH],
                           merkle_node_fn *fn, void *ctx);
void merkle_frontier_root(const struct merkle_frontier *f,
                          unsigned char out[MERKLE_HASH]);

/* The root of the tree of the n leaf hashes. */
void merkle_root(const unsigned char (*leaves)[MERKLE_HASH], uint64_t n,
                 unsigned char out[MERKLE_HASH]);
/* The root of the tree of the first size leaves, from src; 0 or -1. */
int merkle_root_from(const struct merkle_source *src, uint64_t size,
                     unsigned char out[MERKLE_HASH]);

/* The inclusion proof of leaf index in the tree of size leaves (RFC 9162
 * 2.1.3.1), into proof; *n its length. 0, or -1 when index >= size or the
 * source failed. */
int merkle_inclusion_proof(const struct merkle_source *src, uint64_t index,
                           uint64_t size, unsigned char proof[][MERKLE_HASH],
                           size_t *n);
/* The consistency proof of the tree of first leaves with that of second
 * (RFC 9162 2.1.4.1; empty when first is 0 or first == second). 0, or -1
 * when first > second or the source failed. */
int merkle_consistency_proof(const struct merkle_source *src, uint64_t first,
                             uint64_t second,
                             unsigned char proof[][MERKLE_HASH], size_t *n);

/* 1 when proof shows leaf is leaf index of the tree of size leaves whose
 * root is root (RFC 9162 2.1.3.2), else 0. */
int merkle_verify_inclusion(const unsigned char leaf[MERKLE_HASH],
                            uint64_t index, uint64_t size,
                            const unsigned char proof[][MERKLE_HASH], size_t n,
                            const unsigned char root[MERKLE_HASH]);
/* 1 when proof shows the tree of second leaves with root second_root
 * extends the tree of first leaves with root first_root (RFC 9162
 * 2.1.4.2), else 0. */
int merkle_verify_consistency(uint64_t first, uint64_t second,
                              const unsigned char first_root[MERKLE_HASH],
                              const unsigned char second_root[MERKLE_HASH],
                              const unsigned char proof[][MERKLE_HASH],
                              size_t n);

#endif
