/*
 * What the chancery fuzzers share: the reference data (every ISO 3166-1
 * state, the organizations) and a small registry (tests/fuzz/registry/),
 * each read once, and a fresh snapshot per input holding copies of their
 * rows, so that one input never sees what another added. Header-only, so
 * that each fuzz-*.c file builds alone (the Makefile's fuzz rule links each
 * with the library and nothing else). FUZZ_TOP is the source tree.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/interchange.h"
#include "core/refdata.h"

#ifndef FUZZ_TOP
#define FUZZ_TOP "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_die(const char *what, const char *msg)
{
    fprintf(stderr, "fuzz setup: %s: %s\n", what, msg);
    abort();
}

/* Appends a copy of every row of src to dst (strings stay in src). */
static inline void fuzz_copy(struct snapshot *dst, const struct snapshot *src)
{
    struct err e;

    for (int k = 0; k < ENT__COUNT; k++)
        for (uint32_t i = 0; i < snapshot_count(src, k); i++)
            if (snapshot_add(dst, k, snapshot_row(src, k, i), NULL, &e))
                fuzz_die("copy", e.msg);
}

/* Reads file NAME of the source tree's DIR into s; every problem is fatal. */
static inline void fuzz_read(struct snapshot *s, enum entity_kind kind,
                             const char *dir, const char *name)
{
    char path[1024];
    struct problems p;
    struct err e;

    snprintf(path, sizeof(path), "%s/%s/%s", FUZZ_TOP, dir, name);
    problems_init(&p);
    if (interchange_read_file(s, ENTITIES[kind], path, &p, NULL, &e))
        fuzz_die(path, e.msg);
    if (p.n_total)
        fuzz_die(path, p.msgs[0]);
    problems_release(&p);
}

/* The reference data alone, or with the small registry too. */
static inline const struct snapshot *fuzz_base(int with_registry)
{
    static struct snapshot ref, reg;
    static int ready;
    static const char *const files[] = { "missions.csv", "persons.csv",
                                         "postings.csv", "dependents.csv",
                                         "visas.csv",    "consular.csv" };
    static const enum entity_kind kinds[] = { ENT_MISSION, ENT_PERSON,
                                              ENT_POSTING, ENT_DEPENDENT,
                                              ENT_VISA,    ENT_CONSULAR };
    struct err e;

    if (!ready) {
        ready = 1;
        snapshot_init(&ref);
        if (refdata_read_states(&ref, ISO_3166_PATH, &e))
            fuzz_die(ISO_3166_PATH, e.msg);
        fuzz_read(&ref, ENT_ORGANIZATION, "data", "organizations.csv");
        snapshot_init(&reg);
        fuzz_copy(&reg, &ref);
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
            fuzz_read(&reg, kinds[i], "tests/fuzz/registry", files[i]);
    }
    return with_registry ? &reg : &ref;
}

/* A fresh snapshot holding copies of the base's rows, indexed. */
static inline void fuzz_snapshot(struct snapshot *s, int with_registry)
{
    snapshot_init(s);
    fuzz_copy(s, fuzz_base(with_registry));
    snapshot_index(s);
}

#endif
