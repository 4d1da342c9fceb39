/*
 * The SVG of a time chart (report/timechart.h). Layout, top to bottom:
 * title and subtitle, a band for the event markers (staggered when two
 * fall close together), the plot with its axes, the legend, then the list
 * of events. Coordinates are printed with one decimal in the C locale, so
 * the same chart gives the same bytes on every machine.
 */
#include "report/timechart.h"

#include <math.h>
#include <string.h>

#include "base/date.h"

#define WIDTH         960.0
#define LEFT          72.0
#define RIGHT         28.0
#define PLOT_TOP      126.0
#define PLOT_H        340.0
#define MARK_STEP     15.0 /* between staggered event markers */
#define MARK_LEVEL    3    /* marker rows above the plot */
#define LINE_H        17.0
#define EVENT_H       15.0
#define SUBTITLE_LINE 130 /* bytes on the first line */
#define FONT          "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""

static const char *const COLORS[TIMECHART_COLORS] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
};

/* The plot's scales. */
struct frame {
    double x0, x1, y_top, y_step;
    int32_t t0, t1;
};

static const char *color(int i)
{
    return COLORS[(unsigned)i % TIMECHART_COLORS];
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
    return PLOT_TOP + PLOT_H - PLOT_H * v / f->y_top;
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
             f->x0, PLOT_TOP, f->x0, PLOT_TOP + PLOT_H);
    if (label)
        text_at(b, -(PLOT_TOP + PLOT_H / 2), 20,
                "transform=\"rotate(-90)\" text-anchor=\"middle\" "
                "font-size=\"12\" fill=\"#333333\"",
                label);
}

static void x_tick(struct buf *b, const struct frame *f, int32_t date,
                   const char *label)
{
    double x = x_of(f, date), bottom = PLOT_TOP + PLOT_H;

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

static void line_path(struct buf *b, const struct frame *f,
                      const struct timechart *c, const struct timechart_line *l)
{
    int pen = 0;

    buf_addf(b,
             "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" "
             "stroke-linejoin=\"round\"%s d=\"",
             color(l->color), l->style == TIMECHART_SOLID ? "2.2" : "1.6",
             dash(l->style));
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

/* Numbered markers above the plot, each on a rule down through it; a
 * marker too close to the one before goes up a row. */
static void event_marks(struct buf *b, const struct frame *f,
                        const struct timechart *c)
{
    double last[MARK_LEVEL] = { -1e9, -1e9, -1e9 };
    char n[16];

    for (size_t i = 0; i < c->n_events; i++) {
        const struct timechart_event *ev = &c->events[i];
        double x = x_of(f, ev->date), y;
        int level = 0;

        if (ev->date < f->t0 || ev->date > f->t1)
            continue;
        while (level < MARK_LEVEL - 1 && x - last[level] < 16)
            level++;
        last[level] = x;
        y = PLOT_TOP - 12 - level * MARK_STEP;
        buf_addf(b,
                 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"%s\" stroke-opacity=\"0.5\" stroke-width=\"1\" "
                 "stroke-dasharray=\"3 3\"/>\n",
                 x, y + 7, x, PLOT_TOP + PLOT_H, color(ev->color));
        buf_addf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"%s\"/>\n",
                 x, y, color(ev->color));
        snprintf(n, sizeof(n), "%zu", i + 1);
        text_at(b, x, y + 3.5,
                "text-anchor=\"middle\" font-size=\"9\" fill=\"#ffffff\" "
                "font-weight=\"bold\"",
                n);
    }
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
                 "stroke=\"%s\" stroke-width=\"%s\"%s/>\n",
                 x, y - 4, x + 28, y - 4, color(l->color),
                 l->style == TIMECHART_SOLID ? "2.2" : "1.6", dash(l->style));
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
    double legend_top = PLOT_TOP + PLOT_H + 46;
    double events_top = legend_top + legend_rows(c) * LINE_H + 14;
    double height = events_top + (double)c->n_events * EVENT_H + 10;

    frame_init(c, &f);
    buf_addf(out,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
             "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" " FONT ">\n",
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
    event_marks(out, &f, c);
    for (size_t i = 0; i < c->n_lines; i++)
        line_path(out, &f, c, &c->lines[i]);
    legend(out, c, legend_top);
    event_list(out, c, events_top);
    buf_addstr(out, "</svg>\n");
}
