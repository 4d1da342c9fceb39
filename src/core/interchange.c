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
#include "base/xalloc.h"

const enum entity_kind INTERCHANGE_ENTITIES[] = {
    ENT_MISSION, ENT_PERSON, ENT_POSTING, ENT_DEPENDENT, ENT_VISA, ENT_CONSULAR,
};
const int INTERCHANGE_N_ENTITIES =
    sizeof(INTERCHANGE_ENTITIES) / sizeof(INTERCHANGE_ENTITIES[0]);

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
    void *rec; /* scratch record */
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
        if (field_parse(r->s, f, r->rec, rec->fields[i], &e)) {
            problems_add(r->p, "%s:%lu: column '%s': %s", r->path, rec->line,
                         f->name, e.msg);
            key_ok &= !(f->flags & FIELD_KEY);
        }
    }
    return key_ok;
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
    char where[512];

    if (!r->have_header) {
        r->have_header = 1;
        read_header(r, rec);
        return ST_OK;
    }
    r->n_records++;
    if (rec->n_fields != r->n_columns)
        problems_add(r->p, "%s:%lu: expected %zu fields, found %zu", r->path,
                     rec->line, r->n_columns, rec->n_fields);
    snprintf(where, sizeof(where), "%s:%lu", r->path, rec->line);
    if (parse_fields(r, rec))
        interchange_add_row(r->s, r->ent, r->rec, where, r->p);
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
    FILE *f = fopen(path, "rb");

    if (!f)
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

enum status interchange_read_file(struct snapshot *s, const struct entity *ent,
                                  const char *path, struct problems *p,
                                  const struct read_progress *progress,
                                  struct err *e)
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
    snapshot_reserve(s, ent->kind, interchange_estimate_records(path));
    st = csv_read_file(path, read_record, &r, e);
    free(r.rec);
    if (st == ST_INVALID) {
        problems_add(p, "%s", e->msg);
        return ST_OK;
    }
    if (!st && !r.have_header)
        problems_add(p, "%s:1: the header row is missing", path);
    return st;
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

static enum status format_file(const struct snapshot *s,
                               const struct entity *ent, struct buf *b)
{
    enum status st = ST_OK;

    for (int k = 0; k < ent->n_fields; k++)
        st |= buf_addstr(b, k ? "," : "") | buf_addstr(b, ent->fields[k].name);
    st |= buf_addch(b, '\n');
    for (uint32_t i = 0; i < snapshot_count(s, ent->kind) && !st; i++) {
        const void *rec = snapshot_row(s, ent->kind, i);

        for (int k = 0; k < ent->n_fields; k++) {
            char tmp[FIELD_BUF];

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
        st = format_file(s, ent, &b);
        if (st)
            err_set(e, st, "'%s' is too large to write", path);
        else
            st = write_file(path, &b, e);
        free(path);
    }
    buf_release(&b);
    return st;
}
