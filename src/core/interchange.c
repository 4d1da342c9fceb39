/*
 * Reading and writing the interchange CSV files. The header row maps each
 * column to a field of the entity's descriptor; every later record is parsed
 * field by field through the descriptor, checked by the entity's rules and
 * appended to the snapshot. Export walks the same descriptors, so an export
 * read back yields the same records and, exported again, the same bytes.
 */
#include "core/interchange.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/date.h"
#include "base/input.h"
#include "base/xalloc.h"

const enum entity_kind INTERCHANGE_ENTITIES[] = {
    ENT_MISSION, ENT_PERSON, ENT_POSTING, ENT_DEPENDENT, ENT_VISA, ENT_CONSULAR,
};
const int INTERCHANGE_N_ENTITIES =
    sizeof(INTERCHANGE_ENTITIES) / sizeof(INTERCHANGE_ENTITIES[0]);

/* A record naming a record of its own file not read yet (a visa whose
 * previous case comes later): kept aside, and added right after the one it
 * names. So the snapshot, the tables and the export always hold a record
 * after the one it refers to, which every reader of them counts on. */
struct pending_row {
    void *rec;          /* a copy, its reference not set yet */
    char *own;          /* its key */
    char *wants;        /* the key it names */
    unsigned long line; /* where it is */
    uint32_t next;      /* the next one waiting for the same key */
    int added;
};

struct row_line {
    uint32_t row;
    unsigned long line;
};

struct file_reader {
    struct snapshot *s;
    const struct entity *ent;
    const char *path;
    struct problems *p;
    const struct read_progress *progress;
    const struct field *columns[CSV_MAX_FIELDS];
    size_t n_columns;
    unsigned long n_records;
    int have_header;
    int header_ok;            /* every required column is there */
    void *rec;                /* scratch record */
    const struct field *self; /* a column referring to the file's entity */
    char *forward;            /* the key it names, when not read yet */
    struct pending_row *pending;
    size_t n_pending, alloc_pending, n_waiting;
    struct idmap waiting;   /* a key named -> the first record waiting */
    struct row_line *lines; /* of the records added, in order */
    size_t n_lines, alloc_lines;
};

static void read_header(struct file_reader *r, const struct csv_record *rec)
{
    const struct entity *ent = r->ent;

    r->n_columns = rec->n_fields;
    for (size_t i = 0; i < rec->n_fields; i++) {
        const struct field *f = entity_field(ent, rec->fields[i]);

        r->columns[i] = f;
        if (!f)
            problems_add(r->p, "%s:%lu: column '%s': unknown column", r->path,
                         rec->line, rec->fields[i]);
        for (size_t j = 0; f && j < i; j++) {
            if (r->columns[j] == f)
                problems_add(r->p, "%s:%lu: column '%s': repeated column",
                             r->path, rec->line, f->name);
        }
    }
    for (int k = 0; k < ent->n_fields; k++) {
        const struct field *f = &ent->fields[k];
        size_t i;

        for (i = 0; i < r->n_columns && r->columns[i] != f; i++)
            ;
        if (i == r->n_columns && (f->flags & FIELD_REQUIRED))
            problems_add(r->p, "%s:%lu: column '%s': required column missing",
                         r->path, rec->line, f->name);
        else
            continue;
        r->header_ok = 0;
    }
}

/* Parses the fields of one record into r->rec; 1 when its key parsed. */
static int parse_fields(struct file_reader *r, const struct csv_record *rec)
{
    int key_ok = 1;
    struct err e;

    record_clear(r->ent, r->rec);
    for (size_t i = 0; i < rec->n_fields && i < r->n_columns; i++) {
        const struct field *f = r->columns[i];

        if (!f)
            continue;
        /* An empty boolean would be exported as false: refused, so that
         * what is imported is what is exported. */
        if (f->type == FT_BOOL && !*rec->fields[i])
            err_set(&e, ST_INVALID, "a value is required (true or false)");
        else if (f == r->self && *rec->fields[i] &&
                 snapshot_find(r->s, f->ref, rec->fields[i]) == IDMAP_NONE) {
            /* Perhaps a later row: resolved at the end of the file. */
            free(r->forward);
            r->forward = xstrdup(rec->fields[i]);
            continue;
        } else if (!field_parse(r->s, f, r->rec, rec->fields[i], &e))
            continue;
        problems_add(r->p, "%s:%lu: column '%s': %s", r->path, rec->line,
                     f->name, e.msg);
        key_ok &= !(f->flags & FIELD_KEY);
    }
    return key_ok;
}

/* Keeps the record in r->rec aside until the key it names is read. */
static void add_pending(struct file_reader *r, unsigned long line)
{
    struct pending_row *q;
    char key[256];
    uint32_t first;

    XGROW(r->pending, r->n_pending + 1, r->alloc_pending);
    q = &r->pending[r->n_pending];
    q->rec = xmalloc(r->ent->size);
    memcpy(q->rec, r->rec, r->ent->size);
    q->own = xstrdup(record_key(r->s, r->ent, r->rec, key, sizeof(key)));
    q->wants = r->forward;
    q->line = line;
    q->added = 0;
    r->forward = NULL;
    first = idmap_get(&r->waiting, q->wants);
    q->next = first;
    if (first != IDMAP_NONE)
        idmap_remove(&r->waiting, q->wants);
    idmap_put(&r->waiting, q->wants, (uint32_t)r->n_pending++);
    r->n_waiting++;
}

/* Checks and adds one record; its index, or IDMAP_NONE. */
static uint32_t add_record(struct file_reader *r, void *rec, unsigned long line)
{
    char where[512];
    uint32_t row;
    struct err e;

    snprintf(where, sizeof(where), "%s:%lu", r->path, line);
    if (r->ent->check)
        r->ent->check(r->s, rec, where, r->p);
    if (!snapshot_add(r->s, r->ent->kind, rec, &row, &e)) {
        if (r->ent->kind == ENT_POSTING) {
            XGROW(r->lines, r->n_lines + 1, r->alloc_lines);
            r->lines[r->n_lines++] = (struct row_line){ row, line };
        }
        return row;
    }
    problems_add(r->p, "%s: column '%s': %s", where, r->ent->fields[0].name,
                 e.msg);
    return IDMAP_NONE;
}

/* Adds the records that wait for the record just added at row, and those
 * that wait for them in turn (a worklist, not recursion: a chain may be
 * as long as the file). */
static void add_waiting(struct file_reader *r, uint32_t row)
{
    uint32_t *work = NULL;
    size_t n = 0, alloc = 0;

    XGROW(work, 1, alloc);
    work[n++] = row;
    while (n && r->n_waiting) {
        const void *done = snapshot_row(r->s, r->ent->kind, work[--n]);
        char key[256];
        const char *k = record_key(r->s, r->ent, done, key, sizeof(key));
        uint32_t i = idmap_get(&r->waiting, k), at = work[n];

        if (i != IDMAP_NONE)
            idmap_remove(&r->waiting, k);
        for (; i != IDMAP_NONE; i = r->pending[i].next) {
            struct pending_row *q = &r->pending[i];
            uint32_t added;

            q->added = 1;
            r->n_waiting--;
            field_set_ref(r->self, q->rec, at);
            added = add_record(r, q->rec, q->line);
            if (added != IDMAP_NONE) {
                XGROW(work, n + 1, alloc);
                work[n++] = added;
            }
        }
    }
    free(work);
}

void interchange_add_row(struct snapshot *s, const struct entity *ent,
                         const void *rec, const char *where, struct problems *p)
{
    struct err e;

    if (ent->check)
        ent->check(s, rec, where, p);
    if (snapshot_add(s, ent->kind, rec, NULL, &e))
        problems_add(p, "%s: column '%s': %s", where, ent->fields[0].name,
                     e.msg);
}

static enum status read_record(const struct csv_record *rec, void *arg)
{
    struct file_reader *r = arg;
    uint32_t row;

    if (!r->have_header) {
        r->have_header = r->header_ok = 1;
        read_header(r, rec);
        return ST_OK;
    }
    r->n_records++;
    if (rec->n_fields != r->n_columns)
        problems_add(r->p, "%s:%lu: expected %zu fields, found %zu", r->path,
                     rec->line, r->n_columns, rec->n_fields);
    /* Without a required column no row is whole: none is checked (the
     * checks count on required values) or added. */
    if (r->header_ok && parse_fields(r, rec)) {
        if (r->forward)
            add_pending(r, rec->line);
        else if ((row = add_record(r, r->rec, rec->line)) != IDMAP_NONE &&
                 r->n_waiting)
            add_waiting(r, row);
    }
    free(r->forward);
    r->forward = NULL;
    if (r->progress)
        r->progress->fn(r->progress->ctx, r->path, r->n_records);
    return ST_OK;
}

/* Reserving room up front spares a large import the copies of growing its
 * tables and indexes step by step. */
size_t interchange_estimate_records(const char *path)
{
    static char head[1 << 16];
    struct stat sb;
    size_t n, lines = 0;
    uint64_t max;
    FILE *f;

    if (input_open(path, &f, &max, NULL))
        return 0;
    n = fread(head, 1, sizeof(head), f);
    if (fstat(fileno(f), &sb))
        sb.st_size = 0;
    fclose(f);
    for (const char *c = head;
         n && (c = memchr(c, '\n', n - (size_t)(c - head))); c++)
        lines++;
    if (!n || !lines)
        return 0;
    return (size_t)((double)sb.st_size / (double)n * (double)lines * 1.05);
}

/* The record still waiting whose own key is key: an index, or IDMAP_NONE. */
static uint32_t waiting_own(const struct file_reader *r,
                            const struct idmap *own, const char *key)
{
    uint32_t i = idmap_get(own, key);

    return i != IDMAP_NONE && !r->pending[i].added ? i : IDMAP_NONE;
}

/* Reports one record still waiting at the end of its file: it names a
 * key no record has, or a record that waits in turn, around a cycle (named
 * once, at its first record) or towards a key no record has. */
static void report_waiting(struct file_reader *r, const struct idmap *own,
                           uint32_t i)
{
    const struct pending_row *q = &r->pending[i];
    uint32_t j = waiting_own(r, own, q->wants), lowest = i;
    char chain[512];
    size_t n = 0, steps = 0;

    if (j == IDMAP_NONE) {
        problems_add(r->p, "%s:%lu: column '%s': unknown %s '%s'", r->path,
                     q->line, r->self->name, ENTITIES[r->self->ref]->name,
                     q->wants);
        return;
    }
    while (j != IDMAP_NONE && j != i && ++steps <= r->n_pending) {
        lowest = j < lowest ? j : lowest;
        j = waiting_own(r, own, r->pending[j].wants);
    }
    if (j != i) {
        problems_add(r->p, "%s:%lu: column '%s': %s '%s' is not valid", r->path,
                     q->line, r->self->name, ENTITIES[r->self->ref]->name,
                     q->wants);
        return;
    }
    if (lowest != i)
        return; /* the cycle is named at its first record */
    do {
        int w =
            snprintf(chain + n, sizeof(chain) - n, "%s -> ", r->pending[j].own);

        n += w > 0 && (size_t)w < sizeof(chain) - n ? (size_t)w : 0;
        j = waiting_own(r, own, r->pending[j].wants);
    } while (j != i);
    problems_add(r->p, "%s:%lu: column '%s': a cycle of references: %s%s",
                 r->path, q->line, r->self->name, chain, q->own);
}

/* Reports the records still waiting at the end of the file, and frees
 * them all. */
static void end_pending(struct file_reader *r)
{
    struct idmap own;

    idmap_init(&own);
    for (size_t i = 0; i < r->n_pending; i++)
        if (!r->pending[i].added)
            idmap_put(&own, r->pending[i].own, (uint32_t)i);
    for (size_t i = 0; r->n_waiting && i < r->n_pending; i++)
        if (!r->pending[i].added)
            report_waiting(r, &own, (uint32_t)i);
    idmap_release(&own);
    for (size_t i = 0; i < r->n_pending; i++) {
        free(r->pending[i].rec);
        free(r->pending[i].own);
        free(r->pending[i].wants);
    }
    free(r->pending);
    idmap_release(&r->waiting);
}

/* A tour of duty as the overlap check sorts them. */
struct tour {
    uint32_t person, mission;
    int32_t start, end; /* end INT32_MAX while open */
    uint32_t row;
};

static const struct snapshot *tours_of; /* for the comparison */

/* Orders tours by person, mission, category, rank, title, then start. */
static int by_tour_start(const void *a, const void *b)
{
    const struct tour *x = a, *y = b;
    const struct posting *p = snap_posting(tours_of, x->row),
                         *q = snap_posting(tours_of, y->row);
    int c;

    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    if (x->mission != y->mission)
        return x->mission < y->mission ? -1 : 1;
    if (p->category != q->category)
        return p->category < q->category ? -1 : 1;
    if (p->rank != q->rank)
        return p->rank < q->rank ? -1 : 1;
    c = strcmp(p->title ? p->title : "", q->title ? q->title : "");
    if (c)
        return c;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* The line a posting of this file was read from; 0 for an older one. */
static unsigned long line_of_row(const struct file_reader *r, uint32_t row)
{
    size_t lo = 0, hi = r->n_lines;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (r->lines[mid].row < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n_lines && r->lines[lo].row == row ? r->lines[lo].line : 0;
}

static void report_overlap(struct file_reader *r, const struct tour *a,
                           const struct tour *b)
{
    const struct posting *x = snap_posting(r->s, a->row),
                         *y = snap_posting(r->s, b->row);
    unsigned long line = line_of_row(r, b->row);
    char d[DATE_BUF];

    if (!line) /* b is older: the new one is a */
        line = line_of_row(r, a->row), x = y, y = snap_posting(r->s, a->row);
    date_format(a->start > b->start ? a->start : b->start, d);
    problems_add(r->p,
                 "%s:%lu: column 'person': person '%s' already holds posting "
                 "'%s' at mission '%s' on %s: the same tour is not held "
                 "twice at once",
                 r->path, line, snap_person(r->s, y->person)->id, x->id,
                 snap_mission(r->s, y->mission)->id, d);
}

/* The same tour (posting_same_tour) is not held twice at once: two
 * identical rows under two ids would count one diplomat twice. All
 * postings are sorted by tour and start, once per file, so that a file of
 * a million rows is checked in n log n; only pairs with a row of this file
 * are reported. */
static void check_tours(struct file_reader *r)
{
    size_t n = snapshot_count(r->s, ENT_POSTING), m = 0;
    struct tour *t;

    if (r->ent->kind != ENT_POSTING || !r->n_lines)
        return;
    t = xcalloc(n + 1, sizeof(*t));
    for (uint32_t i = 0; i < n; i++) {
        const struct posting *x = snap_posting(r->s, i);
        int32_t start = x->arrived != DATE_NONE ? x->arrived : x->notified;

        if (x->person == IDMAP_NONE || x->mission == IDMAP_NONE ||
            start == DATE_NONE)
            continue;
        t[m++] =
            (struct tour){ x->person, x->mission, start,
                           x->ended != DATE_NONE ? x->ended : INT32_MAX, i };
    }
    tours_of = r->s;
    qsort(t, m, sizeof(*t), by_tour_start);
    for (size_t i = 1, open = 0; i < m; i++) {
        if (!posting_same_tour(snap_posting(r->s, t[i].row),
                               snap_posting(r->s, t[open].row))) {
            open = i;
            continue;
        }
        if (t[i].start < t[open].end &&
            (line_of_row(r, t[i].row) || line_of_row(r, t[open].row)))
            report_overlap(r, &t[open], &t[i]);
        if (t[i].end > t[open].end)
            open = i;
    }
    free(t);
}

/* The column of ent that refers to ent itself, or NULL. */
static const struct field *self_reference(const struct entity *ent)
{
    for (int k = 0; k < ent->n_fields; k++)
        if (ent->fields[k].type == FT_REF && ent->fields[k].ref == ent->kind)
            return &ent->fields[k];
    return NULL;
}

/* Reads through csv_read_file, or from f when it is not NULL. */
static enum status read_csv(struct snapshot *s, const struct entity *ent,
                            const char *path, FILE *f, struct problems *p,
                            const struct read_progress *progress, struct err *e)
{
    struct file_reader r;
    enum status st;

    memset(&r, 0, sizeof(r));
    r.s = s;
    r.ent = ent;
    r.path = path;
    r.p = p;
    r.progress = progress;
    r.rec = xmalloc(ent->size);
    r.self = self_reference(ent);
    idmap_init(&r.waiting);
    if (f)
        st = csv_read_stream(f, path, INPUT_MAX_DEFAULT, read_record, &r, e);
    else {
        snapshot_reserve(s, ent->kind, interchange_estimate_records(path));
        st = csv_read_file(path, read_record, &r, e);
    }
    free(r.rec);
    free(r.forward);
    end_pending(&r);
    check_tours(&r);
    free(r.lines);
    if (st == ST_INVALID) {
        problems_add(p, "%s", e->msg);
        return ST_OK;
    }
    if (!st && !r.have_header)
        problems_add(p, "%s:1: the header row is missing", path);
    return st;
}

enum status interchange_read_file(struct snapshot *s, const struct entity *ent,
                                  const char *path, struct problems *p,
                                  const struct read_progress *progress,
                                  struct err *e)
{
    return read_csv(s, ent, path, NULL, p, progress, e);
}

enum status interchange_read_stream(struct snapshot *s,
                                    const struct entity *ent, const char *path,
                                    FILE *f, struct problems *p, struct err *e)
{
    return read_csv(s, ent, path, f, p, NULL, e);
}

const struct entity *interchange_entity_of(const char *path)
{
    const char *base = strrchr(path, '/');
    char stem[64];
    size_t n;

    base = base ? base + 1 : path;
    n = strlen(base);
    if (n < 5 || n - 4 >= sizeof(stem) || strcmp(base + n - 4, ".csv"))
        return NULL;
    memcpy(stem, base, n - 4);
    stem[n - 4] = '\0';
    for (int i = 0; i < INTERCHANGE_N_ENTITIES; i++) {
        const struct entity *ent = ENTITIES[INTERCHANGE_ENTITIES[i]];

        if (!strcmp(ent->table, stem))
            return ent;
    }
    return NULL;
}

/* 1 when column k is written: always, but for a column added later
 * (FIELD_ADDED) that no record has, so that a registry that never used it
 * exports the files it imported. */
static int column_written(const struct snapshot *s, const struct entity *ent,
                          int k)
{
    if (!(ent->fields[k].flags & FIELD_ADDED))
        return 1;
    for (uint32_t i = 0; i < snapshot_count(s, ent->kind); i++)
        if (!field_is_absent(&ent->fields[k], snapshot_row(s, ent->kind, i)))
            return 1;
    return 0;
}

enum status interchange_format(const struct snapshot *s,
                               const struct entity *ent, struct buf *b)
{
    enum status st = ST_OK;
    int n_written = 0;
    int written[64];

    if (ent->n_fields > 64)
        BUG("entity '%s' has too many fields", ent->name);
    for (int k = 0; k < ent->n_fields; k++) {
        if (!(written[k] = column_written(s, ent, k)))
            continue;
        st |= buf_addstr(b, n_written++ ? "," : "") |
              buf_addstr(b, ent->fields[k].name);
    }
    st |= buf_addch(b, '\n');
    for (uint32_t i = 0; i < snapshot_count(s, ent->kind) && !st; i++) {
        const void *rec = snapshot_row(s, ent->kind, i);

        for (int k = 0; k < ent->n_fields; k++) {
            char tmp[FIELD_BUF];

            if (!written[k])
                continue;
            st |= buf_addstr(b, k ? "," : "");
            st |= csv_add_field(b, field_text(s, &ent->fields[k], rec, tmp));
        }
        st |= buf_addch(b, '\n');
    }
    return st ? ST_ERROR : ST_OK;
}

/* Writes b to path through a temporary file renamed into place, so a
 * failed export never leaves half a file. */
static enum status write_file(const char *path, const struct buf *b,
                              struct err *e)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    enum status st = ST_OK;

    if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f)) {
        st =
            err_set(e, ST_ERROR, "cannot write '%s': %s", tmp, strerror(errno));
        if (f)
            remove(tmp);
    } else if (rename(tmp, path)) {
        st = err_set(e, ST_ERROR, "cannot write '%s': %s", path,
                     strerror(errno));
    }
    free(tmp);
    return st;
}

enum status interchange_write_file(const char *path, const struct buf *b,
                                   struct err *e)
{
    return write_file(path, b, e);
}

enum status interchange_write_dir(const struct snapshot *s, const char *dir,
                                  struct err *e)
{
    enum status st = ST_OK;
    struct buf b;

    if (mkdir(dir, 0777) && errno != EEXIST)
        return err_set(e, ST_ERROR, "cannot create '%s': %s", dir,
                       strerror(errno));
    buf_init(&b, BUF_MAX_DEFAULT * 4);
    for (int i = 0; i < INTERCHANGE_N_ENTITIES && !st; i++) {
        const struct entity *ent = ENTITIES[INTERCHANGE_ENTITIES[i]];
        char *path = xasprintf("%s/%s.csv", dir, ent->table);

        buf_reset(&b);
        st = interchange_format(s, ent, &b);
        if (st)
            err_set(e, st, "'%s' is too large to write", path);
        else
            st = write_file(path, &b, e);
        free(path);
    }
    buf_release(&b);
    return st;
}
