/*
 * Rendering grids. Tables are aligned on the display width of UTF-8 text
 * (code points, not bytes), so names such as "Лавров" line up. JSON goes
 * through jansson, so every string is escaped correctly.
 */
#include "report/grid.h"

#include <jansson.h>
#include <stdint.h>

#include "base/csv.h"
#include "base/utf8.h"
#include "base/xalloc.h"

void grid_init(struct grid *g, const char *const *columns, size_t n_cols)
{
    g->names = xcalloc(n_cols, sizeof(*g->names));
    g->types = xcalloc(n_cols, sizeof(*g->types));
    g->n_cols = n_cols;
    for (size_t i = 0; i < n_cols; i++) {
        const char *c = columns[i];
        size_t n = strlen(c);

        g->types[i] = COL_TEXT;
        if (n > 2 && c[n - 2] == ':') {
            g->types[i] = c[n - 1] == 'n' ? COL_NUMBER : COL_BOOL;
            n -= 2;
        }
        g->names[i] = xstrndup(c, n);
    }
    g->cells = NULL;
    g->n_rows = g->alloc = 0;
}

void grid_release(struct grid *g)
{
    for (size_t i = 0; i < g->n_rows * g->n_cols; i++)
        free(g->cells[i]);
    for (size_t i = 0; i < g->n_cols; i++)
        free(g->names[i]);
    free(g->cells);
    free(g->names);
    free(g->types);
}

void grid_add_row(struct grid *g, const char *const *cells)
{
    XGROW(g->cells, (g->n_rows + 1) * g->n_cols, g->alloc);
    for (size_t i = 0; i < g->n_cols; i++)
        g->cells[g->n_rows * g->n_cols + i] = xstrdup(cells[i] ? cells[i] : "");
    g->n_rows++;
}

static const char *cell(const struct grid *g, size_t row, size_t col)
{
    return g->cells[row * g->n_cols + col];
}

/* The escape a hidden character is shown as: "\x1b" for a byte, "\u202e"
 * for a longer sequence. */
static int escape(const char *s, size_t k, char out[8])
{
    return snprintf(out, 8, k == 1 ? "\\x%02lx" : "\\u%04lx",
                    utf8_code_point(s, k));
}

/* Whether a hidden character (utf8_hidden) may start at byte c: a C0
 * control but tab, DEL, or the first byte of C1 controls, the BOM and the
 * bidirectional controls. Most bytes are none, and skip the call. */
static int may_hide(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7F || c == 0xC2 || c == 0xE2 ||
           c == 0xEF;
}

/* Display width: the number of UTF-8 code points, a hidden character
 * counting as its escape. */
static size_t width(const char *s)
{
    size_t n = 0, k;
    char esc[8];

    while (*s) {
        if (may_hide((unsigned char)*s) && (k = utf8_hidden(s))) {
            n += (size_t)escape(s, k, esc);
            s += k;
        } else {
            n += ((unsigned char)*s++ & 0xC0) != 0x80;
        }
    }
    return n;
}

static void add(struct buf *b, const char *s)
{
    if (buf_addstr(b, s))
        BUG("output too large");
}

/* Appends a value with its hidden characters escaped: a table goes to a
 * terminal, which must never receive a raw control sequence. */
static void add_shown(struct buf *b, const char *s)
{
    enum status st = ST_OK;
    const char *run = s;
    size_t k;
    char esc[8];

    for (; *s && !st; s++) {
        if (!may_hide((unsigned char)*s) || !(k = utf8_hidden(s)))
            continue;
        escape(s, k, esc);
        st = buf_add(b, run, (size_t)(s - run)) | buf_addstr(b, esc);
        s += k - 1;
        run = s + 1;
    }
    if (st || buf_addstr(b, run))
        BUG("output too large");
}

/* Appends s, of width n, padded with spaces to width w. */
static void pad(struct buf *b, const char *s, size_t n, size_t w, int right)
{
    static const char spaces[] = "                                "
                                 "                                ";

    if (!right)
        add_shown(b, s);
    while (n < w) {
        size_t k = w - n < sizeof(spaces) - 1 ? w - n : sizeof(spaces) - 1;

        if (buf_add(b, spaces, k))
            BUG("output too large");
        n += k;
    }
    if (right)
        add_shown(b, s);
}

static void render_table(const struct grid *g, struct buf *b)
{
    size_t *w = xcalloc(g->n_cols, sizeof(*w));
    /* Each cell's width, measured once: the header's row, then the
     * cells'. */
    size_t *cw = xcalloc((g->n_rows + 1) * g->n_cols + 1, sizeof(*cw));

    for (size_t c = 0; c < g->n_cols; c++) {
        w[c] = cw[c] = width(g->names[c]);
        for (size_t r = 0; r < g->n_rows; r++) {
            size_t n = width(cell(g, r, c));

            cw[(r + 1) * g->n_cols + c] = n;
            if (n > w[c])
                w[c] = n;
        }
    }
    for (size_t r = 0; r <= g->n_rows; r++) {
        for (size_t c = 0; c < g->n_cols; c++) {
            const char *s = r ? cell(g, r - 1, c) : g->names[c];
            int last = c + 1 == g->n_cols;

            pad(b, s, cw[r * g->n_cols + c],
                last && g->types[c] != COL_NUMBER ? 0 : w[c],
                g->types[c] == COL_NUMBER);
            add(b, last ? "\n" : "  ");
        }
    }
    free(cw);
    free(w);
}

static void render_csv_row(const struct grid *g, size_t row, struct buf *b)
{
    for (size_t c = 0; c < g->n_cols; c++) {
        add(b, c ? "," : "");
        if (csv_add_field(b, row == SIZE_MAX ? g->names[c] : cell(g, row, c)))
            BUG("output too large");
    }
    add(b, "\n");
}

static json_t *json_cell(const struct grid *g, size_t row, size_t col)
{
    const char *s = cell(g, row, col);
    char *end;
    double v;

    if (!*s)
        return json_null();
    if (g->types[col] == COL_BOOL)
        return json_boolean(!strcmp(s, "true"));
    if (g->types[col] == COL_NUMBER) {
        v = strtod(s, &end);
        if (!*end && strchr(s, '.') == NULL && strchr(s, 'e') == NULL)
            return json_integer(strtoll(s, NULL, 10));
        if (!*end)
            return json_real(v);
    }
    return json_string(s);
}

static json_t *json_row(const struct grid *g, size_t row)
{
    json_t *obj = json_object();

    for (size_t c = 0; c < g->n_cols; c++)
        json_object_set_new(obj, g->names[c], json_cell(g, row, c));
    return obj;
}

static void add_json(struct buf *b, json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    if (!text)
        BUG("cannot encode JSON output");
    add(b, text);
    add(b, "\n");
    free(text);
    json_decref(v);
}

void grid_render(const struct grid *g, enum out_format format, struct buf *b)
{
    json_t *arr;

    switch (format) {
    case OUT_TABLE:
        render_table(g, b);
        break;
    case OUT_CSV:
        render_csv_row(g, SIZE_MAX, b);
        for (size_t r = 0; r < g->n_rows; r++)
            render_csv_row(g, r, b);
        break;
    case OUT_JSON:
        arr = json_array();
        for (size_t r = 0; r < g->n_rows; r++)
            json_array_append_new(arr, json_row(g, r));
        add_json(b, arr);
        break;
    }
}

void grid_render_record(const struct grid *g, size_t row,
                        enum out_format format, struct buf *b)
{
    size_t w = 0;

    switch (format) {
    case OUT_TABLE:
        for (size_t c = 0; c < g->n_cols; c++)
            if (width(g->names[c]) > w)
                w = width(g->names[c]);
        for (size_t c = 0; c < g->n_cols; c++) {
            pad(b, g->names[c], width(g->names[c]), w, 0);
            add(b, "  ");
            add_shown(b, cell(g, row, c));
            add(b, "\n");
        }
        break;
    case OUT_CSV:
        render_csv_row(g, SIZE_MAX, b);
        render_csv_row(g, row, b);
        break;
    case OUT_JSON:
        add_json(b, json_row(g, row));
        break;
    }
}

int out_format_from_name(const char *name)
{
    static const char *const names[] = { "table", "csv", "json" };

    for (int i = 0; i < 3; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}
