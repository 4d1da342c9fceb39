/*
 * The snapshot image's writer (store/cache.c describes the format): the
 * rows with their string pointers made addresses in an image mapped at
 * IMAGE_BASE, the key indexes' slots, the derived indexes, each section
 * aligned, written block by block with each block's sum, then the table
 * of sums and, last, the header.
 *
 * An image is written to a file of the process's own (PATH.snapshot.PID)
 * and renamed into place, so a reader sees the old image or the new one,
 * never a part, and a mapped file never changes under its reader; it is
 * not synced: a torn image after a power cut fails its checksums and is
 * rebuilt.
 *
 * The strings are written one field at a time, each in the order of the
 * records a command reads together (order_strings): a mission's postings
 * and their persons, so that a command on one mission or one pair of
 * states checks a few blocks of strings on first touch rather than one per
 * record (store/image_lazy.c). The rows keep their own order: a record's
 * number is its place in the snapshot. The posting rows are written a
 * second time, last, grouped by mission, the missions in the strings'
 * order (mission_rows), so that the postings of one mission, or of one
 * pair of states, lie in a few blocks: a command reading them reads
 * those, in order, not blocks all over the rows.
 */
#include <unistd.h>

#include "base/xalloc.h"
#include "core/presence.h"
#include "store/image.h"

static int is_pointer(const struct field *f)
{
    return f->type == FT_TEXT || f->type == FT_HOST;
}

static uint64_t align_up(uint64_t n, uint64_t to)
{
    return (n + to - 1) / to * to;
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

/* The order in which the strings of entity k's rows are written, so that
 * the records a command reads together have their strings together: a
 * mission's postings, their persons. */
struct string_order {
    uint32_t *rows[ENT__COUNT]; /* NULL: the rows' own order */
};

/* A mission's place in the order of missions. */
struct mission_key {
    const char *sending, *host;
    uint32_t row;
};

/* Missions by sending state, then host, then row. */
static int cmp_mission(const void *a, const void *b)
{
    const struct mission_key *x = a, *y = b;
    int c = strcmp(x->sending, y->sending);

    if (!c)
        c = strcmp(x->host, y->host);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Appends row i to order (of at most n rows) unless it is there. */
static void take(uint32_t *order, size_t *len, unsigned char *seen, uint32_t i,
                 size_t n)
{
    if (i < n && !seen[i]) {
        seen[i] = 1;
        order[(*len)++] = i;
    }
}

/* The rows of entity k not yet in order, in their own order. */
static void take_rest(uint32_t *order, size_t *len, unsigned char *seen,
                      size_t n)
{
    for (uint32_t i = 0; i < n; i++)
        take(order, len, seen, i, n);
}

/* Missions by (sending, host); their postings mission by mission; the
 * persons in the order their postings first name them. s is indexed. */
static void order_strings(const struct snapshot *s, struct string_order *o)
{
    size_t nm = snapshot_count(s, ENT_MISSION),
           np = snapshot_count(s, ENT_POSTING),
           nq = snapshot_count(s, ENT_PERSON), lp = 0, lq = 0;
    struct mission_key *keys = xcalloc(nm + 1, sizeof(*keys));
    uint32_t *missions = xcalloc(nm + 1, sizeof(*missions)),
             *postings = xcalloc(np + 1, sizeof(*postings)),
             *persons = xcalloc(nq + 1, sizeof(*persons));
    unsigned char *seen_p = xcalloc(np + 1, 1), *seen_q = xcalloc(nq + 1, 1);

    memset(o, 0, sizeof(*o));
    for (uint32_t m = 0; m < nm; m++) {
        const struct mission *ms = snap_mission(s, m);

        keys[m] =
            (struct mission_key){ ms->sending, ms->host ? ms->host : "", m };
    }
    qsort(keys, nm, sizeof(*keys), cmp_mission);
    for (size_t i = 0; i < nm; i++)
        missions[i] = keys[i].row;
    free(keys);
    for (size_t i = 0; i < nm; i++)
        ADJ_FOR_EACH(s->postings_by_mission, missions[i], t)
        {
            take(postings, &lp, seen_p, t, np);
        }
    take_rest(postings, &lp, seen_p, np);
    for (size_t i = 0; i < np; i++)
        take(persons, &lq, seen_q, snap_posting(s, postings[i])->person, nq);
    take_rest(persons, &lq, seen_q, nq);
    o->rows[ENT_MISSION] = missions;
    o->rows[ENT_POSTING] = postings;
    o->rows[ENT_PERSON] = persons;
    free(seen_p);
    free(seen_q);
}

static void order_release(struct string_order *o)
{
    for (int k = 0; k < ENT__COUNT; k++)
        free(o->rows[k]);
}

/* The rows of entity k with their string pointers made addresses: the
 * strings of one field of every row together, in the order o gives (a
 * command reads one field of many records more often than every field of
 * one). */
static char *encode_rows(const struct snapshot *s, int k,
                         const struct string_order *o, struct buf *blob)
{
    const struct entity *ent = ENTITIES[k];
    size_t n = snapshot_count(s, k);
    char *rows = xmalloc_huge(n * ent->size + 1);

    if (n)
        memcpy(rows, s->tables[k].rows, n * ent->size);
    for (int j = 0; j < ent->n_fields; j++) {
        const struct field *f = &ent->fields[j];

        if (!is_pointer(f))
            continue;
        for (size_t r = 0; r < n; r++) {
            size_t i = o->rows[k] ? o->rows[k][r] : r;
            char *at = rows + i * ent->size + f->offset;
            const char *p;
            uint64_t off;

            memcpy(&p, at, sizeof(p));
            off = p ? blob_add(blob, p) : 0;
            memcpy(at, &off, sizeof(off));
        }
    }
    return rows;
}

/* The field of entity ent that is its whole key, when it is one text
 * field; else NULL. */
static const struct field *key_field(const struct entity *ent)
{
    const struct field *key = NULL;

    for (int j = 0; j < ent->n_fields; j++) {
        if (!(ent->fields[j].flags & FIELD_KEY))
            continue;
        if (key || !is_pointer(&ent->fields[j]))
            return NULL;
        key = &ent->fields[j];
    }
    return key;
}

/* The slots of entity k's key index. A key that is its record's id
 * points at the id the record's row points at (written by encode_rows
 * into rows), not at a copy of its own. */
static struct image_slot *encode_slots(const struct snapshot *s, int k,
                                       const char *rows, struct buf *blob,
                                       size_t *n)
{
    const struct idmap *m = &s->tables[k].by_key;
    const struct field *key = key_field(ENTITIES[k]);
    size_t size = ENTITIES[k]->size;
    struct image_slot *slots;

    *n = m->slots ? m->mask + 1 : 0;
    slots = xcalloc_huge(*n + 1, sizeof(*slots));
    for (size_t i = 0; i < *n; i++) {
        const char *id;
        uint32_t v = m->slots[i].value;

        if (!m->slots[i].key)
            continue;
        slots[i].hash = m->slots[i].hash;
        slots[i].value = v;
        if (key && v < snapshot_count(s, k)) {
            memcpy(&id,
                   (const char *)s->tables[k].rows + v * size + key->offset,
                   sizeof(id));
            if (id && !strcmp(id, m->slots[i].key)) {
                memcpy(&slots[i].key, rows + v * size + key->offset,
                       sizeof(slots[i].key));
                continue;
            }
        }
        slots[i].key = blob_add(blob, m->slots[i].key);
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

/* The posting rows, encoded (rows), grouped by mission: the missions in
 * the order o gives, each one's postings in postings_by_mission's order
 * from (*at)[m] on. s is indexed. */
static char *mission_rows(const struct snapshot *s, const char *rows,
                          const struct string_order *o, uint32_t **at,
                          size_t *n)
{
    const struct adjacency *a = &s->postings_by_mission;
    size_t size = sizeof(struct posting), nm = snapshot_count(s, ENT_MISSION),
           k = 0;
    char *out;

    *n = a->start[nm];
    out = xmalloc_huge(*n * size + 1);
    *at = xcalloc(nm + 1, sizeof(**at));
    for (size_t i = 0; i < nm; i++) {
        uint32_t m = o->rows[ENT_MISSION][i];

        (*at)[m] = (uint32_t)k;
        for (uint32_t j = a->start[m]; j < a->start[m + 1]; j++, k++)
            memcpy(out + k * size, rows + (size_t)a->items[j] * size, size);
    }
    return out;
}

/* Places section i of count elements after the previous ones. */
static void place(struct image_header *h, int i, uint64_t *at, uint64_t count)
{
    h->sec[i].offset = *at;
    h->sec[i].count = count;
    h->sec[i].size = count * image_elem_size(i);
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

char *cache_save_tmp(struct store *st, int64_t seq, const char *hash,
                     struct snapshot *s)
{
    struct image_header h;
    const void *data[SEC_COUNT];
    uint64_t count[IX__COUNT];
    char *rows[ENT__COUNT], *path = image_path(st), *tmp, *by_mission;
    struct image_slot *slots[ENT__COUNT];
    size_t n_slots[ENT__COUNT], n_mission_rows;
    uint32_t *at_mission;
    struct buf blob;
    struct string_order order;
    uint64_t at = BLOCK;
    FILE *f;
    int bad;

    if (st->pg && st->pg_image_readonly) { /* store/pg_image.c */
        free(path);
        return NULL;
    }
    snapshot_index(s);
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, IMAGE_MAGIC, sizeof(h.magic));
    h.layout = image_layout();
    h.base = IMAGE_BASE;
    h.seq = seq;
    snprintf(h.hash, sizeof(h.hash), "%s", hash);
    buf_init(&blob, SIZE_MAX / 2);
    order_strings(s, &order);
    for (int k = 0; k < ENT__COUNT; k++) {
        rows[k] = encode_rows(s, k, &order, &blob);
        slots[k] = encode_slots(s, k, rows[k], &blob, &n_slots[k]);
        data[SEC_ROWS(k)] = rows[k];
        data[SEC_SLOTS(k)] = slots[k];
    }
    index_arrays(s, data + SEC_INDEX(0), count);
    by_mission = mission_rows(s, rows[ENT_POSTING], &order, &at_mission,
                              &n_mission_rows);
    data[SEC_MISSION_AT] = at_mission;
    data[SEC_MISSION_POSTINGS] = by_mission;
    data[SEC_STRINGS] = blob.data ? blob.data : "";
    place(&h, SEC_STRINGS, &at, blob.len);
    for (int k = 0; k < ENT__COUNT; k++)
        place(&h, SEC_ROWS(k), &at, snapshot_count(s, k));
    for (int k = 0; k < ENT__COUNT; k++)
        place(&h, SEC_SLOTS(k), &at, n_slots[k]);
    for (int j = 0; j < IX__COUNT; j++)
        place(&h, SEC_INDEX(j), &at, count[j]);
    place(&h, SEC_MISSION_AT, &at, snapshot_count(s, ENT_MISSION));
    place(&h, SEC_MISSION_POSTINGS, &at, n_mission_rows);
    h.data_end = align_up(at, BLOCK);
    h.file_size = h.data_end + h.data_end / BLOCK * sizeof(uint64_t);
    tmp = image_tmp_name(st, path);
    f = tmp ? fopen(tmp, "wb") : NULL;
    bad = !f || write_image(f, &h, data);
    if (f && fclose(f))
        bad = 1;
    if (bad && tmp) {
        remove(tmp);
        free(tmp);
        tmp = NULL;
    }
    for (int k = 0; k < ENT__COUNT; k++) {
        free(rows[k]);
        free(slots[k]);
    }
    free(by_mission);
    free(at_mission);
    order_release(&order);
    buf_release(&blob);
    free(path);
    return tmp;
}

void cache_publish(struct store *st, char *tmp, int keep)
{
    char *path;

    if (!tmp)
        return;
    path = image_path(st);
    if (!keep || rename(tmp, path))
        remove(tmp);
    free(path);
    free(tmp);
}

void cache_save(struct store *st, int64_t seq, const char *hash,
                struct snapshot *s)
{
    cache_publish(st, cache_save_tmp(st, seq, hash, s), 1);
}
