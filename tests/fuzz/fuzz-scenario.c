/*
 * Fuzzes the forecast scenario parser on the small registry of
 * tests/fuzz/registry/: any input is parsed or refused with problems,
 * never a crash, a leak or an abort.
 */
#include "forecast/scenario.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct snapshot s;
    struct scenario sc;
    struct problems p;

    fuzz_snapshot(&s, 1);
    problems_init(&p);
    scenario_parse(&s, "fuzz.json", (const char *)data, size, &sc, &p);
    scenario_release(&sc);
    problems_release(&p);
    snapshot_release(&s);
    return 0;
}
