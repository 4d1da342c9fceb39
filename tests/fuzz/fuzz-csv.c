/*
 * Fuzzes the CSV reader with the import's validation, and the write path
 * behind it. An input is a registry in one piece: sections that each start
 * with a line "@TABLE" (missions, persons, postings, dependents, visas,
 * consular), read in order on top of the reference data, as an import
 * reads the files of a directory; text before the first such line is read
 * as missions. When the registry is valid it is exported, the export read
 * into a fresh snapshot must be valid too, and exported again must give
 * the same bytes: the round trip the interchange files promise.
 */
#include <string.h>

#include "base/xalloc.h"
#include "fuzz.h"

/* Reads n bytes of text as the file of ent into s. */
static void read_section(struct snapshot *s, const struct entity *ent,
                         const char *text, size_t n, struct problems *p)
{
    char name[64];
    struct err e;
    FILE *f;

    snprintf(name, sizeof(name), "%s.csv", ent->table);
    f = n ? fmemopen((void *)text, n, "rb") : NULL;
    if (!f) {
        problems_add(p, "%s: empty", name);
        return;
    }
    if (interchange_read_stream(s, ent, name, f, p, &e))
        problems_add(p, "%s", e.msg);
    fclose(f);
}

/* The entity of a section line "@TABLE", or NULL. */
static const struct entity *section(const char *line, size_t n)
{
    char name[40];

    if (n < 2 || line[0] != '@' || n > 32)
        return NULL;
    snprintf(name, sizeof(name), "%.*s.csv", (int)(n - 1), line + 1);
    return interchange_entity_of(name);
}

static void read_input(struct snapshot *s, const char *text, size_t size,
                       struct problems *p)
{
    const struct entity *ent = ENTITIES[ENT_MISSION], *next;
    size_t start = 0, at = 0;

    while (at < size) {
        const char *nl = memchr(text + at, '\n', size - at);
        size_t end = nl ? (size_t)(nl - text) : size;

        next = section(text + at, end - at);
        if (next) {
            if (at > start)
                read_section(s, ent, text + start, at - start, p);
            ent = next;
            start = end + 1;
        }
        at = end + 1;
    }
    if (size > start)
        read_section(s, ent, text + start, size - start, p);
}

/* Exports every interchange entity of s into b, one after the other. */
static void export_all(const struct snapshot *s, struct buf b[])
{
    for (int i = 0; i < INTERCHANGE_N_ENTITIES; i++) {
        buf_init(&b[i], (size_t)1 << 26);
        if (interchange_format(s, ENTITIES[INTERCHANGE_ENTITIES[i]], &b[i]))
            fuzz_die("export", "too large");
    }
}

static void round_trip(const struct snapshot *s)
{
    struct buf first[8], second[8];
    struct snapshot back;
    struct problems p;

    export_all(s, first);
    fuzz_snapshot(&back, 0);
    problems_init(&p);
    for (int i = 0; i < INTERCHANGE_N_ENTITIES; i++)
        read_section(&back, ENTITIES[INTERCHANGE_ENTITIES[i]], first[i].data,
                     first[i].len, &p);
    if (p.n_total)
        fuzz_die("an export does not import", p.msgs[0]);
    export_all(&back, second);
    for (int i = 0; i < INTERCHANGE_N_ENTITIES; i++) {
        if (first[i].len != second[i].len ||
            memcmp(first[i].data, second[i].data, first[i].len))
            fuzz_die("an export read back exports differently",
                     ENTITIES[INTERCHANGE_ENTITIES[i]]->table);
        buf_release(&first[i]);
        buf_release(&second[i]);
    }
    problems_release(&p);
    snapshot_release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct snapshot s;
    struct problems p;

    fuzz_snapshot(&s, 0);
    problems_init(&p);
    read_input(&s, (const char *)data, size, &p);
    if (!p.n_total)
        round_trip(&s);
    problems_release(&p);
    snapshot_release(&s);
    return 0;
}
