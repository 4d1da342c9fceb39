/*
 * A grid: the rows and typed columns of a command's result, rendered in the
 * three output formats of every read command (--format table|csv|json).
 * Commands fill a grid and never format output themselves, so the formats
 * stay consistent across commands. Cells are text; the column type decides
 * how JSON shows them (a number, a boolean, null for an empty cell).
 */
#ifndef REPORT_GRID_H
#define REPORT_GRID_H

#include <stddef.h>

#include "base/buf.h"

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };

enum col_type { COL_TEXT, COL_NUMBER, COL_BOOL };

struct grid {
    char **names;
    enum col_type *types;
    size_t n_cols;
    char **cells; /* row-major, n_rows * n_cols, owned */
    size_t n_rows;
    size_t alloc;
};

/* Initialises a grid with the given columns: each name may end in ":n"
 * (a number) or ":b" (a boolean), else it is text. */
void grid_init(struct grid *g, const char *const *columns, size_t n_cols);
void grid_release(struct grid *g);
/* Appends a row of n_cols cells (NULL or "" is empty); copies them. */
void grid_add_row(struct grid *g, const char *const *cells);

/* Renders the grid: an aligned table with a header, CSV with a header, or
 * a JSON array of objects. */
void grid_render(const struct grid *g, enum out_format format, struct buf *b);
/* Renders one row as a record: "name: value" lines, a one-row CSV, or a
 * JSON object. */
void grid_render_record(const struct grid *g, size_t row,
                        enum out_format format, struct buf *b);

/* Parses a --format value; -1 when unknown. */
int out_format_from_name(const char *name);

#endif
