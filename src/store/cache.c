/*
 * The snapshot cache: a binary image of a snapshot, kept beside the database
 * as PATH.snapshot, so that a large registry that has not changed loads in
 * a fraction of the time the tables take (reading every row through SQLite
 * and the field codec, and hashing every key again).
 *
 * The image is valid only for the registry it was made from: its tag is the
 * change log's head (seq and hash), which every write moves, and a
 * fingerprint of the record layouts of this build. It is this machine's
 * memory layout, not an interchange format. Layout of the file:
 *
 *     header | string blob | per entity: its rows, then its index slots
 *
 * In the rows, each string pointer is replaced by its offset in the blob
 * plus one (0 for NULL). Nothing in the file is trusted to be well formed:
 * every offset, reference, enumeration and index slot is checked before the
 * snapshot is used, so no file can crash a load, and any failure falls back
 * to the tables. The checks are structural, not a checksum of the text: the
 * file is derived data that chancery alone writes (atomically, by rename),
 * and deleting it only costs one slower load. A cache that cannot be
 * written is simply not written; registries under CACHE_MIN_RECORDS keep
 * none (CHANCERY_SNAPSHOT_CACHE=always|never overrides).
 */
#include <stdint.h>

#include "base/xalloc.h"
#include "store/internal.h"

#define CACHE_MAGIC   "CHSNAP01"
#define CACHE_TAG_MAX 96
/* Below this many records the tables load fast enough on their own. */
#define CACHE_MIN_RECORDS 200000

struct cache_header {
    char magic[8];
    uint64_t layout;
    char tag[CACHE_TAG_MAX];
    uint64_t blob_size;
    uint64_t count[ENT__COUNT];
    uint64_t n_slots[ENT__COUNT];
};

struct cache_slot {
    uint64_t key; /* offset in the blob, plus one */
    uint32_t hash;
    uint32_t value;
};

static char *cache_path(const struct store *st)
{
    return xasprintf("%s.snapshot", st->path);
}

int cache_wanted(size_t n_records)
{
    const char *mode = getenv("CHANCERY_SNAPSHOT_CACHE");

    if (mode && !strcmp(mode, "never"))
        return 0;
    if (mode && !strcmp(mode, "always"))
        return 1;
    return n_records >= CACHE_MIN_RECORDS;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 1099511628211u;
}

/* A fingerprint of every record layout, so a cache from another build of
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

/* Appends s and its NUL to the blob; returns its offset plus one. */
static uint64_t blob_add(struct buf *blob, const char *s)
{
    uint64_t off = blob->len + 1;

    if (buf_add(blob, s, strlen(s) + 1))
        BUG("snapshot cache blob too large");
    return off;
}

/* The rows of entity k with their string pointers made blob offsets. */
static char *encode_rows(const struct snapshot *s, int k, struct buf *blob)
{
    const struct entity *ent = ENTITIES[k];
    size_t n = snapshot_count(s, k);
    char *rows = xmalloc(n * ent->size + 1);

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

static struct cache_slot *encode_slots(const struct idmap *m, struct buf *blob,
                                       size_t *n)
{
    struct cache_slot *slots;

    *n = m->slots ? m->mask + 1 : 0;
    slots = xcalloc(*n + 1, sizeof(*slots));
    for (size_t i = 0; i < *n; i++) {
        if (!m->slots[i].key)
            continue;
        slots[i].key = blob_add(blob, m->slots[i].key);
        slots[i].hash = m->slots[i].hash;
        slots[i].value = m->slots[i].value;
    }
    return slots;
}

/* Writes the encoded snapshot; 0 on success. */
static int write_image(FILE *f, struct cache_header *h, struct buf *blob,
                       char **rows, struct cache_slot **slots)
{
    int bad = fwrite(h, sizeof(*h), 1, f) != 1 ||
              fwrite(blob->data, 1, blob->len, f) != blob->len;

    for (int k = 0; k < ENT__COUNT && !bad; k++) {
        bad =
            fwrite(rows[k], ENTITIES[k]->size, h->count[k], f) != h->count[k] ||
            fwrite(slots[k], sizeof(**slots), h->n_slots[k], f) !=
                h->n_slots[k];
    }
    return bad;
}

void cache_save(struct store *st, const char *tag, const struct snapshot *s)
{
    struct cache_header h = { CACHE_MAGIC, layout_fingerprint(), "", 0, { 0 },
                              { 0 } };
    char *rows[ENT__COUNT], *path = cache_path(st), *tmp;
    struct cache_slot *slots[ENT__COUNT];
    struct buf blob;
    FILE *f;
    int bad;

    snprintf(h.tag, sizeof(h.tag), "%s", tag);
    buf_init(&blob, SIZE_MAX / 2);
    for (int k = 0; k < ENT__COUNT; k++) {
        size_t n;

        h.count[k] = snapshot_count(s, k);
        rows[k] = encode_rows(s, k, &blob);
        slots[k] = encode_slots(&s->tables[k].by_key, &blob, &n);
        h.n_slots[k] = n;
    }
    h.blob_size = blob.len;
    tmp = xasprintf("%s.tmp", path);
    f = fopen(tmp, "wb");
    bad = !f || write_image(f, &h, &blob, rows, slots);
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

/* Checks one field of a decoded row and turns offsets into pointers;
 * 0 when the value is sound. */
static int decode_field(const struct field *f, char *at, const char *blob,
                        const struct cache_header *h)
{
    uint64_t off;
    uint32_t ref;
    int v;

    switch (f->type) {
    case FT_TEXT:
    case FT_HOST:
        memcpy(&off, at, sizeof(off));
        if (off > h->blob_size)
            return 1;
        {
            const char *p = off ? blob + off - 1 : NULL;

            memcpy(at, &p, sizeof(p));
        }
        return 0;
    case FT_CODE:
        return memchr(at, '\0', sizeof(state_code)) == NULL;
    case FT_ENUM:
        memcpy(&v, at, sizeof(v));
        return v < ENUM_NONE || v >= f->names->count;
    case FT_BOOL:
        memcpy(&v, at, sizeof(v));
        return v != 0 && v != 1;
    case FT_REF:
        memcpy(&ref, at, sizeof(ref));
        return ref != IDMAP_NONE && ref >= h->count[f->ref];
    default:
        return 0;
    }
}

static int decode_rows(const struct entity *ent, char *rows, const char *blob,
                       const struct cache_header *h)
{
    for (uint64_t i = 0; i < h->count[ent->kind]; i++) {
        for (int j = 0; j < ent->n_fields; j++) {
            const struct field *f = &ent->fields[j];

            if (decode_field(f, rows + i * ent->size + f->offset, blob, h))
                return 1;
        }
    }
    return 0;
}

/* Checks the index slots read from the file and fills m; 0 when sound. */
static int decode_slots(const struct cache_slot *in, uint64_t n,
                        const struct cache_header *h, int k, const char *blob,
                        struct idmap *m)
{
    m->slots = xcalloc_huge(n, sizeof(*m->slots));
    m->mask = n - 1;
    for (uint64_t i = 0; i < n; i++) {
        if (in[i].key > h->blob_size ||
            (in[i].key && in[i].value >= h->count[k]))
            return 1;
        if (!in[i].key)
            continue;
        m->slots[i].key = blob + in[i].key - 1;
        m->slots[i].hash = in[i].hash;
        m->slots[i].value = in[i].value;
        m->count++;
    }
    return m->count != h->count[k];
}

/* Reads and checks one entity's index slots into m; 0 when sound. */
static int read_slots(FILE *f, const struct cache_header *h, int k,
                      const char *blob, struct idmap *m)
{
    uint64_t n = h->n_slots[k];
    struct cache_slot *in;
    int bad;

    if (n == 0)
        return h->count[k] != 0;
    if ((n & (n - 1)) || n < 2 * h->count[k] || n > SIZE_MAX / sizeof(*in))
        return 1;
    in = xmalloc_huge(n * sizeof(*in));
    bad =
        fread(in, sizeof(*in), n, f) != n || decode_slots(in, n, h, k, blob, m);
    free(in);
    return bad;
}

static int read_entity(FILE *f, const struct cache_header *h, int k,
                       const char *blob, struct snapshot *s)
{
    const struct entity *ent = ENTITIES[k];
    struct record_table *t = &s->tables[k];
    uint64_t n = h->count[k];

    if (n >= IDMAP_NONE || n > SIZE_MAX / ent->size)
        return 1;
    t->rows = xmalloc_huge(n * ent->size + 1);
    t->n = t->alloc = n;
    if (fread(t->rows, ent->size, n, f) != n ||
        decode_rows(ent, t->rows, blob, h))
        return 1;
    return read_slots(f, h, k, blob, &t->by_key);
}

static int read_image(FILE *f, const char *tag, struct snapshot *s)
{
    struct cache_header h;
    char *blob;

    if (fread(&h, sizeof(h), 1, f) != 1 ||
        memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) ||
        h.layout != layout_fingerprint() ||
        strncmp(h.tag, tag, sizeof(h.tag)) || h.blob_size > SIZE_MAX / 2)
        return 1;
    blob = arena_alloc(&s->strings, h.blob_size + 1);
    if (fread(blob, 1, h.blob_size, f) != h.blob_size)
        return 1;
    blob[h.blob_size] = '\0';
    if (h.blob_size && blob[h.blob_size - 1] != '\0')
        return 1;
    for (int k = 0; k < ENT__COUNT; k++) {
        if (read_entity(f, &h, k, blob, s))
            return 1;
    }
    return fgetc(f) != EOF;
}

void cache_load(struct store *st, const char *tag, struct snapshot *s, int *hit)
{
    char *path = cache_path(st);
    FILE *f = fopen(path, "rb");

    *hit = 0;
    free(path);
    if (!f)
        return;
    *hit = !read_image(f, tag, s);
    fclose(f);
    if (*hit) {
        snapshot_index(s);
        return;
    }
    snapshot_release(s);
    snapshot_init(s);
}
