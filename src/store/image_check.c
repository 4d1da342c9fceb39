/*
 * The whole check of a snapshot image (store/cache.c describes the
 * format): the header and the sections' places, every block against its
 * sum, then every value (string offsets inside the strings, references
 * below their table's count, enumerations, dates, index slots, adjacency
 * lists and presence dates in order, the copy of the posting rows in
 * mission order equal to the rows it copies). A small image (below a few
 * megabytes), or one that cannot be mapped at IMAGE_BASE, is checked so at
 * load; mapped elsewhere, its pointers are relocated in place. The fuzzer
 * (tests/fuzz/fuzz-image.c) drives image_decode with the sums recomputed
 * (image_seal), so that the value checks are reached. A large image is
 * checked on touch instead (store/image_lazy.c), by its blocks' sums only:
 * an image forged with matching sums (malice, not accident) could then
 * make a command read outside the image; `audit verify` finds it.
 */
#include "base/date.h"
#include "core/presence.h"
#include "store/image.h"

/* A view of the mapped file while it is checked. */
struct image_view {
    char *base;
    const struct image_header *h;
    const char *strings;
    uint64_t n_strings;
    uint64_t strings_at;         /* the strings' address the pointers assume */
    int relocate;                /* the image lies elsewhere: rewrite them */
    int32_t first_day, last_day; /* of years 0001-9999 */
};

/* Checks a string pointer of the image at at (0: none, else inside the
 * strings) and relocates it when the image lies elsewhere; 0 when sound. */
static int decode_pointer(char *at, const struct image_view *v)
{
    uint64_t p;
    const char *q;

    memcpy(&p, at, sizeof(p));
    if (!p)
        return 0;
    if (p - v->strings_at >= v->n_strings)
        return 1;
    if (v->relocate) {
        q = v->strings + (p - v->strings_at);
        memcpy(at, &q, sizeof(q));
    }
    return 0;
}

/* Checks one field of a row, relocating its pointer if need be; 0 when
 * the value is sound. */
static int decode_field(const struct field *f, char *at,
                        const struct image_view *v)
{
    uint32_t ref;
    int32_t d;
    int x;

    switch (f->type) {
    case FT_TEXT:
    case FT_HOST:
        return decode_pointer(at, v);
    case FT_CODE:
        return memchr(at, '\0', sizeof(state_code)) == NULL;
    case FT_ENUM:
        memcpy(&x, at, sizeof(x));
        return x < ENUM_NONE || x >= f->names->count;
    case FT_BOOL:
        memcpy(&x, at, sizeof(x));
        return x != 0 && x != 1;
    case FT_REF:
        memcpy(&ref, at, sizeof(ref));
        return ref != IDMAP_NONE && ref >= v->h->sec[SEC_ROWS(f->ref)].count;
    case FT_DATE:
        memcpy(&d, at, sizeof(d));
        return d != DATE_NONE && (d < v->first_day || d > v->last_day);
    case FT_INT:
        memcpy(&d, at, sizeof(d));
        return d < FIELD_INT_NONE;
    default:
        return 1;
    }
}

static int decode_rows(const struct entity *ent, char *rows, uint64_t n,
                       const struct image_view *v)
{
    for (uint64_t i = 0; i < n; i++) {
        for (int j = 0; j < ent->n_fields; j++) {
            const struct field *f = &ent->fields[j];

            if (decode_field(f, rows + i * ent->size + f->offset, v))
                return 1;
        }
    }
    return 0;
}

/* Checks the slots of an entity in place; 0 when sound. */
static int decode_slots(struct image_slot *in, uint64_t n, uint64_t count,
                        const struct image_view *v)
{
    uint64_t used = 0;

    for (uint64_t i = 0; i < n; i++) {
        if (!in[i].key)
            continue;
        if (in[i].value >= count || decode_pointer((char *)&in[i].key, v))
            return 1;
        used++;
    }
    return used != count;
}

/* Whether start[0..groups] starts groups over n items in order: 0 when
 * sound. */
static int check_start(const uint32_t *start, uint64_t groups, uint64_t n)
{
    if (start[0] != 0 || start[groups] != n)
        return 1;
    for (uint64_t g = 0; g < groups; g++)
        if (start[g + 1] < start[g])
            return 1;
    return 0;
}

/* Whether an adjacency list's start and its n items, each below limit,
 * are sound: 0 when so. */
static int check_adjacency(const uint32_t *start, uint64_t groups,
                           const uint32_t *items, uint64_t n, uint64_t limit)
{
    if (check_start(start, groups, n))
        return 1;
    for (uint64_t i = 0; i < n; i++)
        if (items[i] >= limit)
            return 1;
    return 0;
}

/* Whether each group's dates are in order (the presence index searches
 * them); 0 when sound. */
static int check_sorted(const uint32_t *start, uint64_t groups,
                        const int32_t *dates)
{
    for (uint64_t g = 0; g < groups; g++)
        for (uint32_t i = start[g] + 1; i < start[g + 1]; i++)
            if (dates[i - 1] > dates[i])
                return 1;
    return 0;
}

static void *section(const struct image_view *v, int i)
{
    return v->base + v->h->sec[i].offset;
}

/* The values of the derived indexes; 0 when sound. */
static int decode_indexes(const struct image_view *v)
{
    const uint32_t *start;
    uint64_t groups = v->h->sec[SEC_ROWS(ENT_MISSION)].count;

    for (int j = 0; j < 4; j++) {
        if (check_adjacency(section(v, SEC_INDEX(2 * j)),
                            v->h->sec[SEC_INDEX(2 * j)].count - 1,
                            section(v, SEC_INDEX(2 * j + 1)),
                            v->h->sec[SEC_INDEX(2 * j + 1)].count,
                            v->h->sec[SEC_ROWS(ADJ_ITEMS[j])].count))
            return 1;
    }
    start = section(v, SEC_INDEX(IX_PRES_START));
    return check_start(start, groups,
                       v->h->sec[SEC_INDEX(IX_PRES_ARRIVALS)].count) ||
           check_sorted(start, groups,
                        section(v, SEC_INDEX(IX_PRES_ARRIVALS))) ||
           check_sorted(start, groups, section(v, SEC_INDEX(IX_PRES_STOPS)));
}

/* Whether the posting rows grouped by mission (decoded like the rows)
 * are, for each mission, inside the copies and each the row that postings
 * by mission names at its place; 0 when so. The indexes are checked
 * already. */
static int decode_mission_postings(const struct image_view *v)
{
    const struct entity *ent = ENTITIES[ENT_POSTING];
    const char *rows = section(v, SEC_ROWS(ENT_POSTING));
    char *copy = section(v, SEC_MISSION_POSTINGS);
    const uint32_t *start = section(v, SEC_INDEX(IX_ADJ)),
                   *items = section(v, SEC_INDEX(IX_ADJ + 1)),
                   *at = section(v, SEC_MISSION_AT);
    uint64_t n = v->h->sec[SEC_MISSION_POSTINGS].count,
             groups = v->h->sec[SEC_MISSION_AT].count;

    if (decode_rows(ent, copy, n, v))
        return 1;
    for (uint64_t m = 0; m < groups; m++) {
        uint64_t len = start[m + 1] - start[m];

        if (at[m] > n || len > n - at[m])
            return 1;
        for (uint64_t j = 0; j < len; j++)
            if (memcmp(copy + (at[m] + j) * ent->size,
                       rows + (size_t)items[start[m] + j] * ent->size,
                       ent->size))
                return 1;
    }
    return 0;
}

/* The count section i must have, given the rows' counts; UINT64_MAX when
 * it is free (strings, rows, slots: checked otherwise). */
static uint64_t expected_count(const struct image_header *h, int i)
{
    int j = i - SEC_INDEX(0);

    if (j < 0)
        return UINT64_MAX;
    if (j < IX_PRES_START && j % 2 == 0)
        return h->sec[SEC_ROWS(ADJ_GROUPS[j / 2])].count + 1;
    if (j == IX_PRES_START)
        return h->sec[SEC_ROWS(ENT_MISSION)].count + 1;
    if (j == IX_PRES_STOPS)
        return h->sec[SEC_INDEX(IX_PRES_ARRIVALS)].count;
    if (i == SEC_MISSION_AT)
        return h->sec[SEC_ROWS(ENT_MISSION)].count;
    if (i == SEC_MISSION_POSTINGS) /* one per item of postings by mission */
        return h->sec[SEC_INDEX(IX_ADJ + 1)].count;
    return UINT64_MAX;
}

/* Checks one section's place: in the blocks, after the previous one, its
 * size equal to its count times its element's; 0 when sound. */
static int check_section(const struct image_header *h, int i, uint64_t from)
{
    const struct image_section *x = &h->sec[i];
    uint64_t elem = image_elem_size(i), want = expected_count(h, i);

    if (x->offset % ALIGN || x->offset < from || x->offset > h->data_end ||
        x->size > h->data_end - x->offset || x->count > x->size / elem ||
        x->count * elem != x->size || (want != UINT64_MAX && x->count != want))
        return 1;
    if (i >= SEC_ROWS(0) && i < SEC_SLOTS(0))
        return x->count >= IDMAP_NONE - 1;
    if (i >= SEC_SLOTS(0) && i < SEC_INDEX(0))
        return (x->count & (x->count - 1)) ||
               x->count < 2 * h->sec[i - ENT__COUNT].count;
    return 0;
}

int image_check_header(const struct image_header *h, uint64_t size)
{
    uint64_t from = BLOCK;

    if (size < BLOCK || h->file_size != size ||
        image_sum(h, offsetof(struct image_header, sum)) != h->sum ||
        memcmp(h->magic, IMAGE_MAGIC, sizeof(h->magic)) ||
        h->layout != image_layout() || h->seq < 0 ||
        !memchr(h->hash, '\0', sizeof(h->hash)) || h->data_end % BLOCK ||
        h->data_end < BLOCK || h->data_end > size ||
        (size - h->data_end) / sizeof(uint64_t) != h->data_end / BLOCK ||
        (size - h->data_end) % sizeof(uint64_t))
        return 1;
    for (int i = 0; i < SEC_COUNT; i++) {
        if (check_section(h, i, from))
            return 1;
        from = h->sec[i].offset + h->sec[i].size;
    }
    return 0;
}

/* The same, and the table of block sums, of an image at data; 0 when
 * sound. */
static int check_layout(const char *data, size_t size)
{
    const struct image_header *h = (const void *)data;

    return image_check_header(h, size) ||
           image_sum(data + h->data_end, size - h->data_end) != h->sums_sum;
}

static const uint64_t *block_sums(const char *data)
{
    const struct image_header *h = (const void *)data;

    return (const uint64_t *)(const void *)(data + h->data_end);
}

void image_attach(char *base, const struct image_header *h, struct snapshot *s)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        struct record_table *t = &s->tables[k];
        const struct image_section *slots = &h->sec[SEC_SLOTS(k)];

        t->rows = base + h->sec[SEC_ROWS(k)].offset;
        t->n = t->alloc = h->sec[SEC_ROWS(k)].count;
        t->mapped = 1;
        t->by_key.slots = slots->count ? (void *)(base + slots->offset) : NULL;
        t->by_key.mask = slots->count ? slots->count - 1 : 0;
        t->by_key.count = t->n;
    }
    struct adjacency *adj[4] = { &s->postings_by_mission,
                                 &s->postings_by_person,
                                 &s->dependents_by_posting,
                                 &s->missions_by_sending };

    for (int j = 0; j < 4; j++) {
        struct adjacency *a = adj[j];

        a->start = (uint32_t *)(void *)(base + h->sec[SEC_INDEX(2 * j)].offset);
        a->items =
            (uint32_t *)(void *)(base + h->sec[SEC_INDEX(2 * j + 1)].offset);
    }
    s->presence = presence_over(
        (uint32_t *)(void *)(base + h->sec[SEC_INDEX(IX_PRES_START)].offset),
        (int32_t *)(void *)(base + h->sec[SEC_INDEX(IX_PRES_ARRIVALS)].offset),
        (int32_t *)(void *)(base + h->sec[SEC_INDEX(IX_PRES_STOPS)].offset),
        h->sec[SEC_ROWS(ENT_MISSION)].count,
        h->sec[SEC_INDEX(IX_PRES_ARRIVALS)].count);
    s->mission_postings =
        h->sec[SEC_MISSION_POSTINGS].count
            ? (void *)(base + h->sec[SEC_MISSION_POSTINGS].offset)
            : NULL;
    s->mission_postings_at =
        (const void *)(base + h->sec[SEC_MISSION_AT].offset);
    /* The indexes cover every record (core/apply.h edits them from here). */
    for (int k = 0; k < ENT__COUNT; k++)
        s->n_indexed[k] = s->tables[k].n;
    s->indexed = 1;
    s->indexes_mapped = 1;
}

int image_decode(void *data, size_t size, struct snapshot *s,
                 struct image_info *info)
{
    struct image_view v;
    const uint64_t *sums;
    int bad = 0;

    memset(&v, 0, sizeof(v));
    v.base = data;
    v.h = data;
    v.first_day = date_from_ymd(DATE_MIN_YEAR, 1, 1);
    v.last_day = date_from_ymd(DATE_MAX_YEAR, 12, 31);
    if ((uintptr_t)data % ALIGN || check_layout(data, size))
        return 1;
    sums = block_sums(data);
    for (uint64_t b = 1; b < v.h->data_end / BLOCK; b++)
        if (image_sum(v.base + b * BLOCK, BLOCK) != sums[b])
            return 1;
    v.strings = section(&v, SEC_STRINGS);
    v.n_strings = v.h->sec[SEC_STRINGS].size;
    v.strings_at = v.h->base + v.h->sec[SEC_STRINGS].offset;
    v.relocate = (uint64_t)(uintptr_t)v.strings != v.strings_at;
    if (v.n_strings && v.strings[v.n_strings - 1] != '\0')
        return 1;
    for (int k = 0; k < ENT__COUNT && !bad; k++)
        bad = decode_rows(ENTITIES[k], section(&v, SEC_ROWS(k)),
                          v.h->sec[SEC_ROWS(k)].count, &v) ||
              decode_slots(section(&v, SEC_SLOTS(k)),
                           v.h->sec[SEC_SLOTS(k)].count,
                           v.h->sec[SEC_ROWS(k)].count, &v);
    if (bad || decode_indexes(&v) || decode_mission_postings(&v))
        return 1;
    image_attach(v.base, v.h, s);
    info->seq = v.h->seq;
    snprintf(info->hash, sizeof(info->hash), "%s", v.h->hash);
    return 0;
}

void image_seal(void *data, size_t size)
{
    struct image_header *h = data;
    uint64_t *sums;

    if (size < sizeof(*h))
        return;
    h->file_size = size;
    if (h->data_end % BLOCK == 0 && h->data_end >= BLOCK &&
        h->data_end <= size &&
        (size - h->data_end) / sizeof(uint64_t) == h->data_end / BLOCK) {
        sums = (uint64_t *)(void *)((char *)data + h->data_end);
        for (uint64_t b = 1; b < h->data_end / BLOCK; b++)
            sums[b] = image_sum((char *)data + b * BLOCK, BLOCK);
        h->sums_sum = image_sum(sums, size - h->data_end);
    }
    h->sum = image_sum(h, offsetof(struct image_header, sum));
}
