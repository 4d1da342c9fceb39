/*
 * The CSV reader. libcsv parses; we feed it the file in blocks and keep the
 * line count ourselves: with CSV_REPALL_NL every unquoted line feed ends a
 * (possibly empty) record, and line feeds inside quoted fields are counted
 * from the field text. Fields are checked as they complete, so a bad byte is
 * reported on the line it sits on. A record's fields are copied one after
 * the other into one buffer that every record reuses, since a large import
 * reads millions of fields and a copy of each of its own would cost an
 * allocation and a free apiece.
 *
 * Hostile input is stopped before libcsv buffers it: each block is searched
 * for a NUL byte before it is parsed (the field it falls in is the one after
 * those completed), and a record still open after CSV_MAX_RECORD bytes is
 * refused, so /dev/zero or a sparse file fails at once, in bounded memory.
 * Spaces are data: libcsv's trimming is turned off, so ' embassy' reaches
 * the validation as it is and is refused there rather than silently
 * becoming 'embassy'.
 */
#include "base/csv.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/input.h"
#include "base/utf8.h"
#include "base/xalloc.h"

struct reader {
    const char *path;
    enum status (*on_record)(const struct csv_record *, void *);
    void *ctx;
    struct err *e;
    enum status status; /* the first failure; reading stops there */
    unsigned long line; /* the line being read */
    unsigned long record_line;
    int at_start; /* the byte order mark may still come */
    char *fields[CSV_MAX_FIELDS];
    size_t starts[CSV_MAX_FIELDS]; /* of each field in text */
    size_t n_fields;
    char *text; /* the record's fields, each NUL-terminated */
    size_t text_len, text_alloc;
    char *names[CSV_MAX_FIELDS]; /* the header's fields, for messages */
    size_t n_names;
    int have_names;
    size_t open_bytes; /* fed since the last record ended */
};

static void fail(struct reader *r, enum status st, const char *msg)
{
    if (r->status)
        return;
    r->status = err_set(r->e, st, "%s:%lu: %s", r->path, r->line, msg);
}

/* Fails naming the column of field i (0-based) of the current record. */
static void fail_column(struct reader *r, size_t i, const char *msg)
{
    if (r->status)
        return;
    if (i < r->n_names)
        r->status = err_set(r->e, ST_INVALID, "%s:%lu: column '%s': %s",
                            r->path, r->line, r->names[i], msg);
    else
        r->status = err_set(r->e, ST_INVALID, "%s:%lu: column %zu: %s", r->path,
                            r->line, i + 1, msg);
}

/* What is wrong with a field of n bytes, or NULL. */
static const char *field_problem(const char *text, size_t n, size_t n_fields)
{
    if (memchr(text, '\0', n))
        return "a NUL byte: not a text file";
    if (!utf8_valid(text, n))
        return "invalid UTF-8";
    if (n_fields == CSV_MAX_FIELDS)
        return "too many fields";
    return NULL;
}

static void on_field(void *data, size_t n, void *arg)
{
    struct reader *r = arg;
    const char *text = data ? data : "";
    const char *problem;

    if (r->status)
        return;
    if (r->n_fields == 0)
        r->record_line = r->line;
    problem = field_problem(text, n, r->n_fields);
    if (problem) {
        fail_column(r, r->n_fields, problem);
        return;
    }
    r->text = xgrow(r->text, 1, r->text_len + n + 1, &r->text_alloc);
    memcpy(r->text + r->text_len, text, n);
    r->text[r->text_len + n] = '\0';
    r->starts[r->n_fields++] = r->text_len;
    r->text_len += n + 1;
    for (const char *p = text, *end = text + n;
         (p = memchr(p, '\n', (size_t)(end - p))); p++)
        r->line++;
}

static void clear_fields(struct reader *r)
{
    r->n_fields = 0;
    r->text_len = 0;
}

/* Keeps the header's fields, to name columns in messages. */
static void keep_names(struct reader *r)
{
    r->have_names = 1;
    for (size_t i = 0; i < r->n_fields; i++)
        r->names[i] = xstrdup(r->fields[i]);
    r->n_names = r->n_fields;
}

static void on_record_end(int c, void *arg)
{
    struct reader *r = arg;
    struct csv_record rec;

    r->open_bytes = 0;
    if (!r->status && r->n_fields > 0) {
        for (size_t i = 0; i < r->n_fields; i++)
            r->fields[i] = r->text + r->starts[i];
        if (!r->have_names)
            keep_names(r);
        rec.fields = r->fields;
        rec.n_fields = r->n_fields;
        rec.line = r->record_line;
        r->status = r->on_record(&rec, r->ctx);
    }
    clear_fields(r);
    if (c == '\n')
        r->line++;
}

/* Parses n bytes of block; 0 when reading should go on. */
static int parse(struct reader *r, struct csv_parser *p, const char *block,
                 size_t n)
{
    if (n && csv_parse(p, block, n, on_field, on_record_end, r) != n)
        fail(r, ST_INVALID, "malformed CSV (a stray or unclosed quote)");
    r->open_bytes += n;
    if (!r->status && r->open_bytes > CSV_MAX_RECORD)
        fail_column(r, r->n_fields, "a record longer than 1 MiB");
    return r->status != ST_OK;
}

/* Feeds one block to the parser; 0 when reading should go on. */
static int feed(struct reader *r, struct csv_parser *p, const char *block,
                size_t n)
{
    const char *nul;

    if (r->at_start) {
        r->at_start = 0;
        if (n >= 3 && !memcmp(block, "\xEF\xBB\xBF", 3)) {
            block += 3;
            n -= 3;
        }
    }
    nul = memchr(block, '\0', n);
    if (!nul)
        return parse(r, p, block, n);
    /* The fields before the NUL complete; it falls in the next one. */
    if (!parse(r, p, block, (size_t)(nul - block)))
        fail_column(r, r->n_fields, "a NUL byte: not a text file");
    return 1;
}

/* Libcsv's test for a space to trim: none is. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

enum status csv_read_stream(FILE *f, const char *path, uint64_t max,
                            enum status (*on_record)(const struct csv_record *,
                                                     void *),
                            void *ctx, struct err *e)
{
    struct reader r = { .path = path,
                        .on_record = on_record,
                        .ctx = ctx,
                        .e = e,
                        .line = 1,
                        .record_line = 1,
                        .at_start = 1 };
    struct csv_parser p;
    static char block[1 << 16];
    uint64_t total = 0;
    size_t n;

    if (csv_init(&p, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI |
                         CSV_APPEND_NULL))
        BUG("csv_init failed");
    csv_set_space_func(&p, no_space);
    while ((n = fread(block, 1, sizeof(block), f)) > 0) {
        total += n;
        if (total > max) {
            err_set(e, ST_INVALID,
                    "%s: more than the %llu bytes an input file may hold "
                    "(CHANCERY_MAX_INPUT)",
                    path, (unsigned long long)max);
            r.status = ST_INVALID;
        }
        if (r.status || feed(&r, &p, block, n))
            break;
    }
    if (!r.status && ferror(f))
        fail(&r, ST_ERROR, strerror(errno));
    if (!r.status && csv_fini(&p, on_field, on_record_end, &r))
        fail(&r, ST_INVALID, "malformed CSV (an unclosed quote)");
    free(r.text);
    for (size_t i = 0; i < r.n_names; i++)
        free(r.names[i]);
    csv_free(&p);
    return r.status;
}

enum status csv_read_file(const char *path,
                          enum status (*on_record)(const struct csv_record *,
                                                   void *),
                          void *ctx, struct err *e)
{
    uint64_t max;
    FILE *f;
    enum status rc;

    if (input_open(path, &f, &max, e))
        return e->status;
    rc = csv_read_stream(f, path, max, on_record, ctx, e);
    fclose(f);
    return rc;
}

enum status csv_add_field(struct buf *b, const char *field)
{
    size_t n = strlen(field);
    /* libcsv trims spaces and tabs at the ends of unquoted fields. */
    int quote = strpbrk(field, ",\"\r\n") != NULL ||
                (n && (strchr(" \t", field[0]) || strchr(" \t", field[n - 1])));
    enum status st = ST_OK;

    if (!quote)
        return buf_add(b, field, n);
    st |= buf_addch(b, '"');
    for (const char *c = field; *c && !st; c++) {
        if (*c == '"')
            st |= buf_addch(b, '"');
        st |= buf_addch(b, *c);
    }
    st |= buf_addch(b, '"');
    return st ? ST_INVALID : ST_OK;
}
