/*
 * The HTML page writer (report/html.h). Output is plain HTML5 with one
 * small style sheet; a buffer that refuses to grow is a bug here (pages
 * are small and the buffer's limit is large), hence BUG rather than a
 * status on every call.
 */
#include "report/html.h"

static void add(struct buf *b, const char *s)
{
    if (buf_addstr(b, s))
        BUG("HTML page too large");
}

void html_escape(struct buf *b, const char *text)
{
    for (const char *c = text; *c; c++) {
        const char *rep = *c == '&'   ? "&amp;"
                          : *c == '<' ? "&lt;"
                          : *c == '>' ? "&gt;"
                          : *c == '"' ? "&quot;"
                                      : NULL;

        if (rep)
            add(b, rep);
        else if (buf_addch(b, *c))
            BUG("HTML page too large");
    }
}

void html_begin(struct buf *b, const char *title)
{
    add(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
           "<meta charset=\"utf-8\">\n<title>");
    html_escape(b, title);
    add(b, "</title>\n<style>\n"
           "body { font-family: sans-serif; margin: 2em; color: #222; }\n"
           "table { border-collapse: collapse; margin: 1em 0; }\n"
           "th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; }\n"
           "th { background: #eee; }\n"
           "td.n { text-align: right; font-variant-numeric: tabular-nums; }\n"
           "svg { margin: 1em 0; }\n"
           "</style>\n</head>\n<body>\n");
}

void html_heading(struct buf *b, int level, const char *text)
{
    char tag[8];

    snprintf(tag, sizeof(tag), "h%d>", level < 1 ? 1 : level > 3 ? 3 : level);
    add(b, "<");
    add(b, tag);
    html_escape(b, text);
    add(b, "</");
    add(b, tag);
    add(b, "\n");
}

void html_paragraph(struct buf *b, const char *text)
{
    add(b, "<p>");
    html_escape(b, text);
    add(b, "</p>\n");
}

void html_table(struct buf *b, const struct grid *g)
{
    add(b, "<table>\n<tr>");
    for (size_t c = 0; c < g->n_cols; c++) {
        add(b, "<th>");
        html_escape(b, g->names[c]);
        add(b, "</th>");
    }
    add(b, "</tr>\n");
    for (size_t r = 0; r < g->n_rows; r++) {
        add(b, "<tr>");
        for (size_t c = 0; c < g->n_cols; c++) {
            add(b, g->types[c] == COL_NUMBER ? "<td class=\"n\">" : "<td>");
            html_escape(b, g->cells[r * g->n_cols + c]);
            add(b, "</td>");
        }
        add(b, "</tr>\n");
    }
    add(b, "</table>\n");
}

void html_raw(struct buf *b, const char *markup)
{
    add(b, markup);
}

void html_end(struct buf *b)
{
    add(b, "</body>\n</html>\n");
}
