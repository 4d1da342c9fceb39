/*
 * Unit tests for base/idmap, the hash index behind every lookup by key.
 *
 * Linear probing with backward-shift deletion is easy to get subtly wrong:
 * a removal that leaves a hole in a probe run hides every key after it. So
 * besides the plain cases, the tests build probe runs on purpose (including
 * one that wraps around the end of the table), remove from their middle,
 * and check the table's invariant after every step: between a key's home
 * slot and the slot it sits in there is no empty slot. A long random run of
 * puts and removals is then checked against a plain array.
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

#include "base/idmap.h"

/* Fails unless every key is reachable from its home slot: no empty slot
 * lies between a key's home and where it sits, and count is right. */
static void check_invariant(const struct idmap *m)
{
    size_t n = 0;

    if (!m->slots) {
        assert_int_equal(m->count, 0);
        return;
    }
    for (size_t j = 0; j <= m->mask; j++) {
        if (!m->slots[j].key)
            continue;
        n++;
        for (size_t k = m->slots[j].hash & m->mask; k != j;
             k = (k + 1) & m->mask) {
            if (!m->slots[k].key)
                fail_msg("key '%s' in slot %zu: slot %zu before it is empty",
                         m->slots[j].key, j, k);
        }
    }
    assert_int_equal(n, m->count);
    /* The table stays at most half full. */
    assert_true(2 * m->count <= m->mask + 1);
}

/* The slot key sits in, or SIZE_MAX. */
static size_t slot_of(const struct idmap *m, const char *key)
{
    for (size_t j = 0; m->slots && j <= m->mask; j++) {
        if (m->slots[j].key && !strcmp(m->slots[j].key, key))
            return j;
    }
    return SIZE_MAX;
}

static void test_empty_map(void **state)
{
    struct idmap m;

    (void)state;
    idmap_init(&m);
    assert_int_equal(idmap_get(&m, "M1"), IDMAP_NONE);
    assert_int_equal(idmap_get(&m, ""), IDMAP_NONE);
    idmap_remove(&m, "M1");
    assert_int_equal(m.count, 0);
    idmap_release(&m);
    /* A released map is empty again and usable. */
    assert_int_equal(idmap_get(&m, "M1"), IDMAP_NONE);
    assert_int_equal(idmap_put(&m, "M1", 3), 3);
    assert_int_equal(idmap_get(&m, "M1"), 3);
    idmap_release(&m);
}

static void test_put_get(void **state)
{
    char other[] = "M1";
    struct idmap m;

    (void)state;
    idmap_init(&m);
    assert_int_equal(idmap_put(&m, "M1", 0), 0);
    assert_int_equal(idmap_put(&m, "M2", 7), 7);
    assert_int_equal(idmap_put(&m, "", 9), 9);
    assert_int_equal(m.count, 3);
    assert_int_equal(idmap_get(&m, "M1"), 0);
    assert_int_equal(idmap_get(&m, "M2"), 7);
    assert_int_equal(idmap_get(&m, ""), 9);
    assert_int_equal(idmap_get(&m, "M3"), IDMAP_NONE);
    assert_int_equal(idmap_get(&m, "m1"), IDMAP_NONE);
    assert_int_equal(idmap_get(&m, "M1 "), IDMAP_NONE);

    /* A duplicate returns the value already stored and changes nothing,
     * whether it is the same pointer or an equal string elsewhere. */
    assert_int_equal(idmap_put(&m, "M2", 8), 7);
    assert_int_equal(idmap_put(&m, other, 5), 0);
    assert_int_equal(m.count, 3);
    assert_int_equal(idmap_get(&m, "M2"), 7);
    assert_int_equal(idmap_get(&m, other), 0);
    check_invariant(&m);
    idmap_release(&m);
}

static void test_remove(void **state)
{
    struct idmap m;

    (void)state;
    idmap_init(&m);
    idmap_put(&m, "A", 1);
    idmap_put(&m, "B", 2);
    idmap_remove(&m, "A");
    assert_int_equal(m.count, 1);
    assert_int_equal(idmap_get(&m, "A"), IDMAP_NONE);
    assert_int_equal(idmap_get(&m, "B"), 2);
    /* Removing what is absent is a no-op. */
    idmap_remove(&m, "A");
    idmap_remove(&m, "C");
    assert_int_equal(m.count, 1);
    /* A removed key can come back with a new value. */
    assert_int_equal(idmap_put(&m, "A", 3), 3);
    assert_int_equal(idmap_get(&m, "A"), 3);
    check_invariant(&m);
    idmap_release(&m);
}

/* Keys "c0", "c1", ... with their hashes learnt from the map itself (the
 * hash function is the map's business): each is put alone into a map and
 * found in its slot. */
#define N_CANDIDATES 4000
static char candidates[N_CANDIDATES][8];
static uint32_t candidate_hash[N_CANDIDATES];

static void learn_hashes(void)
{
    for (int i = 0; i < N_CANDIDATES; i++) {
        struct idmap m;

        snprintf(candidates[i], sizeof(candidates[i]), "c%d", i);
        idmap_init(&m);
        idmap_put(&m, candidates[i], (uint32_t)i);
        candidate_hash[i] = m.slots[slot_of(&m, candidates[i])].hash;
        idmap_release(&m);
    }
}

/* Picks n candidates whose home in a table of 16 slots is home, skipping
 * those already used. */
static void pick(int home, int n, const char **out, int *used)
{
    for (int i = 0; i < N_CANDIDATES && n > 0; i++) {
        if (!used[i] && (int)(candidate_hash[i] & 15) == home) {
            used[i] = 1;
            *out++ = candidates[i];
            n--;
        }
    }
    assert_int_equal(n, 0);
}

/* Puts keys[0..n) into a fresh 16-slot map (values are their positions),
 * removes keys[victim], and checks every other key is still found. */
static void remove_from_run(const char *const *keys, int n, int victim,
                            const size_t *want_slots)
{
    struct idmap m;

    idmap_init(&m);
    idmap_reserve(&m, 8);
    assert_int_equal(m.mask, 15);
    for (int i = 0; i < n; i++)
        assert_int_equal(idmap_put(&m, keys[i], (uint32_t)i), (uint32_t)i);
    for (int i = 0; i < n; i++)
        assert_int_equal(slot_of(&m, keys[i]), want_slots[i]);
    check_invariant(&m);
    idmap_remove(&m, keys[victim]);
    check_invariant(&m);
    assert_int_equal(m.count, (size_t)n - 1);
    for (int i = 0; i < n; i++)
        assert_int_equal(idmap_get(&m, keys[i]),
                         i == victim ? IDMAP_NONE : (uint32_t)i);
    idmap_release(&m);
}

static void test_remove_inside_probe_runs(void **state)
{
    static const size_t run_slots[] = { 3, 4, 5, 6, 7, 8 };
    static const size_t wrap_slots[] = { 14, 15, 0, 1, 2, 3 };
    int used[N_CANDIDATES] = { 0 };
    const char *run[6], *wrap[6];

    (void)state;
    learn_hashes();
    /* Slots 3-8: three keys at home 3, one at home 4, one at home 6 and
     * one at home 8, so the run mixes keys that may and may not move. */
    pick(3, 3, run, used);
    pick(4, 1, run + 3, used);
    pick(6, 1, run + 4, used);
    pick(8, 1, run + 5, used);
    for (int victim = 0; victim < 6; victim++)
        remove_from_run(run, 6, victim, run_slots);

    /* A run across the end of the table: homes 14, 14, 15, 0, 0, 3. */
    pick(14, 2, wrap, used);
    pick(15, 1, wrap + 2, used);
    pick(0, 2, wrap + 3, used);
    pick(3, 1, wrap + 5, used);
    for (int victim = 0; victim < 6; victim++)
        remove_from_run(wrap, 6, victim, wrap_slots);
}

static void test_reserve(void **state)
{
    static char keys[1000][8];
    struct idmap_slot *slots;
    struct idmap m;

    (void)state;
    idmap_init(&m);
    idmap_put(&m, "before", 42);
    idmap_reserve(&m, 1000);
    assert_true(m.mask + 1 >= 2000);
    assert_int_equal((m.mask + 1) & m.mask, 0); /* a power of two */
    assert_int_equal(idmap_get(&m, "before"), 42);
    slots = m.slots;
    for (int i = 0; i < 999; i++) {
        snprintf(keys[i], sizeof(keys[i]), "k%d", i);
        idmap_put(&m, keys[i], (uint32_t)i);
    }
    /* Loading the reserved number of keys never rehashed. */
    assert_ptr_equal(m.slots, slots);
    assert_int_equal(m.count, 1000);
    /* Reserving less than the table holds does not shrink it. */
    idmap_reserve(&m, 10);
    assert_ptr_equal(m.slots, slots);
    for (int i = 0; i < 999; i++)
        assert_int_equal(idmap_get(&m, keys[i]), (uint32_t)i);
    check_invariant(&m);
    idmap_release(&m);
}

/* A fixed linear congruential generator: rand() is banned, and the test
 * must be the same on every run. */
static uint32_t next_random(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*seed >> 33);
}

static void check_all(const struct idmap *m, char (*keys)[12],
                      const uint32_t *ref, int n)
{
    size_t present = 0;

    for (int i = 0; i < n; i++) {
        if (idmap_get(m, keys[i]) != ref[i])
            fail_msg("key '%s': map says %u, reference %u", keys[i],
                     (unsigned)idmap_get(m, keys[i]), (unsigned)ref[i]);
        present += ref[i] != IDMAP_NONE;
    }
    assert_int_equal(m->count, present);
    check_invariant(m);
}

static void test_random_against_reference(void **state)
{
    enum { N_KEYS = 5000, N_OPS = 200000 };
    static char keys[N_KEYS][12];
    static uint32_t ref[N_KEYS];
    uint64_t seed = 20211204;
    struct idmap m;

    (void)state;
    idmap_init(&m);
    for (int i = 0; i < N_KEYS; i++) {
        snprintf(keys[i], sizeof(keys[i]), "P%d", i);
        ref[i] = IDMAP_NONE;
    }
    /* Fill everything first, so removals happen in a dense table. */
    for (int i = 0; i < N_KEYS; i++)
        ref[i] = idmap_put(&m, keys[i], (uint32_t)i * 3);
    check_all(&m, keys, ref, N_KEYS);
    for (int op = 0; op < N_OPS; op++) {
        int k = (int)(next_random(&seed) % N_KEYS);
        uint32_t v = next_random(&seed) % 1000000;

        if (next_random(&seed) % 3) {
            idmap_remove(&m, keys[k]);
            ref[k] = IDMAP_NONE;
        } else {
            uint32_t want = ref[k] == IDMAP_NONE ? v : ref[k];

            assert_int_equal(idmap_put(&m, keys[k], v), want);
            ref[k] = want;
        }
        if (op % 20000 == 0)
            check_all(&m, keys, ref, N_KEYS);
    }
    check_all(&m, keys, ref, N_KEYS);
    /* Remove the rest in random order, checking as the table empties. */
    for (int left = N_KEYS; left > 0; left--) {
        int k = (int)(next_random(&seed) % N_KEYS);

        idmap_remove(&m, keys[k]);
        ref[k] = IDMAP_NONE;
        if (left % 500 == 0)
            check_all(&m, keys, ref, N_KEYS);
    }
    for (int i = 0; i < N_KEYS; i++) {
        idmap_remove(&m, keys[i]);
        ref[i] = IDMAP_NONE;
    }
    check_all(&m, keys, ref, N_KEYS);
    assert_int_equal(m.count, 0);
    idmap_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_map),
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_remove_inside_probe_runs),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_random_against_reference),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
