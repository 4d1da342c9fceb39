/*
 * Merkle trees of RFC 9162, section 2.1 (base/merkle.h). The proofs follow
 * the RFC's recursive definitions (PATH and SUBPROOF) over ranges of leaves;
 * every range they meet starts at a multiple of a power of two at least its
 * length, so its root folds the few perfect subtrees its length's bits
 * name, and each of those is one lookup in the source. The verifiers are
 * the RFC's iterative algorithms, which need no tree at all.
 *
 * SHA-256 is Nettle's: it uses the processor's SHA instructions where
 * there are any (a fat build picks them at run time), where libsodium's
 * is portable C. An import hashes a leaf and about one inner node per
 * change, and on the 1M-posting world Nettle's took those from about 400
 * to about 100 ns each (65 bytes). libsodium stays for the comparisons
 * in constant time, the signatures and everything else.
 */
#include "base/merkle.h"

#include <nettle/sha2.h>
#include <sodium.h>

#include "base/status.h"

void merkle_leaf_hash(const void *entry, size_t n,
                      unsigned char out[MERKLE_HASH])
{
    static const unsigned char prefix = 0x00;
    struct sha256_ctx h;

    sha256_init(&h);
    sha256_update(&h, 1, &prefix);
    sha256_update(&h, n, entry);
    sha256_digest(&h, MERKLE_HASH, out);
}

void merkle_node_hash(const unsigned char left[MERKLE_HASH],
                      const unsigned char right[MERKLE_HASH],
                      unsigned char out[MERKLE_HASH])
{
    unsigned char in[1 + 2 * MERKLE_HASH];
    struct sha256_ctx h;

    in[0] = 0x01;
    memcpy(in + 1, left, MERKLE_HASH);
    memcpy(in + 1 + MERKLE_HASH, right, MERKLE_HASH);
    sha256_init(&h);
    sha256_update(&h, sizeof(in), in);
    sha256_digest(&h, MERKLE_HASH, out);
}

void merkle_empty_root(unsigned char out[MERKLE_HASH])
{
    struct sha256_ctx h;

    sha256_init(&h);
    sha256_digest(&h, MERKLE_HASH, out);
}

/* The largest power of two below n, for n >= 2: the RFC's split. */
static uint64_t split_of(uint64_t n)
{
    return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

void merkle_frontier_init(struct merkle_frontier *f)
{
    f->size = 0;
}

int merkle_frontier_load(struct merkle_frontier *f, uint64_t size,
                         const struct merkle_source *src)
{
    uint64_t offset = 0;

    f->size = size;
    for (int level = MERKLE_LEVELS - 1; level >= 0; level--) {
        if (!(size >> level & 1))
            continue;
        if (src->node(src->ctx, level, offset >> level, f->nodes[level]))
            return -1;
        offset += (uint64_t)1 << level;
    }
    return 0;
}

int merkle_frontier_append(struct merkle_frontier *f,
                           const unsigned char leaf[MERKLE_HASH],
                           merkle_node_fn *fn, void *ctx)
{
    unsigned char h[MERKLE_HASH];
    uint64_t index = f->size;
    int level = 0, rc;

    memcpy(h, leaf, MERKLE_HASH);
    if (fn && (rc = fn(ctx, 0, index, h)))
        return rc;
    /* Each set low bit of the old size is a subtree the new one closes. */
    while (f->size >> level & 1) {
        merkle_node_hash(f->nodes[level], h, h);
        level++;
        index >>= 1;
        if (fn && (rc = fn(ctx, level, index, h)))
            return rc;
    }
    memcpy(f->nodes[level], h, MERKLE_HASH);
    f->size++;
    return 0;
}

void merkle_frontier_root(const struct merkle_frontier *f,
                          unsigned char out[MERKLE_HASH])
{
    int level = 0, any = 0;

    /* The smallest subtree is the rightmost: fold right to left. */
    for (; level < MERKLE_LEVELS; level++) {
        if (!(f->size >> level & 1))
            continue;
        if (any)
            merkle_node_hash(f->nodes[level], out, out);
        else
            memcpy(out, f->nodes[level], MERKLE_HASH);
        any = 1;
    }
    if (!any)
        merkle_empty_root(out);
}

/* The root of the n leaves from start, start a multiple of a power of two
 * at least n. */
static int range_root(const struct merkle_source *src, uint64_t start,
                      uint64_t n, unsigned char out[MERKLE_HASH])
{
    struct merkle_frontier f;

    if (!n) {
        merkle_empty_root(out);
        return 0;
    }
    /* A frontier loaded as if the range began at 0, but looked up at its
     * real place. */
    f.size = n;
    for (int level = MERKLE_LEVELS - 1; level >= 0; level--) {
        if (!(n >> level & 1))
            continue;
        if (src->node(src->ctx, level, start >> level, f.nodes[level]))
            return -1;
        start += (uint64_t)1 << level;
    }
    merkle_frontier_root(&f, out);
    return 0;
}

int merkle_root_from(const struct merkle_source *src, uint64_t size,
                     unsigned char out[MERKLE_HASH])
{
    return range_root(src, 0, size, out);
}

/* The leaves as a source: each perfect subtree computed from them. */
struct leaf_list {
    const unsigned char (*leaves)[MERKLE_HASH];
    uint64_t n;
};

static int list_node(void *ctx, int level, uint64_t index,
                     unsigned char out[MERKLE_HASH])
{
    const struct leaf_list *l = ctx;
    unsigned char left[MERKLE_HASH], right[MERKLE_HASH];

    if (level >= MERKLE_LEVELS || index >= l->n >> level)
        return -1;
    if (!level) {
        memcpy(out, l->leaves[index], MERKLE_HASH);
        return 0;
    }
    list_node(ctx, level - 1, 2 * index, left);
    list_node(ctx, level - 1, 2 * index + 1, right);
    merkle_node_hash(left, right, out);
    return 0;
}

void merkle_root(const unsigned char (*leaves)[MERKLE_HASH], uint64_t n,
                 unsigned char out[MERKLE_HASH])
{
    struct leaf_list l = { leaves, n };
    struct merkle_source src = { list_node, &l };

    if (range_root(&src, 0, n, out))
        BUG("merkle_root of %llu leaves", (unsigned long long)n);
}

struct proof {
    unsigned char (*hashes)[MERKLE_HASH];
    size_t n;
};

static int add_range(const struct merkle_source *src, struct proof *p,
                     uint64_t start, uint64_t n)
{
    if (p->n >= MERKLE_PROOF_MAX)
        return -1;
    return range_root(src, start, n, p->hashes[p->n++]);
}

/* PATH(m, D[start:start + n]) of RFC 9162 2.1.3.1. */
static int path(const struct merkle_source *src, struct proof *p, uint64_t m,
                uint64_t start, uint64_t n)
{
    uint64_t k;

    if (n <= 1)
        return 0;
    k = split_of(n);
    if (m < k)
        return path(src, p, m, start, k) || add_range(src, p, start + k, n - k);
    return path(src, p, m - k, start + k, n - k) || add_range(src, p, start, k);
}

int merkle_inclusion_proof(const struct merkle_source *src, uint64_t index,
                           uint64_t size, unsigned char proof[][MERKLE_HASH],
                           size_t *n)
{
    struct proof p = { proof, 0 };
    int rc;

    *n = 0;
    if (index >= size)
        return -1;
    rc = path(src, &p, index, 0, size);
    *n = p.n;
    return rc;
}

/* SUBPROOF(m, D[start:start + n], b) of RFC 9162 2.1.4.1. */
static int subproof(const struct merkle_source *src, struct proof *p,
                    uint64_t m, uint64_t start, uint64_t n, int b)
{
    uint64_t k;

    if (m == n)
        return b ? 0 : add_range(src, p, start, n);
    k = split_of(n);
    if (m <= k)
        return subproof(src, p, m, start, k, b) ||
               add_range(src, p, start + k, n - k);
    return subproof(src, p, m - k, start + k, n - k, 0) ||
           add_range(src, p, start, k);
}

int merkle_consistency_proof(const struct merkle_source *src, uint64_t first,
                             uint64_t second,
                             unsigned char proof[][MERKLE_HASH], size_t *n)
{
    struct proof p = { proof, 0 };
    int rc;

    *n = 0;
    if (first > second)
        return -1;
    if (!first || first == second)
        return 0;
    rc = subproof(src, &p, first, 0, second, 1);
    *n = p.n;
    return rc;
}

int merkle_verify_inclusion(const unsigned char leaf[MERKLE_HASH],
                            uint64_t index, uint64_t size,
                            const unsigned char proof[][MERKLE_HASH], size_t n,
                            const unsigned char root[MERKLE_HASH])
{
    unsigned char r[MERKLE_HASH];
    uint64_t fn = index, sn;

    if (index >= size)
        return 0;
    sn = size - 1;
    memcpy(r, leaf, MERKLE_HASH);
    for (size_t i = 0; i < n; i++) {
        if (!sn)
            return 0;
        if (fn & 1 || fn == sn) {
            merkle_node_hash(proof[i], r, r);
            while (!(fn & 1) && fn) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            merkle_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return !sn && !sodium_memcmp(r, root, MERKLE_HASH);
}

int merkle_verify_consistency(uint64_t first, uint64_t second,
                              const unsigned char first_root[MERKLE_HASH],
                              const unsigned char second_root[MERKLE_HASH],
                              const unsigned char proof[][MERKLE_HASH],
                              size_t n)
{
    unsigned char fr[MERKLE_HASH], sr[MERKLE_HASH];
    uint64_t fn, sn;
    size_t i = 0;

    if (first > second)
        return 0;
    if (first == second)
        return !n && !sodium_memcmp(first_root, second_root, MERKLE_HASH);
    if (!first)
        return !n;
    if (!n)
        return 0;
    fn = first - 1;
    sn = second - 1;
    /* A first tree that is a perfect subtree is its own first hash. */
    if (!(first & (first - 1))) {
        memcpy(fr, first_root, MERKLE_HASH);
    } else {
        memcpy(fr, proof[i++], MERKLE_HASH);
    }
    memcpy(sr, fr, MERKLE_HASH);
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < n; i++) {
        if (!sn)
            return 0;
        if (fn & 1 || fn == sn) {
            merkle_node_hash(proof[i], fr, fr);
            merkle_node_hash(proof[i], sr, sr);
            while (!(fn & 1) && fn) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            merkle_node_hash(sr, proof[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return !sn && !sodium_memcmp(fr, first_root, MERKLE_HASH) &&
           !sodium_memcmp(sr, second_root, MERKLE_HASH);
}
