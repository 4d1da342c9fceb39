/*
 * libFuzzer harness for the snapshot image loader (store/cache.c): any
 * bytes given to image_decode must be refused or give a snapshot that
 * every accessor can walk, never a crash, an abort or a huge allocation.
 * The checksums would stop nearly every mutation at the door, so inputs of
 * even size are resealed first (image_seal recomputes the sums) and reach
 * the bounds and value checks behind them; odd sizes test the door.
 * Built by `make fuzz-image` (clang -fsanitize=fuzzer); the seed corpus in
 * tests/fuzz/image/ holds images of small valid registries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"
#include "store/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Formats every field of every record and looks every key up. */
static void walk(struct snapshot *s)
{
    char buf[256], field[FIELD_BUF];

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
    snapshot_index(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t room = (size + 63) / 64 * 64 + 64;
    void *copy = aligned_alloc(64, room);
    struct snapshot s;
    struct image_info info;

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (size % 2 == 0)
        image_seal(copy, size);
    snapshot_init(&s);
    if (!image_decode(copy, size, &s, &info))
        walk(&s);
    snapshot_release(&s);
    free(copy);
    return 0;
}
