/*
 * The verifiable log's costs on a registry (bench-tlog DB): a checkpoint
 * (the tree's head: its frontier read and folded), an inclusion proof of
 * entries spread over the log, and a consistency proof from half the log,
 * each the median of many runs, the database opened once. Issue 16 asks
 * at most 10 ms for a checkpoint and 1 ms for an inclusion proof on
 * 10,000,000 entries; both grow with log n, so a smaller registry shows
 * where they stand.
 */
#include <stdio.h>

#include "store/store.h"
#include "timing.h"

#define RUNS 201

int main(int argc, char **argv)
{
    unsigned char root[STORE_TREE_HASH], leaf[STORE_TREE_HASH];
    unsigned char proof[66][STORE_TREE_HASH];
    double t[RUNS];
    struct store *st;
    struct err e;
    uint64_t size;
    size_t n;

    if (argc != 2) {
        fprintf(stderr, "usage: bench-tlog DB\n");
        return 2;
    }
    if (store_open(argv[1], STORE_OPEN_EXISTING, &st, &e) ||
        store_tree_head(st, &size, root, &e)) {
        fprintf(stderr, "bench-tlog: %s\n", e.msg);
        return 1;
    }
    for (int i = 0; i < RUNS; i++) {
        double start = now_ms();

        store_tree_head(st, &size, root, &e);
        t[i] = now_ms() - start;
    }
    printf("tlog: %llu entries: checkpoint %.3f ms", (unsigned long long)size,
           median(t, RUNS));
    for (int i = 0; i < RUNS; i++) {
        int64_t seq = 1 + (int64_t)((size - 1) * (uint64_t)i / (RUNS - 1));
        double start = now_ms();

        if (store_inclusion_proof(st, seq, size, leaf, proof, &n, &e)) {
            fprintf(stderr, "bench-tlog: %s\n", e.msg);
            return 1;
        }
        t[i] = now_ms() - start;
    }
    printf(", inclusion proof %.3f ms (%zu hashes)", median(t, RUNS), n);
    for (int i = 0; i < RUNS; i++) {
        double start = now_ms();

        store_consistency_proof(st, size / 2 + (uint64_t)i, size, proof, &n,
                                &e);
        t[i] = now_ms() - start;
    }
    printf(", consistency proof %.3f ms (median of %d runs)\n", median(t, RUNS),
           RUNS);
    store_close(st);
    return 0;
}
