/*
 * The snapshot image: a binary image of a snapshot kept beside the
 * database as PATH.snapshot, mapped into memory (mmap, private) and used in
 * place, so that a read neither runs SQL over the tables nor parses or
 * copies the records: the rows, the strings and the key indexes are used
 * where they lie. The string pointers in rows and index slots are written
 * for an image mapped at IMAGE_BASE, where a load asks to map it
 * (MAP_FIXED_NOREPLACE); there they are only checked, and no page is
 * written or copied. Mapped elsewhere (the address taken), they are
 * relocated in place, which copies the pages that hold them by
 * copy-on-write.
 *
 * It is this machine's memory layout, not an interchange format. Layout
 * (docs/registry.md, "The snapshot image"):
 *
 *     header | strings | per entity: rows | per entity: index slots
 *
 * The header names the change-log head the image holds (seq and hash) and,
 * for every section, its offset, size, count and checksum; the header has
 * a checksum of its own. Nothing in the file is trusted: the header's
 * checksum, every section's bounds (in the file, no overlap with the
 * header, sizes that match the counts, so no count can make a load
 * allocate anything) and every section's checksum are checked before the
 * section is used, and after them every offset, reference, enumeration,
 * date and index slot. Any failure ignores the image (the tables answer,
 * and the load writes a new image).
 *
 * The checksum is a 64-bit one of four multiply-xor lanes over 8-byte
 * words (image_sum), not BLAKE2b: it runs at memory speed (an image of
 * the 1M-posting world is checked in a few tens of milliseconds, where
 * BLAKE2b takes several times longer), and since each step is a bijection
 * of the lane for a given word, a change confined to one word (any flipped
 * byte) always changes the sum; other damage escapes it with odds of about
 * 2^-64. It guards against accident (a torn write, a flipped bit, an
 * edit), not malice: an image forged with matching sums is caught by
 * `audit verify`, which compares the image with the tables.
 *
 * An image is written to a file of the process's own (PATH.snapshot.PID)
 * and renamed into place, so a reader sees the old image or the new one,
 * never a part; it is not synced: a torn image after a power cut fails its
 * checksums and is rebuilt.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "store/internal.h"

#define IMAGE_MAGIC "CHIMG003"
#define ALIGN       64

struct image_slot {
    uint64_t key; /* the key's address at IMAGE_BASE; 0: an empty slot */
    uint32_t hash;
    uint32_t value;
};

/* The slots are decoded in place into the index's own slots. */
_Static_assert(sizeof(struct image_slot) == sizeof(struct idmap_slot) &&
                   sizeof(void *) == sizeof(uint64_t),
               "image slots have the layout of index slots");

#define SEC_STRINGS  0
#define SEC_ROWS(k)  (1 + (k))
#define SEC_SLOTS(k) (1 + ENT__COUNT + (k))
#define SEC_COUNT    (1 + 2 * ENT__COUNT)

struct image_section {
    uint64_t offset, size, count, sum;
};

struct image_header {
    char magic[8];
    uint64_t layout;
    uint64_t base; /* the address the pointers were written for */
    int64_t seq;
    char hash[72];
    uint64_t file_size;
    struct image_section sec[SEC_COUNT];
    uint64_t sum; /* of every byte above */
};

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

int cache_wanted(void)
{
    const char *mode = getenv("CHANCERY_SNAPSHOT_CACHE");

    return !(mode && !strcmp(mode, "never"));
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

static uint64_t align_up(uint64_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

/* Appends s and its NUL to the strings (the first section, right after the
 * header); returns its address in an image mapped at IMAGE_BASE. */
static uint64_t blob_add(struct buf *blob, const char *s)
{
    uint64_t at =
        IMAGE_BASE + align_up(sizeof(struct image_header)) + blob->len;

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

/* Places section i of size bytes after the previous ones and sums it. */
static void place(struct image_header *h, int i, uint64_t *at, const void *data,
                  uint64_t size, uint64_t count)
{
    h->sec[i].offset = *at;
    h->sec[i].size = size;
    h->sec[i].count = count;
    h->sec[i].sum = image_sum(data, size);
    *at = align_up(*at + size);
}

static int write_padded(FILE *f, const void *data, uint64_t size)
{
    static const char zeros[ALIGN];
    uint64_t pad = align_up(size) - size;

    return fwrite(data, 1, size, f) != size || fwrite(zeros, 1, pad, f) != pad;
}

/* Writes the sections in order; 0 on success. */
static int write_image(FILE *f, const struct image_header *h,
                       const void *const *data)
{
    int bad = write_padded(f, h, sizeof(*h));

    for (int i = 0; i < SEC_COUNT && !bad; i++)
        bad = write_padded(f, data[i], h->sec[i].size);
    return bad;
}

void cache_save(struct store *st, int64_t seq, const char *hash,
                const struct snapshot *s)
{
    struct image_header h;
    const void *data[SEC_COUNT];
    char *rows[ENT__COUNT], *path = cache_path(st), *tmp;
    struct image_slot *slots[ENT__COUNT];
    struct buf blob;
    uint64_t at = align_up(sizeof(h));
    FILE *f;
    int bad;

    memset(&h, 0, sizeof(h));
    memcpy(h.magic, IMAGE_MAGIC, sizeof(h.magic));
    h.layout = layout_fingerprint();
    h.base = IMAGE_BASE;
    h.seq = seq;
    snprintf(h.hash, sizeof(h.hash), "%s", hash);
    buf_init(&blob, SIZE_MAX / 2);
    for (int k = 0; k < ENT__COUNT; k++) {
        size_t n;

        rows[k] = encode_rows(s, k, &blob);
        slots[k] = encode_slots(&s->tables[k].by_key, &blob, &n);
        data[SEC_ROWS(k)] = rows[k];
        data[SEC_SLOTS(k)] = slots[k];
        h.sec[SEC_SLOTS(k)].count = n;
    }
    data[SEC_STRINGS] = blob.data ? blob.data : "";
    place(&h, SEC_STRINGS, &at, data[SEC_STRINGS], blob.len, blob.len);
    for (int k = 0; k < ENT__COUNT; k++)
        place(&h, SEC_ROWS(k), &at, rows[k],
              snapshot_count(s, k) * ENTITIES[k]->size, snapshot_count(s, k));
    for (int k = 0; k < ENT__COUNT; k++)
        place(&h, SEC_SLOTS(k), &at, slots[k],
              h.sec[SEC_SLOTS(k)].count * sizeof(struct image_slot),
              h.sec[SEC_SLOTS(k)].count);
    h.file_size = at;
    h.sum = image_sum(&h, offsetof(struct image_header, sum));
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

/* Checks the slots of entity k in place and makes them m's; 0 when sound. */
static int decode_slots(struct image_slot *in, uint64_t n, uint64_t count,
                        const struct image_view *v, struct idmap *m)
{
    uint64_t used = 0;

    if (n == 0)
        return count != 0;
    if ((n & (n - 1)) || n < 2 * count)
        return 1;
    for (uint64_t i = 0; i < n; i++) {
        if (!in[i].key)
            continue;
        if (in[i].value >= count || decode_pointer((char *)&in[i].key, v))
            return 1;
        used++;
    }
    if (used != count)
        return 1;
    m->slots = (struct idmap_slot *)(void *)in;
    m->mask = n - 1;
    m->count = count;
    return 0;
}

/* Checks section i's place in the file, its size against its count of
 * elements of elem bytes, and its checksum; 0 when sound. */
static int check_section(const struct image_view *v, int i, size_t elem)
{
    const struct image_section *x = &v->h->sec[i];
    uint64_t size = v->h->file_size;

    if (x->offset % ALIGN || x->offset < sizeof(struct image_header) ||
        x->offset > size || x->size > size - x->offset ||
        x->count > x->size / elem || x->count * elem != x->size)
        return 1;
    return image_sum(v->base + x->offset, x->size) != x->sum;
}

static int check_header(const struct image_header *h, size_t size)
{
    return size < sizeof(*h) || h->file_size != size ||
           image_sum(h, offsetof(struct image_header, sum)) != h->sum ||
           memcmp(h->magic, IMAGE_MAGIC, sizeof(h->magic)) ||
           h->layout != layout_fingerprint() || h->seq < 0 ||
           !memchr(h->hash, '\0', sizeof(h->hash));
}

static int decode_entity(struct image_view *v, int k, struct snapshot *s)
{
    const struct entity *ent = ENTITIES[k];
    struct record_table *t = &s->tables[k];
    const struct image_section *rows = &v->h->sec[SEC_ROWS(k)],
                               *slots = &v->h->sec[SEC_SLOTS(k)];

    if (rows->count >= IDMAP_NONE - 1)
        return 1;
    t->rows = v->base + rows->offset;
    t->n = t->alloc = rows->count;
    t->mapped = 1;
    return decode_rows(ent, t->rows, rows->count, v) ||
           decode_slots((struct image_slot *)(void *)(v->base + slots->offset),
                        slots->count, rows->count, v, &t->by_key);
}

int image_decode(void *data, size_t size, struct snapshot *s,
                 struct image_info *info)
{
    struct image_view v;
    int bad;

    memset(&v, 0, sizeof(v));
    v.base = data;
    v.h = data;
    v.first_day = date_from_ymd(DATE_MIN_YEAR, 1, 1);
    v.last_day = date_from_ymd(DATE_MAX_YEAR, 12, 31);

    if ((uintptr_t)data % ALIGN || check_header(v.h, size) ||
        check_section(&v, SEC_STRINGS, 1))
        return 1;
    v.strings = v.base + v.h->sec[SEC_STRINGS].offset;
    v.n_strings = v.h->sec[SEC_STRINGS].size;
    v.strings_at = v.h->base + v.h->sec[SEC_STRINGS].offset;
    v.relocate = (uint64_t)(uintptr_t)v.strings != v.strings_at;
    if (v.n_strings && v.strings[v.n_strings - 1] != '\0')
        return 1;
    /* Every section is checked before any row is decoded (the decoding
     * of references reads the counts of other entities), and the sections
     * must follow one another without overlap: decoding one in place must
     * not change another already checked. */
    for (int i = 1; i < SEC_COUNT; i++) {
        const struct image_section *x = &v.h->sec[i], *prev = &v.h->sec[i - 1];
        size_t elem = i < SEC_SLOTS(0) ? ENTITIES[i - 1]->size
                                       : sizeof(struct image_slot);

        if (check_section(&v, i, elem) || x->offset < prev->offset + prev->size)
            return 1;
    }
    bad = 0;
    for (int k = 0; k < ENT__COUNT && !bad; k++)
        bad = decode_entity(&v, k, s);
    if (bad)
        return 1;
    info->seq = v.h->seq;
    snprintf(info->hash, sizeof(info->hash), "%s", v.h->hash);
    return 0;
}

void image_seal(void *data, size_t size)
{
    struct image_header *h = data;

    if (size < sizeof(*h))
        return;
    h->file_size = size;
    for (int i = 0; i < SEC_COUNT; i++) {
        struct image_section *x = &h->sec[i];

        if (x->offset <= size && x->size <= size - x->offset)
            x->sum = image_sum((char *)data + x->offset, x->size);
    }
    h->sum = image_sum(h, offsetof(struct image_header, sum));
}

int cache_load(struct store *st, struct snapshot *s, struct image_info *info)
{
    char *path = cache_path(st);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    void *map;

    free(path);
    if (fd < 0)
        return 1;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) ||
        sb.st_size < (off_t)sizeof(struct image_header) ||
        (uint64_t)sb.st_size > SIZE_MAX / 2) {
        close(fd);
        return 1;
    }
    map =
        mmap((void *)(uintptr_t)IMAGE_BASE, (size_t)sb.st_size,
             PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
    if (map == MAP_FAILED)
        map = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return 1;
    if (image_decode(map, (size_t)sb.st_size, s, info)) {
        snapshot_release(s);
        snapshot_init(s);
        munmap(map, (size_t)sb.st_size);
        return 1;
    }
    s->map = map;
    s->map_size = (size_t)sb.st_size;
    return 0;
}
