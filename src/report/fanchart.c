/*
 * The fan chart writer (report/fanchart.h). Geometry is fixed (a page
 * 800 pixels wide, panels 170 high) so that charts of different forecasts
 * compare at a glance; the value axis of each panel runs from zero to a
 * round number above its highest value. A buffer that refuses to grow is
 * a bug here (charts are small), hence BUG rather than a status.
 */
#include "report/fanchart.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "report/html.h"
#include "report/style.h"

#define WIDTH   800
#define LEFT    64
#define RIGHT   40
#define WRAP    100 /* characters of an event's line */
#define PLOT_W  (WIDTH - LEFT - RIGHT)
#define PLOT_H  170
#define PANEL_H 250 /* title, plot and time axis */
#define HEAD_H  84
#define EVENT_H 18
#define BAND    "#9ecae1"
#define MEDIAN  "#08519c"
#define MINIMUM "#c0392b"
#define RULE    "#777"
/* Scenarios compared: the baseline grey, the others in the palette. */
#define BASE_BAND     "#d0d0d0"
#define BASE_MEDIAN   "#333333"
#define OTHER_OPACITY "0.25"
#define LEGEND_H      17.0

static void add(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    enum status st;

    va_start(ap, fmt);
    st = buf_vaddf(b, fmt, ap);
    va_end(ap);
    if (st)
        BUG("chart too large");
}

static void text(struct buf *b, double x, double y, const char *attrs,
                 const char *s)
{
    add(b, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
    html_escape(b, s);
    add(b, "</text>\n");
}

static double x_of(const struct fanchart *c, int32_t date)
{
    double span = c->dates[c->n_dates - 1] - c->dates[0];

    return LEFT + PLOT_W * (date - c->dates[0]) / (span > 0 ? span : 1);
}

/* A round step for about four ticks up to max, and the axis's top. */
static double nice_step(double max, double *top)
{
    double raw = (max > 0 ? max : 1) / 4, mag = pow(10, floor(log10(raw)));
    double step = raw <= mag       ? mag
                  : raw <= 2 * mag ? 2 * mag
                  : raw <= 5 * mag ? 5 * mag
                                   : 10 * mag;

    if (step < 1)
        step = 1;
    *top = ceil((max > 0 ? max : 1) / step) * step;
    return step;
}

static void month_label(int32_t date, char *out, size_t size)
{
    static const char *const names[] = { "Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec" };
    int y, m, d;

    date_to_ymd(date, &y, &m, &d);
    snprintf(out, size, "%s %d", names[m - 1], y);
}

static int comparing(const struct fanchart *c)
{
    return c->n_scenarios > 1;
}

/* The legend of scenarios compared: a row each, a swatch of its band with
 * its median through it. */
static void scenario_legend(const struct fanchart *c, struct buf *b)
{
    for (size_t k = 0; k < c->n_scenarios; k++) {
        double y = 56 + LEGEND_H * (double)k;

        add(b,
            "<rect x=\"%d\" y=\"%.1f\" width=\"22\" height=\"12\" "
            "fill=\"%s\" fill-opacity=\"%s\"/>\n",
            LEFT, y, k ? report_color((int)k - 1) : BASE_BAND,
            k ? OTHER_OPACITY : "0.8");
        add(b,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
            "stroke=\"%s\" stroke-width=\"2.5\"/>\n",
            LEFT, y + 6, LEFT + 22, y + 6,
            k ? report_color((int)k - 1) : BASE_MEDIAN);
        text(b, LEFT + 28, y + 10, "class=\"scenario\" font-size=\"12\"",
             c->scenarios[k]);
    }
}

/* The chart's top: title, subtitle, and the legend. */
static int head_height(const struct fanchart *c)
{
    return comparing(c) ? 56 + (int)LEGEND_H * (int)c->n_scenarios + 14
                        : HEAD_H;
}

static void head(const struct fanchart *c, struct buf *b, int height)
{
    add(b,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        "height=\"%d\" viewBox=\"0 0 %d %d\" " REPORT_FONT_ATTR ">\n"
        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
        WIDTH, height, WIDTH, height);
    text(b, LEFT, 24, "font-size=\"17\" font-weight=\"bold\"", c->title);
    if (c->subtitle)
        text(b, LEFT, 44, "font-size=\"12\" fill=\"#444\"", c->subtitle);
    if (comparing(c)) {
        scenario_legend(c, b);
        return;
    }
    add(b, "<rect x=\"%d\" y=\"56\" width=\"22\" height=\"12\" fill=\"%s\"/>\n",
        LEFT, BAND);
    text(b, LEFT + 28, 66, "font-size=\"12\"",
         c->band_label ? c->band_label : "range");
    add(b,
        "<line x1=\"%d\" y1=\"62\" x2=\"%d\" y2=\"62\" stroke=\"%s\" "
        "stroke-width=\"2.5\"/>\n",
        LEFT + 250, LEFT + 272, MEDIAN);
    text(b, LEFT + 278, 66, "font-size=\"12\"", "median");
    add(b,
        "<line x1=\"%d\" y1=\"62\" x2=\"%d\" y2=\"62\" stroke=\"%s\" "
        "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
        LEFT + 350, LEFT + 372, MINIMUM);
    text(b, LEFT + 378, 66, "font-size=\"12\"", "minimum staffing");
}

/* The value axis: gridlines and labels at each step up to top. */
static void value_axis(struct buf *b, double y0, double step, double top)
{
    long ticks = lround(top / step);
    char label[32];

    for (long i = 0; i <= ticks; i++) {
        double v = step * (double)i, y = y0 + PLOT_H - PLOT_H * v / top;

        add(b,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
            "stroke=\"#e4e4e4\"/>\n",
            LEFT, y, LEFT + PLOT_W, y);
        snprintf(label, sizeof(label), "%.0f", v);
        text(b, LEFT - 6, y + 4, "font-size=\"11\" text-anchor=\"end\"", label);
    }
}

/* The time axis: a tick at every date, a label at every few. */
static void time_axis(const struct fanchart *c, struct buf *b, double y0)
{
    size_t every = (c->n_dates + 9) / 10;
    char label[32];

    if (every < 1)
        every = 1;
    for (size_t i = 0; i < c->n_dates; i++) {
        double x = x_of(c, c->dates[i]);

        add(b,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#999\"/>\n",
            x, y0 + PLOT_H, x, y0 + PLOT_H + (i % every ? 3 : 6));
        if (i % every)
            continue;
        month_label(c->dates[i], label, sizeof(label));
        text(b, x, y0 + PLOT_H + 19, "font-size=\"11\" text-anchor=\"middle\"",
             label);
    }
}

struct frame {
    double y0;  /* the plot's top */
    double top; /* the value at the plot's top */
};

static double y_of(const struct frame *f, double v)
{
    return f->y0 + PLOT_H - PLOT_H * v / f->top;
}

/* A band and its median: fill and stroke colours, the band's opacity. */
static void band_of(const struct fanchart *c, const double *low,
                    const double *mid, const double *high,
                    const struct frame *f, const char *fill,
                    const char *opacity, const char *stroke, struct buf *b)
{
    add(b, "<polygon class=\"band\" fill=\"%s\" fill-opacity=\"%s\" points=\"",
        fill, opacity);
    for (size_t i = 0; i < c->n_dates; i++)
        add(b, "%.1f,%.1f ", x_of(c, c->dates[i]), y_of(f, high[i]));
    for (size_t i = c->n_dates; i-- > 0;)
        add(b, "%.1f,%.1f ", x_of(c, c->dates[i]), y_of(f, low[i]));
    add(b,
        "\"/>\n<polyline class=\"median\" fill=\"none\" stroke=\"%s\" "
        "stroke-width=\"2.5\" points=\"",
        stroke);
    for (size_t i = 0; i < c->n_dates; i++)
        add(b, "%.1f,%.1f ", x_of(c, c->dates[i]), y_of(f, mid[i]));
    add(b, "\"/>\n");
}

/* A median's last value: where it is written, and whose it is. */
struct end_value {
    double y;
    size_t k;
};

static int by_y(const void *pa, const void *pb)
{
    const struct end_value *a = pa, *b = pb;

    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return (a->k > b->k) - (a->k < b->k);
}

/* Each median's last value at the plot's right edge, pushed apart so that
 * none hides another. */
static void end_values(const struct fanchart *c, const struct fanchart_panel *p,
                       const struct frame *f, struct buf *b)
{
    struct end_value *e = xcalloc(c->n_scenarios, sizeof(*e));
    char v[32];

    for (size_t k = 0; k < c->n_scenarios; k++) {
        const double *mid = k ? p->others[k - 1].mid : p->mid;

        e[k] = (struct end_value){ y_of(f, mid[c->n_dates - 1]) + 4, k };
    }
    qsort(e, c->n_scenarios, sizeof(*e), by_y);
    for (size_t i = 1; i < c->n_scenarios; i++) {
        if (e[i].y - e[i - 1].y < 11)
            e[i].y = e[i - 1].y + 11;
    }
    for (size_t i = 0; i < c->n_scenarios; i++) {
        size_t k = e[i].k;
        const double *mid = k ? p->others[k - 1].mid : p->mid;

        snprintf(v, sizeof(v), "%.0f", mid[c->n_dates - 1]);
        add(b,
            "<text class=\"end-value\" x=\"%d\" y=\"%.1f\" "
            "font-size=\"11\" font-weight=\"bold\" fill=\"%s\">%s</text>\n",
            LEFT + PLOT_W + 4, e[i].y,
            k ? report_color((int)k - 1) : BASE_MEDIAN, v);
    }
    free(e);
}

static void band(const struct fanchart *c, const struct fanchart_panel *p,
                 const struct frame *f, struct buf *b)
{
    if (!comparing(c) || !p->others) {
        band_of(c, p->low, p->mid, p->high, f, BAND, "0.8", MEDIAN, b);
        return;
    }
    band_of(c, p->low, p->mid, p->high, f, BASE_BAND, "0.8", BASE_MEDIAN, b);
    for (size_t k = 1; k < c->n_scenarios; k++)
        band_of(c, p->others[k - 1].low, p->others[k - 1].mid,
                p->others[k - 1].high, f, report_color((int)k - 1),
                OTHER_OPACITY, report_color((int)k - 1), b);
    end_values(c, p, f, b);
}

static void minimum(const struct fanchart_panel *p, const struct frame *f,
                    struct buf *b)
{
    char label[48];
    double y;

    if (isnan(p->minimum))
        return;
    y = y_of(f, p->minimum);
    add(b,
        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
        "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
        LEFT, y, LEFT + PLOT_W, y, MINIMUM);
    snprintf(label, sizeof(label), "minimum %.0f", p->minimum);
    text(b, LEFT + PLOT_W - 4, y - 4,
         "font-size=\"11\" text-anchor=\"end\" fill=\"" MINIMUM
         "\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"",
         label);
}

/* The numbered rules of the events shown on panel i; a number close to
 * the one before it drops a line, so that neither hides the other. */
static void rules(const struct fanchart *c, size_t i, const struct frame *f,
                  struct buf *b)
{
    double last = -100;
    int level = 0;
    char n[16];

    for (size_t e = 0; e < c->n_events; e++) {
        const struct fanchart_event *ev = &c->events[e];
        double x = x_of(c, ev->date);

        if ((ev->panels && !(i < 64 && (ev->panels >> i) & 1u)) ||
            ev->date < c->dates[0] || ev->date > c->dates[c->n_dates - 1])
            continue;
        level = x - last < 14 ? level + 1 : 0;
        last = x;
        add(b,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"%s\" stroke-dasharray=\"2 3\"/>\n",
            x, f->y0, x, f->y0 + PLOT_H, RULE);
        snprintf(n, sizeof(n), "%zu", e + 1);
        text(b, x + 3, f->y0 + 11 + 11 * level,
             "font-size=\"10\" fill=\"" RULE "\"", n);
    }
}

static double panel_max(const struct fanchart *c,
                        const struct fanchart_panel *p)
{
    double max = isnan(p->minimum) ? 0 : p->minimum;

    for (size_t i = 0; i < c->n_dates; i++) {
        if (p->high[i] > max)
            max = p->high[i];
        for (size_t k = 1; comparing(c) && p->others && k < c->n_scenarios; k++)
            if (p->others[k - 1].high[i] > max)
                max = p->others[k - 1].high[i];
    }
    return max;
}

static void panel(const struct fanchart *c, size_t i, double y, struct buf *b)
{
    const struct fanchart_panel *p = &c->panels[i];
    struct frame f = { y + 34, 0 };
    double step = nice_step(panel_max(c, p) * 1.05, &f.top);

    text(b, LEFT, y + 12, "font-size=\"14\" font-weight=\"bold\"", p->title);
    if (p->note)
        text(b, LEFT, y + 27, "font-size=\"11\" fill=\"#444\"", p->note);
    value_axis(b, f.y0, step, f.top);
    band(c, p, &f, b);
    minimum(p, &f, b);
    rules(c, i, &f, b);
    add(b,
        "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" "
        "stroke=\"#999\"/>\n",
        LEFT, f.y0, PLOT_W, PLOT_H);
    time_axis(c, b, f.y0);
}

/* The length of the next line of text, at most WRAP characters, broken
 * at a space when it must be broken. */
static size_t line_length(const char *text)
{
    size_t n = strlen(text), cut;

    if (n <= WRAP)
        return n;
    for (cut = WRAP; cut > 0 && text[cut] != ' '; cut--)
        ;
    return cut ? cut : WRAP;
}

/* Writes event e's lines from y (when b is not NULL); returns how many. */
static int event_lines(const struct fanchart *c, size_t e, double y,
                       struct buf *b)
{
    char head[48], line[WRAP + 1], day[DATE_BUF];
    const char *t = c->events[e].text;
    int n = 0;

    date_format(c->events[e].date, day);
    snprintf(head, sizeof(head), "%zu  %s", e + 1, day);
    if (b)
        text(b, LEFT, y, "font-size=\"11\"", head);
    do {
        size_t len = line_length(t);

        snprintf(line, sizeof(line), "%.*s", (int)len, t);
        if (b)
            text(b, LEFT + 96, y + EVENT_H * n, "font-size=\"11\"", line);
        n++;
        t += len;
        t += strspn(t, " ");
    } while (*t);
    return n;
}

static int event_list(const struct fanchart *c, double y, struct buf *b)
{
    int lines = 0;

    for (size_t e = 0; e < c->n_events; e++)
        lines += event_lines(c, e, y + EVENT_H * lines, b);
    return lines;
}

void fanchart_svg(const struct fanchart *c, struct buf *out)
{
    int top = head_height(c), lines = event_list(c, 0, NULL);
    int height = top + PANEL_H * (int)c->n_panels + 16 +
                 EVENT_H * (lines + (c->footnote ? 1 : 0));

    head(c, out, height);
    for (size_t i = 0; i < c->n_panels; i++)
        panel(c, i, top + PANEL_H * (double)i, out);
    event_list(c, top + PANEL_H * (double)c->n_panels + 8, out);
    if (c->footnote)
        text(out, LEFT,
             top + PANEL_H * (double)c->n_panels + 8 + EVENT_H * lines,
             "class=\"footnote\" font-size=\"11\" fill=\"#444\"", c->footnote);
    add(out, "</svg>\n");
}
