/*
 * The snapshot image: a binary image of a snapshot kept beside the
 * database as PATH.snapshot, mapped into memory (mmap, private) and used in
 * place, so that a read neither runs SQL over the tables nor parses or
 * copies the records: the rows, the strings, the key indexes and the
 * derived indexes (postings by mission and by person, dependents by
 * posting, missions by sending state, presence) are used where they lie.
 * The string pointers in rows and index slots are written for an image
 * mapped at IMAGE_BASE, where a load asks to map it (MAP_FIXED_NOREPLACE).
 *
 * It is this machine's memory layout, not an interchange format. Layout
 * (docs/registry.md, "The snapshot image"):
 *
 *     header | strings | rows | key slots | derived indexes | block sums
 *
 * The header (alone in the first block) names the change-log head the
 * image holds (seq and hash) and every section's offset, size and count;
 * it has a checksum of its own, and so has the table of block sums at the
 * end. Everything between is cut into blocks of BLOCK bytes, each with its
 * checksum in that table.
 *
 * A command reads only what it touches, and checks only that. A large
 * image is mapped with no access at all (PROT_NONE): the first touch of a
 * block faults, and the fault handler reads that block from the file
 * (pread, so that checking adds no resident memory), checks it against
 * its sum and opens it (read and write: the mapping is private) and lets
 * the command go on; when the block before it was open already (a scan)
 * it checks and opens up to RUN blocks at once. A roster of one mission
 * in a registry of a million postings so checks a few hundred kilobytes,
 * not the half gigabyte of the image. BLOCK (16 KiB) weighs the roster's
 * memory against the faults of a scan (8 KiB: 11 MiB and check 255 ms of
 * CPU on the 1M world; 16 KiB: 13 MiB, 205 ms; 32 KiB: 17 MiB, 181 ms).
 * A block that fails its checksum is never used: the process starts
 * again with the image turned off (it reads the tables and writes a new
 * image), or, when it has begun to write, stops with an error and removes
 * the image (docs/registry.md). Only the header, the section bounds (so
 * that no count can make a load allocate anything) and the table of sums
 * are checked at load. The values are not checked on this path: an image
 * forged with matching sums (malice, not accident) could make a command
 * read outside the image; `audit verify` finds it.
 *
 * A small image (below LAZY_MIN), or one that cannot be mapped at
 * IMAGE_BASE, is checked whole at load instead (image_decode): every block,
 * then every value (string offsets inside the strings, references below
 * their table's count, enumerations, dates, index slots, adjacency lists
 * and presence dates in order); mapped elsewhere, its pointers are
 * relocated in place. The fuzzer (tests/fuzz/fuzz-image.c) drives that
 * path with the sums recomputed, so that the value checks are reached.
 *
 * The checksum is a 64-bit one of four multiply-xor lanes over 8-byte
 * words (image_sum), not BLAKE2b: it runs at memory speed, and since each
 * step is a bijection of the lane for a given word, a change confined to
 * one word (any flipped byte) always changes the sum; other damage escapes
 * it with odds of about 2^-64. It guards against accident (a torn write, a
 * flipped bit, an edit), not malice: an image forged with matching sums is
 * caught by `audit verify`, which compares the image with the tables.
 *
 * An image is written to a file of the process's own (PATH.snapshot.PID)
 * and renamed into place, so a reader sees the old image or the new one,
 * never a part, and a mapped file never changes under its reader; it is
 * not synced: a torn image after a power cut fails its checksums and is
 * rebuilt.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/presence.h"
#include "store/internal.h"

#define IMAGE_MAGIC "CHIMG004"
#define ALIGN       64
/* The unit checked on first touch: a multiple of the page size, small
 * enough that a command touching a few records checks little (see
 * above). */
#define BLOCK UINT64_C(16384)
/* A scan opens up to this many blocks at a time. */
#define RUN 32
/* Images below this size are checked whole at load. */
#define LAZY_MIN (UINT64_C(4) << 20)

struct image_slot {
    uint64_t key; /* the key's address at IMAGE_BASE; 0: an empty slot */
    uint32_t hash;
    uint32_t value;
};

/* The slots are decoded in place into the index's own slots. */
_Static_assert(sizeof(struct image_slot) == sizeof(struct idmap_slot) &&
                   sizeof(void *) == sizeof(uint64_t),
               "image slots have the layout of index slots");

/* The derived indexes (core/snapshot.h), each an array of 32-bit values:
 * four adjacency lists (start, items) and the presence index. */
enum {
    IX_ADJ = 0, /* 2 * j: start of adjacency j; 2 * j + 1: its items */
    IX_PRES_START = 8,
    IX_PRES_ARRIVALS,
    IX_PRES_STOPS,
    IX__COUNT
};

/* Adjacency j groups items of ADJ_ITEMS[j] by records of ADJ_GROUPS[j]:
 * postings by mission, postings by person, dependents by posting,
 * missions by sending state. */
static const int ADJ_GROUPS[4] = { ENT_MISSION, ENT_PERSON, ENT_POSTING,
                                   ENT_STATE };
static const int ADJ_ITEMS[4] = { ENT_POSTING, ENT_POSTING, ENT_DEPENDENT,
                                  ENT_MISSION };

#define SEC_STRINGS  0
#define SEC_ROWS(k)  (1 + (k))
#define SEC_SLOTS(k) (1 + ENT__COUNT + (k))
#define SEC_INDEX(j) (1 + 2 * ENT__COUNT + (j))
#define SEC_COUNT    (1 + 2 * ENT__COUNT + IX__COUNT)

struct image_section {
    uint64_t offset, size, count;
};

struct image_header {
    char magic[8];
    uint64_t layout;
    uint64_t base; /* the address the pointers were written for */
    int64_t seq;
    char hash[72];
    uint64_t file_size;
    uint64_t data_end; /* blocks 1.. cover [BLOCK, data_end); sums follow */
    uint64_t sums_sum; /* of the table of block sums */
    struct image_section sec[SEC_COUNT];
    uint64_t sum; /* of every byte above */
};

_Static_assert(sizeof(struct image_header) <= BLOCK,
               "the header fits its block");

#define PRIME1 0x9E3779B185EBCA87u
#define PRIME2 0xC2B2AE3D27D4EB4Fu

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

uint64_t image_sum(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t lane[4] = { PRIME1, PRIME2, ~PRIME1, ~PRIME2 }, w, h;
    size_t i = 0;

    for (; i + 32 <= n; i += 32) {
        for (int j = 0; j < 4; j++) {
            memcpy(&w, p + i + 8 * j, 8);
            lane[j] = (lane[j] ^ w) * PRIME1;
        }
    }
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        lane[0] = (lane[0] ^ w) * PRIME1;
    }
    for (; i < n; i++)
        lane[1] = (lane[1] ^ p[i]) * PRIME1;
    h = n * PRIME2;
    for (int j = 0; j < 4; j++)
        h = (rotl(h, 27) ^ (lane[j] * PRIME2)) * PRIME1;
    return h ^ (h >> 29);
}

static char *cache_path(const struct store *st)
{
    return xasprintf("%s.snapshot", st->path);
}

/* CHANCERY_SNAPSHOT_CACHE: unset, "never" (no image) or "rebuild" (write
 * one, never read it: a process started again after a damaged block). */
int cache_wanted(void)
{
    const char *mode = getenv("CHANCERY_SNAPSHOT_CACHE");

    return !(mode && !strcmp(mode, "never"));
}

int cache_readable(void)
{
    const char *mode = getenv("CHANCERY_SNAPSHOT_CACHE");

    return !(mode && (!strcmp(mode, "never") || !strcmp(mode, "rebuild")));
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 1099511628211u;
}

/* A fingerprint of every record layout, so an image from another build of
 * chancery is never read as this one's. */
static uint64_t layout_fingerprint(void)
{
    uint64_t h = mix(14695981039346656037u, sizeof(void *));

    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];

        h = mix(mix(h, ent->size), (uint64_t)ent->n_fields);
        for (int i = 0; i < ent->n_fields; i++) {
            const struct field *f = &ent->fields[i];

            h = mix(mix(mix(h, f->offset), f->type), f->flags);
            h = mix(mix(h, f->ref), f->names ? (uint64_t)f->names->count : 0);
        }
    }
    return h;
}

static int is_pointer(const struct field *f)
{
    return f->type == FT_TEXT || f->type == FT_HOST;
}

static uint64_t align_up(uint64_t n, uint64_t to)
{
    return (n + to - 1) / to * to;
}

/* The size of one element of section i. */
static size_t elem_size(int i)
{
    if (i == SEC_STRINGS)
        return 1;
    if (i < SEC_SLOTS(0))
        return ENTITIES[i - SEC_ROWS(0)]->size;
    if (i < SEC_INDEX(0))
        return sizeof(struct image_slot);
    return sizeof(uint32_t);
}

/* Appends s and its NUL to the strings (the first section, in the second
 * block); returns its address in an image mapped at IMAGE_BASE. */
static uint64_t blob_add(struct buf *blob, const char *s)
{
    uint64_t at = IMAGE_BASE + BLOCK + blob->len;

    if (buf_add(blob, s, strlen(s) + 1))
        BUG("snapshot image strings too large");
    return at;
}

/* The rows of entity k with their string pointers made offsets. */
static char *encode_rows(const struct snapshot *s, int k, struct buf *blob)
{
    const struct entity *ent = ENTITIES[k];
    size_t n = snapshot_count(s, k);
    char *rows = xmalloc_huge(n * ent->size + 1);

    if (n)
        memcpy(rows, s->tables[k].rows, n * ent->size);
    for (size_t i = 0; i < n; i++) {
        for (int j = 0; j < ent->n_fields; j++) {
            const struct field *f = &ent->fields[j];
            char *at = rows + i * ent->size + f->offset;
            const char *p;
            uint64_t off;

            if (!is_pointer(f))
                continue;
            memcpy(&p, at, sizeof(p));
            off = p ? blob_add(blob, p) : 0;
            memcpy(at, &off, sizeof(off));
        }
    }
    return rows;
}

static struct image_slot *encode_slots(const struct idmap *m, struct buf *blob,
                                       size_t *n)
{
    struct image_slot *slots;

    *n = m->slots ? m->mask + 1 : 0;
    slots = xcalloc_huge(*n + 1, sizeof(*slots));
    for (size_t i = 0; i < *n; i++) {
        if (!m->slots[i].key)
            continue;
        slots[i].key = blob_add(blob, m->slots[i].key);
        slots[i].hash = m->slots[i].hash;
        slots[i].value = m->slots[i].value;
    }
    return slots;
}

static const struct adjacency *adjacency_of(const struct snapshot *s, int j)
{
    const struct adjacency *adj[4] = { &s->postings_by_mission,
                                       &s->postings_by_person,
                                       &s->dependents_by_posting,
                                       &s->missions_by_sending };

    return adj[j];
}

/* The derived indexes of the indexed snapshot s, as sections: data[j]
 * and count[j] for index section j. */
static void index_arrays(const struct snapshot *s, const void **data,
                         uint64_t *count)
{
    const uint32_t *start;
    const int32_t *arrivals, *stops;
    size_t n_missions = snapshot_count(s, ENT_MISSION);

    for (int j = 0; j < 4; j++) {
        const struct adjacency *a = adjacency_of(s, j);
        size_t groups = snapshot_count(s, ADJ_GROUPS[j]);

        data[2 * j] = a->start;
        count[2 * j] = groups + 1;
        data[2 * j + 1] = a->items;
        count[2 * j + 1] = a->start[groups];
    }
    presence_arrays(s->presence, &start, &arrivals, &stops);
    data[IX_PRES_START] = start;
    count[IX_PRES_START] = n_missions + 1;
    data[IX_PRES_ARRIVALS] = arrivals;
    data[IX_PRES_STOPS] = stops;
    count[IX_PRES_ARRIVALS] = count[IX_PRES_STOPS] = start[n_missions];
}

/* Places section i of count elements after the previous ones. */
static void place(struct image_header *h, int i, uint64_t *at, uint64_t count)
{
    h->sec[i].offset = *at;
    h->sec[i].count = count;
    h->sec[i].size = count * elem_size(i);
    *at = align_up(*at + h->sec[i].size, ALIGN);
}

/* Writes the file's blocks in order, summing each as it fills. */
struct block_writer {
    FILE *f;
    char *block;
    uint64_t fill, n;
    uint64_t *sums; /* n_blocks of them; [0], the header's, stays 0 */
    int bad;
};

static void bw_add(struct block_writer *w, const void *data, uint64_t size)
{
    const char *p = data;

    while (size && !w->bad) {
        uint64_t take = BLOCK - w->fill < size ? BLOCK - w->fill : size;

        memcpy(w->block + w->fill, p, take);
        w->fill += take;
        p += take;
        size -= take;
        if (w->fill == BLOCK) {
            if (w->n)
                w->sums[w->n] = image_sum(w->block, BLOCK);
            w->bad = fwrite(w->block, 1, BLOCK, w->f) != BLOCK;
            w->n++;
            w->fill = 0;
        }
    }
}

/* Pads with zeros up to offset to of the file. */
static void bw_pad(struct block_writer *w, uint64_t to)
{
    static const char zeros[ALIGN];

    while (!w->bad && w->n * BLOCK + w->fill < to) {
        uint64_t gap = to - (w->n * BLOCK + w->fill);

        bw_add(w, zeros, gap < ALIGN ? gap : ALIGN);
    }
}

/* Writes the image of h whose sections are data[]; 0 on success. The
 * header is written last, when the sum of the block sums is known. */
static int write_image(FILE *f, struct image_header *h, const void *const *data)
{
    struct block_writer w = { f, xmalloc(BLOCK), 0, 0, NULL, 0 };
    uint64_t n_blocks = h->data_end / BLOCK;

    w.sums = xcalloc(n_blocks, sizeof(*w.sums));
    for (int i = 0; i < SEC_COUNT; i++) {
        bw_pad(&w, h->sec[i].offset);
        bw_add(&w, data[i], h->sec[i].size);
    }
    bw_pad(&w, h->data_end);
    h->sums_sum = image_sum(w.sums, n_blocks * sizeof(*w.sums));
    h->sum = image_sum(h, offsetof(struct image_header, sum));
    if (!w.bad)
        w.bad = fwrite(w.sums, sizeof(*w.sums), n_blocks, f) != n_blocks ||
                fseek(f, 0, SEEK_SET) || fwrite(h, sizeof(*h), 1, f) != 1;
    free(w.block);
    free(w.sums);
    return w.bad;
}

void cache_save(struct store *st, int64_t seq, const char *hash,
                struct snapshot *s)
{
    struct image_header h;
    const void *data[SEC_COUNT];
    uint64_t count[IX__COUNT];
    char *rows[ENT__COUNT], *path = cache_path(st), *tmp;
    struct image_slot *slots[ENT__COUNT];
    size_t n_slots[ENT__COUNT];
    struct buf blob;
    uint64_t at = BLOCK;
    FILE *f;
    int bad;

    snapshot_index(s);
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, IMAGE_MAGIC, sizeof(h.magic));
    h.layout = layout_fingerprint();
    h.base = IMAGE_BASE;
    h.seq = seq;
    snprintf(h.hash, sizeof(h.hash), "%s", hash);
    buf_init(&blob, SIZE_MAX / 2);
    for (int k = 0; k < ENT__COUNT; k++) {
        rows[k] = encode_rows(s, k, &blob);
        slots[k] = encode_slots(&s->tables[k].by_key, &blob, &n_slots[k]);
        data[SEC_ROWS(k)] = rows[k];
        data[SEC_SLOTS(k)] = slots[k];
    }
    index_arrays(s, data + SEC_INDEX(0), count);
    data[SEC_STRINGS] = blob.data ? blob.data : "";
    place(&h, SEC_STRINGS, &at, blob.len);
    for (int k = 0; k < ENT__COUNT; k++)
        place(&h, SEC_ROWS(k), &at, snapshot_count(s, k));
    for (int k = 0; k < ENT__COUNT; k++)
        place(&h, SEC_SLOTS(k), &at, n_slots[k]);
    for (int j = 0; j < IX__COUNT; j++)
        place(&h, SEC_INDEX(j), &at, count[j]);
    h.data_end = align_up(at, BLOCK);
    h.file_size = h.data_end + h.data_end / BLOCK * sizeof(uint64_t);
    tmp = xasprintf("%s.%ld", path, (long)getpid());
    f = fopen(tmp, "wb");
    bad = !f || write_image(f, &h, data);
    if (f && fclose(f))
        bad = 1;
    if (bad || rename(tmp, path))
        remove(tmp);
    for (int k = 0; k < ENT__COUNT; k++) {
        free(rows[k]);
        free(slots[k]);
    }
    buf_release(&blob);
    free(tmp);
    free(path);
}

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
    return UINT64_MAX;
}

/* Checks one section's place: in the blocks, after the previous one, its
 * size equal to its count times its element's; 0 when sound. */
static int check_section(const struct image_header *h, int i, uint64_t from)
{
    const struct image_section *x = &h->sec[i];
    uint64_t elem = elem_size(i), want = expected_count(h, i);

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

/* Checks the header and the sections' places for an image of size bytes;
 * 0 when sound. */
static int check_header(const struct image_header *h, uint64_t size)
{
    uint64_t from = BLOCK;

    if (size < BLOCK || h->file_size != size ||
        image_sum(h, offsetof(struct image_header, sum)) != h->sum ||
        memcmp(h->magic, IMAGE_MAGIC, sizeof(h->magic)) ||
        h->layout != layout_fingerprint() || h->seq < 0 ||
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

    return check_header(h, size) ||
           image_sum(data + h->data_end, size - h->data_end) != h->sums_sum;
}

static const uint64_t *block_sums(const char *data)
{
    const struct image_header *h = (const void *)data;

    return (const uint64_t *)(const void *)(data + h->data_end);
}

/* Points s's tables and derived indexes into the image at base, whose
 * layout h describes; the values are those of an image checked or to be
 * checked on touch. */
static void attach(char *base, const struct image_header *h, struct snapshot *s)
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
    if (bad || decode_indexes(&v))
        return 1;
    attach(v.base, v.h, s);
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

/* The image mapped for checking on touch: at most one per process (it
 * lies at IMAGE_BASE). The fault handler reads these, so they are set
 * before it can run and cleared only after the mapping is gone. */
struct lazy_image {
    char *map; /* at IMAGE_BASE; a block opens once checked */
    int fd;    /* the same file, read (pread) to check a block */
    uint64_t size, data_end;
    uint64_t *sums;         /* the table of block sums, read and checked */
    unsigned char *checked; /* per block */
    char *path;             /* the image's file */
    char **argv, **envp;    /* to start again without it */
};

static struct lazy_image lazy;
static volatile sig_atomic_t lazy_on, lazy_writing;
static struct sigaction previous_segv;

void cache_writing(void)
{
    lazy_writing = 1;
}

static void say(const char *msg)
{
    if (write(STDERR_FILENO, msg, strlen(msg)) < 0)
        return;
}

/* A block failed its checksum: the command cannot go on with the image.
 * Unless it has begun to write, it starts again reading the tables (which
 * also writes a new image); else it stops, leaving no image behind. */
static void lazy_damaged(void)
{
    if (!lazy_writing && lazy.argv) {
        if (getenv("CHANCERY_DEBUG_LOAD"))
            say("snapshot: damaged image block, starting again\n");
        execve("/proc/self/exe", lazy.argv, lazy.envp);
    }
    unlink(lazy.path);
    say("chancery: error: the snapshot image is damaged; it was removed "
        "and the next command rebuilds it (see 'chancery audit verify')\n");
    _exit(1);
}

/* Checks block b and opens it, with the blocks after it when the one
 * before was read (a scan: up to RUN blocks in one call, each checked,
 * stopping at one that fails, which is not opened); 0 when b is sound.
 * Safe in a signal handler. */
static int lazy_check(uint64_t b)
{
    char block[BLOCK];
    uint64_t n = 1, end = lazy.data_end / BLOCK;

    if (lazy.checked[b])
        return 0;
    if (lazy.checked[b - 1])
        while (n < RUN && b + n < end && !lazy.checked[b + n])
            n++;
    /* Read from the file, not through a second mapping, so that checking
     * adds nothing to the process's resident memory. */
    for (uint64_t i = 0; i < n; i++) {
        if (pread(lazy.fd, block, BLOCK, (off_t)((b + i) * BLOCK)) !=
                (ssize_t)BLOCK ||
            image_sum(block, BLOCK) != lazy.sums[b + i]) {
            if (i == 0)
                return 1;
            n = i;
        }
    }
    if (mprotect(lazy.map + b * BLOCK, n * BLOCK, PROT_READ | PROT_WRITE))
        return 1;
    memset(lazy.checked + b, 1, n);
    return 0;
}

static void on_fault(int sig, siginfo_t *info, void *ctx)
{
    char *at = info->si_addr;

    (void)sig;
    (void)ctx;
    if (lazy_on && at >= lazy.map + BLOCK && at < lazy.map + lazy.data_end) {
        if (lazy_check((uint64_t)(at - lazy.map) / BLOCK))
            lazy_damaged();
        return; /* the access runs again, on the opened block */
    }
    /* Not the image's: as if this handler were not there. */
    sigaction(SIGSEGV, &previous_segv, NULL);
}

/* The command line and the environment to start again with, the image
 * turned off to reading (CHANCERY_SNAPSHOT_CACHE=rebuild). */
static void prepare_restart(void)
{
    extern char **environ;
    struct buf cmd;
    char chunk[4096];
    size_t n = 0, argc = 0;
    ssize_t got;
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return;
    buf_init(&cmd, 1 << 20);
    while ((got = read(fd, chunk, sizeof(chunk))) > 0)
        if (buf_add(&cmd, chunk, (size_t)got))
            break;
    close(fd);
    if (got != 0 || !cmd.len || cmd.data[cmd.len - 1] != '\0') {
        buf_release(&cmd);
        return;
    }
    for (size_t i = 0; i < cmd.len; i++)
        argc += cmd.data[i] == '\0';
    lazy.argv = xcalloc(argc + 1, sizeof(*lazy.argv));
    for (size_t i = 0; i < cmd.len; i += strlen(cmd.data + i) + 1)
        lazy.argv[n++] = cmd.data + i; /* cmd's memory is kept */
    for (n = 0; environ[n]; n++)
        ;
    lazy.envp = xcalloc(n + 2, sizeof(*lazy.envp));
    n = 0;
    for (size_t i = 0; environ[i]; i++)
        if (strncmp(environ[i], "CHANCERY_SNAPSHOT_CACHE=", 24))
            lazy.envp[n++] = environ[i];
    lazy.envp[n] = "CHANCERY_SNAPSHOT_CACHE=rebuild";
}

static void lazy_unmap(void *map, size_t size)
{
    lazy_on = 0;
    munmap(map, size);
    close(lazy.fd);
    free(lazy.sums);
    free(lazy.checked);
    free(lazy.path);
    lazy.map = NULL;
    lazy.sums = NULL;
    lazy.checked = NULL;
    lazy.path = NULL;
}

/* Whether to check an image of size bytes on touch:
 * CHANCERY_SNAPSHOT_LAZY=always|never, else from LAZY_MIN bytes. */
static int lazy_wanted(uint64_t size)
{
    const char *mode = getenv("CHANCERY_SNAPSHOT_LAZY");

    if (mode && !strcmp(mode, "always"))
        return 1;
    if (mode && !strcmp(mode, "never"))
        return 0;
    return size >= LAZY_MIN;
}

/* Maps the image of fd (size bytes, with the header h and the table of
 * block sums sums, both checked) for checking on touch and attaches s to
 * it; 0 on success, when it keeps fd and sums. */
static int lazy_load(struct store *st, int fd, const struct image_header *h,
                     uint64_t *sums, size_t size, struct snapshot *s)
{
    const struct image_section *strings = &h->sec[SEC_STRINGS];
    struct sigaction sa;
    char *map;

    if (lazy_on || h->base != IMAGE_BASE)
        return 1;
    map = mmap((void *)(uintptr_t)IMAGE_BASE, size, PROT_NONE,
               MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
    if (map == MAP_FAILED)
        return 1;
    if (map != (void *)(uintptr_t)IMAGE_BASE) {
        munmap(map, size); /* a kernel that ignores the flag */
        return 1;
    }
    if (!lazy.argv)
        prepare_restart();
    lazy.map = map;
    lazy.fd = fd;
    lazy.size = size;
    lazy.data_end = h->data_end;
    lazy.sums = sums;
    lazy.checked = xcalloc(h->data_end / BLOCK, 1);
    lazy.checked[0] = 1; /* the header's block, checked apart and never
                            opened: lazy_check reads checked[b - 1] */
    lazy.path = cache_path(st);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous_segv);
    lazy_on = 1;
    /* The strings end with a NUL, so that none runs off their end. */
    if (strings->size &&
        (lazy_check((strings->offset + strings->size - 1) / BLOCK) ||
         map[strings->offset + strings->size - 1] != '\0')) {
        lazy.fd = -1;
        lazy.sums = NULL;
        lazy_unmap(map, size);
        return 1;
    }
    attach(map, h, s);
    s->map = map;
    s->map_size = size;
    s->unmap = lazy_unmap;
    return 0;
}

/* Reads the header and the table of block sums of the image of fd (size
 * bytes) and checks them; 0 when sound, with *sums allocated. */
static int read_layout(int fd, size_t size, struct image_header *h,
                       uint64_t **sums)
{
    uint64_t n;

    if (pread(fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h) ||
        check_header(h, size))
        return 1;
    n = size - h->data_end;
    *sums = xmalloc(n + 1);
    if (pread(fd, *sums, n, (off_t)h->data_end) != (ssize_t)n ||
        image_sum(*sums, n) != h->sums_sum) {
        free(*sums);
        *sums = NULL;
        return 1;
    }
    return 0;
}

/* Maps the whole image writable and checks it all (image_decode). */
static int eager_load(int fd, size_t size, struct snapshot *s,
                      struct image_info *info)
{
    void *map =
        mmap((void *)(uintptr_t)IMAGE_BASE, size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);

    if (map == MAP_FAILED)
        map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return 1;
    if (image_decode(map, size, s, info)) {
        snapshot_release(s);
        snapshot_init(s);
        munmap(map, size);
        return 1;
    }
    s->map = map;
    s->map_size = size;
    return 0;
}

int cache_load(struct store *st, struct snapshot *s, struct image_info *info)
{
    char *path = cache_path(st);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct image_header h;
    uint64_t *sums = NULL;
    struct stat sb;
    size_t size;
    int bad;

    free(path);
    if (fd < 0)
        return 1;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < (off_t)BLOCK ||
        (uint64_t)sb.st_size > SIZE_MAX / 2) {
        close(fd);
        return 1;
    }
    size = (size_t)sb.st_size;
    bad = read_layout(fd, size, &h, &sums);
    if (!bad) {
        info->seq = h.seq;
        snprintf(info->hash, sizeof(info->hash), "%s", h.hash);
        if (lazy_wanted(h.data_end) && !lazy_load(st, fd, &h, sums, size, s))
            return 0; /* fd and sums stay, for the checks on touch */
        free(sums);
        bad = eager_load(fd, size, s, info);
    }
    close(fd);
    return bad;
}
