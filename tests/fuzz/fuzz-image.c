/*
 * libFuzzer harness for the snapshot image loader (store/cache.c): any
 * bytes given to image_decode must be refused or give a snapshot that
 * every accessor can walk, never a crash, an abort or a huge allocation.
 * The checksums would stop nearly every mutation at the door, so inputs of
 * even size are resealed first (image_seal recomputes the sums) and reach
 * the bounds and value checks behind them; odd sizes test the door. Every
 * other input lies at IMAGE_BASE, where the loader checks the pointers in
 * place, the rest elsewhere, where it relocates them.
 * Built by `make fuzz-image` (clang -fsanitize=fuzzer); the seed corpus in
 * tests/fuzz/image/ holds images of small valid registries (CHIMG006: the
 * reference data of `init`, and it with tests/fuzz/registry/ imported).
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"
#include "store/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Formats every field of every record and looks every key up; reads
 * every mission's postings where the image groups them. */
static void walk(struct snapshot *s)
{
    char buf[256], field[FIELD_BUF];
    const struct posting *t;
    uint32_t sum = 0;

    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];

        for (uint32_t i = 0; i < snapshot_count(s, k); i++) {
            const void *rec = snapshot_row(s, k, i);
            const char *key = record_key(s, ent, rec, buf, sizeof(buf));

            (void)snapshot_find(s, k, key);
            for (int j = 0; j < ent->n_fields; j++)
                (void)field_text(s, &ent->fields[j], rec, field);
        }
    }
    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++)
        MISSION_POSTINGS_FOR_EACH(s, m, ti, t)
        {
            sum += ti + (uint32_t)t->arrived;
        }
    (void)sum;
    snapshot_index(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t room = (size + 63) / 64 * 64 + 64;
    void *copy = NULL, *map = MAP_FAILED;
    struct snapshot s;
    struct image_info info;

    if (size % 4 < 2)
        map = mmap((void *)(uintptr_t)IMAGE_BASE, room, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (map == MAP_FAILED)
        copy = aligned_alloc(64, room);
    else
        copy = map;
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (size % 2 == 0)
        image_seal(copy, size);
    snapshot_init(&s);
    if (!image_decode(copy, size, &s, &info))
        walk(&s);
    snapshot_release(&s);
    if (map != MAP_FAILED)
        munmap(map, room);
    else
        free(copy);
    return 0;
}
