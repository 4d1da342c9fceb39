/*
 * The CSV reader. libcsv parses; we feed it the file in blocks and keep the
 * line count ourselves: with CSV_REPALL_NL every unquoted line feed ends a
 * (possibly empty) record, and line feeds inside quoted fields are counted
 * from the field text. Fields are checked as they complete, so a bad byte is
 * reported on the line it sits on. A record's fields are copied one after
 * the other into one buffer that every record reuses, since a large import
 * reads millions of fields and a copy of each of its own would cost an
 * allocation and a free apiece.
 */
#include "base/csv.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
};

static void fail(struct reader *r, enum status st, const char *msg)
{
    if (r->status)
        return;
    r->status = err_set(r->e, st, "%s:%lu: %s", r->path, r->line, msg);
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
        fail(r, ST_INVALID, problem);
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

static void on_record_end(int c, void *arg)
{
    struct reader *r = arg;
    struct csv_record rec;

    if (!r->status && r->n_fields > 0) {
        for (size_t i = 0; i < r->n_fields; i++)
            r->fields[i] = r->text + r->starts[i];
        rec.fields = r->fields;
        rec.n_fields = r->n_fields;
        rec.line = r->record_line;
        r->status = r->on_record(&rec, r->ctx);
    }
    clear_fields(r);
    if (c == '\n')
        r->line++;
}

/* Feeds one block to the parser; 0 when reading should go on. */
static int feed(struct reader *r, struct csv_parser *p, const char *block,
                size_t n)
{
    if (r->at_start) {
        r->at_start = 0;
        if (n >= 3 && !memcmp(block, "\xEF\xBB\xBF", 3)) {
            block += 3;
            n -= 3;
        }
    }
    if (csv_parse(p, block, n, on_field, on_record_end, r) != n)
        fail(r, ST_INVALID, "malformed CSV (a stray or unclosed quote)");
    return r->status != ST_OK;
}

enum status csv_read_file(const char *path,
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
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f)
        return err_set(e, ST_ERROR, "cannot open '%s': %s", path,
                       strerror(errno));
    if (csv_init(&p, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI |
                         CSV_APPEND_NULL))
        BUG("csv_init failed");
    while ((n = fread(block, 1, sizeof(block), f)) > 0) {
        if (feed(&r, &p, block, n))
            break;
    }
    if (ferror(f))
        fail(&r, ST_ERROR, strerror(errno));
    if (!r.status && csv_fini(&p, on_field, on_record_end, &r))
        fail(&r, ST_INVALID, "malformed CSV (an unclosed quote)");
    free(r.text);
    csv_free(&p);
    fclose(f);
    return r.status;
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
