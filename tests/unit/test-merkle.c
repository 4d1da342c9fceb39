/*
 * Unit tests for base/merkle: the RFC 6962 / RFC 9162 reference vectors of
 * Certificate Transparency (the eight leaves "", 00, 10, 2021, ..., the
 * roots of every prefix, and the published inclusion and consistency
 * proofs; data copied, not code), then every proof of every tree up to 70
 * leaves verified, and mangled proofs refused. A tree that agrees with no
 * other implementation proves nothing to anyone else.
 *
 * With MERKLE_DUMP=FILE and MERKLE_SIZES="N ..." the binary also writes the
 * roots and proofs of those sizes (leaf i is the text "leaf i") for
 * tests/cli/merkle_check.py, an independent implementation, to compare.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above; project headers come last because they
 * pull in base/banned.h. */
#include <cmocka.h>
#include <sodium.h>

#include "base/merkle.h"

#define H MERKLE_HASH

static const char *const VEC_LEAVES[] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

static const char *const VEC_ROOTS[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct vec_proof {
    uint64_t a, b; /* inclusion: leaf, size; consistency: first, second */
    const char *hashes[4];
};

static const struct vec_proof VEC_INCLUSION[] = {
    { 0,
      8,
      { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
    { 5,
      8,
      { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
    { 0, 1, { NULL } },
};

static const struct vec_proof VEC_CONSISTENCY[] = {
    { 2,
      8,
      { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
    { 6,
      8,
      { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
    { 2,
      5,
      { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
    { 1, 1, { NULL } },
};

static void unhex(const char *hex, unsigned char *out, size_t *n)
{
    size_t len = 0;

    if (sodium_hex2bin(out, 64, hex, strlen(hex), NULL, &len, NULL))
        fail_msg("bad hex %s", hex);
    if (n)
        *n = len;
}

static void hex_of(const unsigned char h[H], char out[2 * H + 1])
{
    sodium_bin2hex(out, 2 * H + 1, h, H);
}

/* The tree of n leaves as a list, with the source that reads it. */
struct tree {
    unsigned char (*leaves)[H];
    uint64_t n;
};

static int tree_node(void *ctx, int level, uint64_t index, unsigned char out[H])
{
    const struct tree *t = ctx;
    unsigned char l[H], r[H];

    if (index >= t->n >> level)
        return -1;
    if (!level) {
        memcpy(out, t->leaves[index], H);
        return 0;
    }
    tree_node(ctx, level - 1, 2 * index, l);
    tree_node(ctx, level - 1, 2 * index + 1, r);
    merkle_node_hash(l, r, out);
    return 0;
}

static void vector_tree(struct tree *t)
{
    static unsigned char leaves[8][H];

    for (int i = 0; i < 8; i++) {
        unsigned char data[64];
        size_t n;

        unhex(VEC_LEAVES[i], data, &n);
        merkle_leaf_hash(data, n, leaves[i]);
    }
    t->leaves = leaves;
    t->n = 8;
}

static void test_vector_roots(void **state)
{
    struct tree t;
    struct merkle_frontier f;
    unsigned char root[H];
    char hex[2 * H + 1];

    (void)state;
    vector_tree(&t);
    merkle_frontier_init(&f);
    for (uint64_t n = 0; n <= 8; n++) {
        struct merkle_source src = { tree_node, &t };

        merkle_root((const unsigned char(*)[H])t.leaves, n, root);
        hex_of(root, hex);
        assert_string_equal(hex, VEC_ROOTS[n]);
        merkle_frontier_root(&f, root);
        hex_of(root, hex);
        assert_string_equal(hex, VEC_ROOTS[n]);
        assert_int_equal(merkle_root_from(&src, n, root), 0);
        hex_of(root, hex);
        assert_string_equal(hex, VEC_ROOTS[n]);
        if (n < 8)
            merkle_frontier_append(&f, t.leaves[n], NULL, NULL);
    }
}

static size_t vec_len(const struct vec_proof *v)
{
    size_t n = 0;

    while (n < 4 && v->hashes[n])
        n++;
    return n;
}

static void assert_proof(unsigned char got[][H], size_t n,
                         const struct vec_proof *v)
{
    char hex[2 * H + 1];

    assert_int_equal(n, vec_len(v));
    for (size_t i = 0; i < n; i++) {
        hex_of(got[i], hex);
        assert_string_equal(hex, v->hashes[i]);
    }
}

static void test_vector_proofs(void **state)
{
    struct tree t;
    struct merkle_source src = { tree_node, &t };
    unsigned char proof[MERKLE_PROOF_MAX][H], r1[H], r2[H];
    size_t n;

    (void)state;
    vector_tree(&t);
    for (size_t i = 0; i < sizeof(VEC_INCLUSION) / sizeof(*VEC_INCLUSION);
         i++) {
        const struct vec_proof *v = &VEC_INCLUSION[i];

        assert_int_equal(merkle_inclusion_proof(&src, v->a, v->b, proof, &n),
                         0);
        assert_proof(proof, n, v);
        unhex(VEC_ROOTS[v->b], r1, NULL);
        assert_true(merkle_verify_inclusion(t.leaves[v->a], v->a, v->b,
                                            (const unsigned char(*)[H])proof, n,
                                            r1));
    }
    for (size_t i = 0; i < sizeof(VEC_CONSISTENCY) / sizeof(*VEC_CONSISTENCY);
         i++) {
        const struct vec_proof *v = &VEC_CONSISTENCY[i];

        assert_int_equal(merkle_consistency_proof(&src, v->a, v->b, proof, &n),
                         0);
        assert_proof(proof, n, v);
        unhex(VEC_ROOTS[v->a], r1, NULL);
        unhex(VEC_ROOTS[v->b], r2, NULL);
        assert_true(merkle_verify_consistency(
            v->a, v->b, r1, r2, (const unsigned char(*)[H])proof, n));
    }
}

static void make_tree(struct tree *t, uint64_t n)
{
    t->n = n;
    t->leaves = calloc(n ? n : 1, H);
    for (uint64_t i = 0; i < n; i++) {
        char text[32];

        snprintf(text, sizeof(text), "leaf %llu", (unsigned long long)i);
        merkle_leaf_hash(text, strlen(text), t->leaves[i]);
    }
}

#define MAX_N 70

/* Every inclusion proof of every tree up to MAX_N leaves verifies, and a
 * flipped bit, a wrong index, a shorter or a longer proof does not. (A
 * wrong size may verify: the proof of leaf 0 of 3 leaves is one of 4.) */
static void test_all_inclusion(void **state)
{
    struct tree t;
    struct merkle_source src = { tree_node, &t };
    unsigned char proof[MERKLE_PROOF_MAX + 1][H], root[H];
    size_t n;

    (void)state;
    make_tree(&t, MAX_N);
    for (uint64_t size = 1; size <= MAX_N; size++) {
        merkle_root((const unsigned char(*)[H])t.leaves, size, root);
        for (uint64_t i = 0; i < size; i++) {
            const unsigned char(*p)[H] = (const unsigned char(*)[H])proof;

            assert_int_equal(merkle_inclusion_proof(&src, i, size, proof, &n),
                             0);
            assert_true(
                merkle_verify_inclusion(t.leaves[i], i, size, p, n, root));
            if (size > 1)
                assert_false(merkle_verify_inclusion(
                    t.leaves[i], (i + 1) % size, size, p, n, root));
            if (!n)
                continue;
            assert_false(
                merkle_verify_inclusion(t.leaves[i], i, size, p, n - 1, root));
            memset(proof[n], 0xab, H);
            assert_false(
                merkle_verify_inclusion(t.leaves[i], i, size, p, n + 1, root));
            proof[n - 1][7] ^= 1;
            assert_false(
                merkle_verify_inclusion(t.leaves[i], i, size, p, n, root));
        }
    }
    assert_int_equal(merkle_inclusion_proof(&src, 5, 5, proof, &n), -1);
    free(t.leaves);
}

static void test_all_consistency(void **state)
{
    struct tree t;
    struct merkle_source src = { tree_node, &t };
    unsigned char proof[MERKLE_PROOF_MAX + 1][H], roots[MAX_N + 1][H];
    size_t n;

    (void)state;
    make_tree(&t, MAX_N);
    for (uint64_t size = 0; size <= MAX_N; size++)
        merkle_root((const unsigned char(*)[H])t.leaves, size, roots[size]);
    for (uint64_t b = 0; b <= MAX_N; b++) {
        for (uint64_t a = 0; a <= b; a++) {
            const unsigned char(*p)[H] = (const unsigned char(*)[H])proof;

            assert_int_equal(merkle_consistency_proof(&src, a, b, proof, &n),
                             0);
            assert_true(
                merkle_verify_consistency(a, b, roots[a], roots[b], p, n));
            if (a == b || !a)
                continue;
            /* Unrelated trees: the second root of another tree. */
            assert_false(
                merkle_verify_consistency(a, b, roots[a], roots[b - 1], p, n));
            assert_false(
                merkle_verify_consistency(a, b, roots[a], roots[b], p, n - 1));
            memset(proof[n], 0xcd, H);
            assert_false(
                merkle_verify_consistency(a, b, roots[a], roots[b], p, n + 1));
            proof[0][3] ^= 0x80;
            assert_false(
                merkle_verify_consistency(a, b, roots[a], roots[b], p, n));
        }
    }
    assert_false(merkle_verify_consistency(4, 4, roots[4], roots[5], NULL, 0));
    assert_false(merkle_verify_consistency(5, 4, roots[5], roots[4], NULL, 0));
    assert_int_equal(merkle_consistency_proof(&src, 5, 4, proof, &n), -1);
    free(t.leaves);
}

/* The frontier takes leaves one at a time and reports each completed
 * node: 2n - popcount(n) of them, the leaves included. */
static int count_node(void *ctx, int level, uint64_t index,
                      const unsigned char hash[H])
{
    (void)level;
    (void)index;
    (void)hash;
    ++*(int *)ctx;
    return 0;
}

static void test_frontier(void **state)
{
    struct tree t;
    struct merkle_source src = { tree_node, &t };
    struct merkle_frontier f, g;
    unsigned char r1[H], r2[H];
    int nodes = 0;

    (void)state;
    make_tree(&t, MAX_N);
    merkle_frontier_init(&f);
    for (uint64_t i = 0; i < MAX_N; i++) {
        merkle_frontier_append(&f, t.leaves[i], count_node, &nodes);
        merkle_root((const unsigned char(*)[H])t.leaves, i + 1, r1);
        merkle_frontier_root(&f, r2);
        assert_memory_equal(r1, r2, H);
        assert_int_equal(merkle_frontier_load(&g, i + 1, &src), 0);
        merkle_frontier_root(&g, r2);
        assert_memory_equal(r1, r2, H);
    }
    assert_int_equal(nodes, 2 * MAX_N - __builtin_popcount(MAX_N));
    free(t.leaves);
}

static void dump_proof(FILE *out, const char *what, uint64_t a, uint64_t b,
                       unsigned char proof[][H], size_t n)
{
    char hex[2 * H + 1];

    fprintf(out, "%s %llu %llu", what, (unsigned long long)a,
            (unsigned long long)b);
    for (size_t i = 0; i < n; i++) {
        hex_of(proof[i], hex);
        fprintf(out, " %s", hex);
    }
    fputc('\n', out);
}

/* Roots and proofs of each size in $MERKLE_SIZES into $MERKLE_DUMP. */
static void dump_sizes(const char *file, const char *sizes)
{
    FILE *out = fopen(file, "w");
    char *end;

    if (!out)
        return;
    for (uint64_t size; (size = strtoull(sizes, &end, 10)), end != sizes;
         sizes = end) {
        struct tree t;
        struct merkle_source src = { tree_node, &t };
        unsigned char proof[MERKLE_PROOF_MAX][H], root[H];
        size_t n;

        make_tree(&t, size);
        merkle_frontier_root(&(struct merkle_frontier){ 0 }, root);
        if (merkle_root_from(&src, size, root))
            break;
        dump_proof(out, "root", size, size, &root, 1);
        for (uint64_t i = 0; i < size; i++) {
            merkle_inclusion_proof(&src, i, size, proof, &n);
            dump_proof(out, "inclusion", i, size, proof, n);
        }
        for (uint64_t a = 0; a <= size; a++) {
            merkle_consistency_proof(&src, a, size, proof, &n);
            dump_proof(out, "consistency", a, size, proof, n);
        }
        free(t.leaves);
    }
    fclose(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_roots),
        cmocka_unit_test(test_vector_proofs),
        cmocka_unit_test(test_all_inclusion),
        cmocka_unit_test(test_all_consistency),
        cmocka_unit_test(test_frontier),
    };
    const char *dump = getenv("MERKLE_DUMP");

    if (dump) {
        dump_sizes(dump, getenv("MERKLE_SIZES") ? getenv("MERKLE_SIZES") : "");
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
