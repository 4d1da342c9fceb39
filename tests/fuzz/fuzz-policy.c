/*
 * Fuzzes the policy reader: the input is a policy file (one policy object
 * or an array of them), read against the small registry of
 * tests/fuzz/registry/. Whatever is accepted is checked the way a stored
 * policy is used: its body parses again, and pretty-prints.
 */
#include <string.h>

#include "base/arena.h"
#include "fuzz.h"
#include "rules/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct snapshot s;
    struct problems p;
    size_t n_added, before;

    fuzz_snapshot(&s, 1);
    problems_init(&p);
    before = snapshot_count(&s, ENT_POLICY);
    policy_read_text(&s, "fuzz.json", (const char *)data, size, &p, &n_added);
    for (uint32_t i = (uint32_t)before; !p.n_total && i < before + n_added;
         i++) {
        struct policy_rule r;
        struct arena a;
        struct err e;

        arena_init(&a);
        if (policy_rule_load(&s, i, &a, &r, &e))
            fuzz_die("an accepted policy no longer loads", e.msg);
        free(policy_pretty(snapshot_row(&s, ENT_POLICY, i)));
        arena_release(&a);
    }
    problems_release(&p);
    snapshot_release(&s);
    return 0;
}
