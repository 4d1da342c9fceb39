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
#include <string.h>

#include "base/date.h"
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

static void band(const struct fanchart *c, const struct fanchart_panel *p,
                 const struct frame *f, struct buf *b)
{
    add(b, "<polygon fill=\"%s\" fill-opacity=\"0.8\" points=\"", BAND);
    for (size_t i = 0; i < c->n_dates; i++)
        add(b, "%.1f,%.1f ", x_of(c, c->dates[i]), y_of(f, p->high[i]));
    for (size_t i = c->n_dates; i-- > 0;)
        add(b, "%.1f,%.1f ", x_of(c, c->dates[i]), y_of(f, p->low[i]));
    add(b,
        "\"/>\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" "
        "points=\"",
        MEDIAN);
    for (size_t i = 0; i < c->n_dates; i++)
        add(b, "%.1f,%.1f ", x_of(c, c->dates[i]), y_of(f, p->mid[i]));
    add(b, "\"/>\n");
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
         "font-size=\"11\" text-anchor=\"end\" fill=\"" MINIMUM "\"", label);
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
    int height = HEAD_H + PANEL_H * (int)c->n_panels + 16 +
                 EVENT_H * event_list(c, 0, NULL);

    head(c, out, height);
    for (size_t i = 0; i < c->n_panels; i++)
        panel(c, i, HEAD_H + PANEL_H * (double)i, out);
    event_list(c, HEAD_H + PANEL_H * (double)c->n_panels + 8, out);
    add(out, "</svg>\n");
}
