/*
 * The SVG of a time chart (report/timechart.h). Layout, top to bottom:
 * title and subtitle, a band for the event markers (a marker too close to
 * another goes up a row, with as many rows as it takes, so none hides
 * another), the plot with its axes, deadline rules, the shaded span and
 * the values at the lines' ends, the legend, then the list of events.
 * Coordinates are printed with one decimal in the C locale, so the same
 * chart gives the same bytes on every machine.
 */
#include "report/timechart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"

#define WIDTH         960.0
#define LEFT          72.0
#define RIGHT         64.0 /* room for the values at the lines' ends */
#define MARKS_TOP     86.0 /* the lowest marker row's centre, less rows */
#define PLOT_H        340.0
#define MARK_STEP     16.0 /* between stacked event markers */
#define MARK_GAP      16.0 /* markers closer than this stack */
#define RULE_GAP      13.0 /* deadline rules closer than this share a label */
#define LABEL_GAP     12.0 /* between values at the lines' ends */
#define LINE_H        17.0
#define EVENT_H       15.0
#define SUBTITLE_LINE 130 /* bytes on the first line */

/* The plot's scales and where it stands. */
struct frame {
    double x0, x1, y_top, y_step;
    double top; /* the plot's top edge */
    int32_t t0, t1;
};

static const char *color(int i)
{
    return report_color(i);
}

static void escape(struct buf *b, const char *text)
{
    for (; text && *text; text++) {
        switch (*text) {
        case '&':
            buf_addstr(b, "&amp;");
            break;
        case '<':
            buf_addstr(b, "&lt;");
            break;
        case '>':
            buf_addstr(b, "&gt;");
            break;
        case '"':
            buf_addstr(b, "&quot;");
            break;
        default:
            buf_addch(b, *text);
        }
    }
}

/* A text element: x, y, extra attributes, then the escaped text. */
static void text_at(struct buf *b, double x, double y, const char *attrs,
                    const char *text)
{
    buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
    escape(b, text);
    buf_addstr(b, "</text>\n");
}

static double x_of(const struct frame *f, int32_t date)
{
    return f->x0 +
           (f->x1 - f->x0) * (double)(date - f->t0) / (double)(f->t1 - f->t0);
}

static double y_of(const struct frame *f, double v)
{
    return f->top + PLOT_H - PLOT_H * v / f->y_top;
}

static double max_value(const struct timechart *c)
{
    double top = 0;

    for (size_t l = 0; l < c->n_lines; l++)
        for (size_t i = 0; i < c->n_dates; i++)
            if (!isnan(c->lines[l].values[i]) && c->lines[l].values[i] > top)
                top = c->lines[l].values[i];
    return top;
}

/* Round ticks: a step of 1, 2 or 5 times a power of ten, about five of
 * them up to the largest value. */
static void scale_y(const struct timechart *c, struct frame *f)
{
    double top = max_value(c), raw, mag, norm;

    if (top <= 0)
        top = 1;
    raw = top * 0.2;
    mag = pow(10, floor(log10(raw)));
    norm = raw / mag;
    f->y_step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
    if (f->y_step < 1)
        f->y_step = 1;
    f->y_top = ceil(top / f->y_step) * f->y_step;
    if (f->y_top < top * 1.04)
        f->y_top += f->y_step;
}

static void frame_init(const struct timechart *c, struct frame *f)
{
    f->x0 = LEFT;
    f->x1 = WIDTH - RIGHT;
    f->t0 = c->n_dates ? c->dates[0] : 0;
    f->t1 = c->n_dates ? c->dates[c->n_dates - 1] : 1;
    if (f->t1 <= f->t0)
        f->t1 = f->t0 + 1;
    scale_y(c, f);
}

static void y_axis(struct buf *b, const struct frame *f, const char *label)
{
    long ticks = lround(f->y_top / f->y_step);
    char n[32];

    for (long k = 0; k <= ticks; k++) {
        double v = (double)k * f->y_step, y = y_of(f, v);

        buf_addf(b,
                 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"%s\" stroke-width=\"1\"/>\n",
                 f->x0, y, f->x1, y, k == 0 ? "#444444" : "#e4e4e4");
        snprintf(n, sizeof(n), "%.0f", v);
        text_at(b, f->x0 - 8, y + 4,
                "text-anchor=\"end\" font-size=\"11\" fill=\"#333333\"", n);
    }
    buf_addf(b,
             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
             "stroke=\"#444444\" stroke-width=\"1\"/>\n",
             f->x0, f->top, f->x0, f->top + PLOT_H);
    if (label)
        text_at(b, -(f->top + PLOT_H / 2), 20,
                "transform=\"rotate(-90)\" text-anchor=\"middle\" "
                "font-size=\"12\" fill=\"#333333\"",
                label);
}

static void x_tick(struct buf *b, const struct frame *f, int32_t date,
                   const char *label)
{
    double x = x_of(f, date), bottom = f->top + PLOT_H;

    buf_addf(b,
             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
             "stroke=\"#444444\" stroke-width=\"1\"/>\n",
             x, bottom, x, bottom + 5);
    if (label)
        text_at(b, x, bottom + 19,
                "text-anchor=\"middle\" font-size=\"11\" fill=\"#333333\"",
                label);
}

/* A tick on each 1 January in the range, labelled every few years so
 * that about a dozen labels show; the end dates when no year begins. */
static void x_axis(struct buf *b, const struct frame *f)
{
    int y0, y1, m, d, every, ticks = 0;
    char year[16], a[DATE_BUF], z[DATE_BUF];

    date_to_ymd(f->t0, &y0, &m, &d);
    date_to_ymd(f->t1, &y1, &m, &d);
    every = (y1 - y0) / 12 + 1;
    for (int y = y0; y <= y1; y++) {
        int32_t jan = date_from_ymd(y, 1, 1);

        if (jan < f->t0 || jan > f->t1)
            continue;
        snprintf(year, sizeof(year), "%d", y);
        x_tick(b, f, jan, y % every == 0 ? year : NULL);
        ticks++;
    }
    if (!ticks) {
        date_format(f->t0, a);
        date_format(f->t1, z);
        x_tick(b, f, f->t0, a);
        x_tick(b, f, f->t1, z);
    }
}

static const char *dash(enum timechart_style style)
{
    static const char *const DASH[] = { "", " stroke-dasharray=\"8 4\"",
                                        " stroke-dasharray=\"2 3\"" };

    return DASH[style];
}

static double width(const struct timechart_line *l)
{
    if (l->width > 0)
        return l->width;
    return l->style == TIMECHART_SOLID ? 2.2 : 1.6;
}

static void line_path(struct buf *b, const struct frame *f,
                      const struct timechart *c, const struct timechart_line *l)
{
    int pen = 0;

    buf_addf(b,
             "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
             "stroke-linejoin=\"round\"%s d=\"",
             color(l->color), width(l), dash(l->style));
    for (size_t i = 0; i < c->n_dates; i++) {
        double x = x_of(f, c->dates[i]), v = l->values[i];

        if (isnan(v)) {
            if (pen && l->step)
                buf_addf(b, " H%.1f", x);
            pen = 0;
        } else if (!pen) {
            buf_addf(b, " M%.1f %.1f", x, y_of(f, v));
            pen = 1;
        } else if (l->step) {
            buf_addf(b, " H%.1f V%.1f", x, y_of(f, v));
        } else {
            buf_addf(b, " L%.1f %.1f", x, y_of(f, v));
        }
    }
    buf_addstr(b, "\"/>\n");
}

/* The row of each event marker (OUT: rows[i]), lowest first: a marker
 * closer than MARK_GAP to one already in a row goes up a row, with as
 * many rows as it takes. Returns the number of rows. */
static int marker_rows(const struct frame *f, const struct timechart *c,
                       int *rows)
{
    double *last = xcalloc(c->n_events + 1, sizeof(*last));
    int n = 0;

    for (size_t i = 0; i < c->n_events; i++) {
        double x = x_of(f, c->events[i].date);
        int level = 0;

        rows[i] = -1;
        if (c->events[i].date < f->t0 || c->events[i].date > f->t1)
            continue;
        while (level < n && x - last[level] < MARK_GAP)
            level++;
        if (level == n)
            n++;
        last[level] = x;
        rows[i] = level;
    }
    free(last);
    return n;
}

/* Numbered markers above the plot, each on a rule down through it. */
static void event_marks(struct buf *b, const struct frame *f,
                        const struct timechart *c, const int *rows)
{
    char n[16];

    for (size_t i = 0; i < c->n_events; i++) {
        const struct timechart_event *ev = &c->events[i];
        double x = x_of(f, ev->date), y;

        if (rows[i] < 0)
            continue;
        y = f->top - 12 - rows[i] * MARK_STEP;
        buf_addf(b,
                 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"%s\" stroke-opacity=\"0.5\" stroke-width=\"1\" "
                 "stroke-dasharray=\"3 3\"/>\n",
                 x, y + 7, x, f->top + PLOT_H, color(ev->color));
        buf_addf(b,
                 "<circle class=\"event\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\" "
                 "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n",
                 x, y, color(ev->color));
        snprintf(n, sizeof(n), "%zu", i + 1);
        text_at(b, x, y + 3.5,
                "text-anchor=\"middle\" font-size=\"9\" fill=\"#ffffff\" "
                "font-weight=\"bold\"",
                n);
    }
}

/* Rules from first to the last rule closer than RULE_GAP to the one
 * before it: one group under one label. Returns the end of the group. */
static size_t rule_group(const struct frame *f, const struct timechart *c,
                         size_t first)
{
    size_t k = first + 1;

    while (k < c->n_rules &&
           x_of(f, c->rules[k].date) - x_of(f, c->rules[k - 1].date) < RULE_GAP)
        k++;
    return k;
}

/* A group's label: "leave by 2018-04-02, 2018-04-05", each date once. */
static void group_label(const struct timechart *c, size_t from, size_t to,
                        struct buf *label)
{
    char d[DATE_BUF];

    buf_addstr(label, c->rules[from].label ? c->rules[from].label : "");
    for (size_t k = from; k < to; k++) {
        if (k > from && c->rules[k].date == c->rules[k - 1].date)
            continue;
        date_format(c->rules[k].date, d);
        buf_addf(label, "%s%s", k > from ? ", " : " ", d);
    }
}

/* The deadlines: solid rules through the plot, each group labelled
 * upwards from the bottom, left of its first rule, over a white halo. */
static void deadline_rules(struct buf *b, const struct frame *f,
                           const struct timechart *c)
{
    double bottom = f->top + PLOT_H;
    struct buf label;

    buf_init(&label, 4096);
    for (size_t i = 0; i < c->n_rules;) {
        size_t end = rule_group(f, c, i);
        double x = x_of(f, c->rules[i].date);
        int same = 1;

        for (size_t k = i; k < end; k++) {
            if (c->rules[k].date < f->t0 || c->rules[k].date > f->t1)
                continue;
            same &= c->rules[k].color == c->rules[i].color;
            buf_addf(b,
                     "<line class=\"deadline\" x1=\"%.1f\" y1=\"%.1f\" "
                     "x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                     "stroke-width=\"1.6\"/>\n",
                     x_of(f, c->rules[k].date), f->top,
                     x_of(f, c->rules[k].date), bottom,
                     color(c->rules[k].color));
        }
        buf_reset(&label);
        group_label(c, i, end, &label);
        buf_addf(b,
                 "<text class=\"deadline-label\" x=\"%.1f\" y=\"%.1f\" "
                 "transform=\"rotate(-90 %.1f %.1f)\" font-size=\"11\" "
                 "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"3\" "
                 "paint-order=\"stroke\">",
                 x - 4, bottom - 6, x - 4, bottom - 6,
                 same ? color(c->rules[i].color) : "#333333");
        escape(b, label.data);
        buf_addstr(b, "</text>\n");
        i = end;
    }
    buf_release(&label);
}

#define SHADE_TEXT                                                       \
    "class=\"unrecorded-label\" font-size=\"11\" font-style=\"italic\" " \
    "fill=\"#333333\" stroke=\"#ffffff\" stroke-width=\"3\" "            \
    "paint-order=\"stroke\""

/* The span not yet known: a grey veil over the lines from shade_from to
 * the end, labelled at its top. */
static void shade(struct buf *b, const struct frame *f,
                  const struct timechart *c)
{
    double x, w;
    char d[DATE_BUF], text[96];

    if (!c->shade_label || c->shade_from >= f->t1)
        return;
    x = c->shade_from > f->t0 ? x_of(f, c->shade_from) : f->x0;
    w = f->x1 - x;
    buf_addf(b,
             "<rect class=\"unrecorded\" x=\"%.1f\" y=\"%.1f\" "
             "width=\"%.1f\" height=\"%.1f\" fill=\"#8c8c8c\" "
             "fill-opacity=\"0.22\"/>\n",
             x, f->top, w, PLOT_H);
    text_at(b, x + 4, f->top + 14, SHADE_TEXT, c->shade_label);
    if (c->shade_from == DATE_NONE)
        return;
    date_format(c->shade_from, d);
    snprintf(text, sizeof(text), "after %s", d);
    text_at(b, x + 4, f->top + 27, SHADE_TEXT, text);
}

/* A value written at a line's end. */
struct end_label {
    double y;
    int color;
    double value;
};

static int by_y(const void *pa, const void *pb)
{
    const struct end_label *a = pa, *b = pb;

    return (a->y > b->y) - (a->y < b->y);
}

/* The last value of each line that asks for it, right of the plot at its
 * height, pushed apart so that no two overlap. */
static void end_labels(struct buf *b, const struct frame *f,
                       const struct timechart *c)
{
    struct end_label *l = xcalloc(c->n_lines + 1, sizeof(*l));
    size_t n = 0;
    char v[32];

    for (size_t i = 0; i < c->n_lines && c->n_dates; i++) {
        double last = c->lines[i].values[c->n_dates - 1];

        if (c->lines[i].end_label && !isnan(last))
            l[n++] =
                (struct end_label){ y_of(f, last), c->lines[i].color, last };
    }
    qsort(l, n, sizeof(*l), by_y);
    for (size_t i = 1; i < n; i++) {
        if (l[i].y - l[i - 1].y < LABEL_GAP)
            l[i].y = l[i - 1].y + LABEL_GAP;
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(v, sizeof(v), "%.0f", l[i].value);
        buf_addf(b,
                 "<text class=\"end-value\" x=\"%.1f\" y=\"%.1f\" "
                 "font-size=\"12\" font-weight=\"bold\" fill=\"%s\">%s"
                 "</text>\n",
                 f->x1 + 5, l[i].y + 4, color(l[i].color), v);
    }
    free(l);
}

/* The legend's entries flow left to right and wrap; a rough width per
 * character is enough to keep them apart. */
static double entry_width(const struct timechart_line *l)
{
    return 46 + 6.2 * (double)strlen(l->label ? l->label : "");
}

static int legend_rows(const struct timechart *c)
{
    double x = LEFT;
    int rows = c->n_lines ? 1 : 0;

    for (size_t i = 0; i < c->n_lines; i++) {
        if (x > LEFT && x + entry_width(&c->lines[i]) > WIDTH - RIGHT) {
            rows++;
            x = LEFT;
        }
        x += entry_width(&c->lines[i]);
    }
    return rows;
}

static void legend(struct buf *b, const struct timechart *c, double top)
{
    double x = LEFT, y = top;

    for (size_t i = 0; i < c->n_lines; i++) {
        const struct timechart_line *l = &c->lines[i];

        if (x > LEFT && x + entry_width(l) > WIDTH - RIGHT) {
            x = LEFT;
            y += LINE_H;
        }
        buf_addf(b,
                 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n",
                 x, y - 4, x + 28, y - 4, color(l->color), width(l),
                 dash(l->style));
        text_at(b, x + 34, y, "font-size=\"12\" fill=\"#222222\"", l->label);
        x += entry_width(l);
    }
}

/* Cuts text to at most max bytes at a character boundary, marking the
 * cut; out has room for max + 4 bytes. */
static void clip(const char *text, size_t max, char *out)
{
    size_t n = strlen(text);

    if (n <= max) {
        memcpy(out, text, n + 1);
        return;
    }
    while (max && ((unsigned char)text[max] & 0xC0) == 0x80)
        max--;
    memcpy(out, text, max);
    memcpy(out + max, "\xe2\x80\xa6", 4); /* an ellipsis */
}

static void event_list(struct buf *b, const struct timechart *c, double top)
{
    char label[DATE_BUF + 16], text[144];

    for (size_t i = 0; i < c->n_events; i++) {
        const struct timechart_event *ev = &c->events[i];
        double y = top + (double)i * EVENT_H;
        char d[DATE_BUF];

        date_format(ev->date, d);
        snprintf(label, sizeof(label), "%zu  %s", i + 1, d);
        text_at(b, LEFT, y,
                "font-size=\"11\" font-weight=\"bold\" fill=\"#333333\"",
                label);
        buf_addf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n",
                 LEFT - 10, y - 4, color(ev->color));
        clip(ev->text ? ev->text : "", sizeof(text) - 4, text);
        text_at(b, LEFT + 96, y, "font-size=\"11\" fill=\"#333333\"", text);
    }
}

/* The subtitle in at most two lines, broken at a space. */
static void subtitle(struct buf *b, const char *text)
{
    static const char attrs[] = "font-size=\"12\" fill=\"#555555\"";
    size_t n = strlen(text), cut = n;
    char first[SUBTITLE_LINE + 1];

    if (n > SUBTITLE_LINE) {
        for (cut = SUBTITLE_LINE; cut && text[cut] != ' '; cut--)
            ;
        if (!cut)
            cut = SUBTITLE_LINE;
    }
    memcpy(first, text, cut);
    first[cut] = '\0';
    text_at(b, LEFT, 48, attrs, first);
    if (cut < n)
        text_at(b, LEFT, 64, attrs, text + cut + (text[cut] == ' '));
}

void timechart_svg(const struct timechart *c, struct buf *out)
{
    struct frame f;
    int *rows = xcalloc(c->n_events + 1, sizeof(*rows));
    double legend_top, events_top, height;

    frame_init(c, &f);
    f.top = MARKS_TOP + MARK_STEP * marker_rows(&f, c, rows);
    legend_top = f.top + PLOT_H + 46;
    events_top = legend_top + legend_rows(c) * LINE_H + 14;
    height = events_top + (double)c->n_events * EVENT_H + 10;
    buf_addf(out,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
             "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" " REPORT_FONT_ATTR
             ">\n",
             WIDTH, height, WIDTH, height);
    buf_addstr(out, "<title>");
    escape(out, c->title);
    buf_addstr(out, "</title>\n<rect width=\"100%\" height=\"100%\" "
                    "fill=\"#ffffff\"/>\n");
    text_at(out, LEFT, 28,
            "font-size=\"18\" font-weight=\"bold\" "
            "fill=\"#111111\"",
            c->title);
    if (c->subtitle)
        subtitle(out, c->subtitle);
    y_axis(out, &f, c->y_label);
    x_axis(out, &f);
    event_marks(out, &f, c, rows);
    for (size_t i = 0; i < c->n_lines; i++)
        line_path(out, &f, c, &c->lines[i]);
    shade(out, &f, c);
    deadline_rules(out, &f, c);
    end_labels(out, &f, c);
    legend(out, c, legend_top);
    event_list(out, c, events_top);
    buf_addstr(out, "</svg>\n");
    free(rows);
}
