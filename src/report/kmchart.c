/*
 * Drawing the Kaplan-Meier chart (report/kmchart.h). Coordinates are
 * computed in one place (x_of, y_of) for a fixed 800 x 440 canvas; ticks
 * on the day axis are 1, 2 or 5 times a power of ten, so they read as
 * round numbers whatever the range. Labels that would overlap (the levels
 * where curves end) are pushed apart vertically.
 */
#include "report/kmchart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "report/html.h"
#include "report/style.h"

#define W         800
#define H         440
#define LEFT      60
#define RIGHT     250
#define TOP       56
#define BOTTOM    50
#define LABEL_GAP 12.0
#define DEADLINE  "#C0392B"

static void addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (buf_vaddf(b, fmt, ap))
        BUG("chart too large");
    va_end(ap);
}

static void text(struct buf *b, double x, double y, const char *attrs,
                 const char *s)
{
    addf(b, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
    html_escape(b, s);
    addf(b, "</text>\n");
}

static double x_of(double day, double x_max)
{
    return LEFT + day / x_max * (W - LEFT - RIGHT);
}

static double y_of(double share)
{
    return TOP + (1.0 - share) * (H - TOP - BOTTOM);
}

/* A round tick step for a range of days: 1, 2 or 5 times 10^k. */
static double tick_step(double range)
{
    double step = 1;

    while (range / step > 8) {
        if (range / (step * 2) <= 8)
            return step * 2;
        if (range / (step * 5) <= 8)
            return step * 5;
        step *= 10;
    }
    return step;
}

static void axes(struct buf *b, double x_max)
{
    double step = tick_step(x_max);

    for (int pct = 0; pct <= 100; pct += 25) {
        char label[8];

        addf(b,
             "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
             "stroke=\"#e4e4e4\"/>\n",
             LEFT, y_of(pct / 100.0), W - RIGHT, y_of(pct / 100.0));
        snprintf(label, sizeof(label), "%d%%", pct);
        text(b, LEFT - 6, y_of(pct / 100.0) + 4,
             "font-size=\"11\" text-anchor=\"end\"", label);
    }
    addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
         LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
    addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
         LEFT, TOP, LEFT, H - BOTTOM);
    for (int k = 0; k * step <= x_max + 1e-9; k++)
        addf(b,
             "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
             "text-anchor=\"middle\">%.0f</text>\n",
             x_of(k * step, x_max), H - BOTTOM + 16, k * step);
    addf(b,
         "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\" "
         "stroke-dasharray=\"4 4\"/>\n",
         LEFT, y_of(0.5), W - RIGHT, y_of(0.5));
    text(b, W - RIGHT - 4, y_of(0.5) - 4,
         "font-size=\"10\" fill=\"#777\" text-anchor=\"end\"",
         "half decided (the median)");
    text(b, (LEFT + W - RIGHT) / 2.0, H - 12,
         "font-size=\"12\" text-anchor=\"middle\"", "days since application");
    text(b, -(TOP + (H - TOP - BOTTOM) / 2.0), 16,
         "transform=\"rotate(-90)\" font-size=\"12\" text-anchor=\"middle\"",
         "share still undecided");
}

static void curve(struct buf *b, const struct km_series *k, double x_max,
                  const char *color)
{
    addf(b,
         "<path class=\"km\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
         "d=\"M%.1f %.1f",
         color, x_of(0, x_max), y_of(1.0));
    for (size_t i = 0; i < k->n; i++)
        addf(b, " H%.1f V%.1f", x_of(k->t[i], x_max), y_of(k->s[i]));
    addf(b, " H%.1f\"/>\n", x_of(k->last_day, x_max));
}

/* A short vertical tick on the curve at each censoring day. */
static void censor_ticks(struct buf *b, const struct km_ticks *k, double x_max,
                         const char *color)
{
    if (!k || !k->n)
        return;
    addf(b, "<path class=\"censor\" stroke=\"%s\" stroke-width=\"1.4\" d=\"",
         color);
    for (size_t i = 0; i < k->n; i++)
        addf(b, "%sM%.1f %.1f V%.1f", i ? " " : "", x_of(k->t[i], x_max),
             y_of(k->s[i]) - 5, y_of(k->s[i]) + 5);
    addf(b, "\"/>\n");
}

/* The level a curve ends at: 1 before its first step. */
static double end_level(const struct km_series *k)
{
    return k->n ? k->s[k->n - 1] : 1.0;
}

/* The level of k on day t. */
static double level_at(const struct km_series *k, int32_t t)
{
    double s = 1.0;

    for (size_t i = 0; i < k->n && k->t[i] <= t; i++)
        s = k->s[i];
    return s;
}

struct plateau {
    double y;
    size_t series;
};

static int by_y(const void *pa, const void *pb)
{
    const struct plateau *a = pa, *b = pb;

    return (a->y > b->y) - (a->y < b->y);
}

/* About how wide text is at 11 pixels: enough to keep it in the plot. */
static double width(const char *text)
{
    return 6.0 * (double)strlen(text);
}

/* Where each curve ends above zero: "12% still undecided on day 412",
 * right-aligned above the flat end, pushed apart from the others. */
static void plateaus(struct buf *b, const struct kmchart *c, double x_max)
{
    struct plateau *p = xcalloc(c->n + 1, sizeof(*p));
    size_t n = 0;
    char label[96];

    for (size_t i = 0; i < c->n; i++) {
        if (end_level(&c->series[i]) > 0.0005)
            p[n++] = (struct plateau){ y_of(end_level(&c->series[i])) - 5, i };
    }
    qsort(p, n, sizeof(*p), by_y);
    for (size_t i = 1; i < n; i++) {
        if (p[i].y - p[i - 1].y < LABEL_GAP)
            p[i].y = p[i - 1].y + LABEL_GAP;
    }
    for (size_t i = 0; i < n; i++) {
        const struct km_series *k = &c->series[p[i].series];
        char attrs[160];

        snprintf(label, sizeof(label),
                 "never decided: %.0f%%, still waiting on day %ld",
                 100 * end_level(k), (long)k->last_day);
        snprintf(attrs, sizeof(attrs),
                 "class=\"plateau\" font-size=\"11\" text-anchor=\"end\" "
                 "fill=\"%s\" stroke=\"#fff\" stroke-width=\"3\" "
                 "paint-order=\"stroke\"",
                 report_color((int)p[i].series));
        text(b, fmax(x_of(k->last_day, x_max) - 2, LEFT + 4 + width(label)),
             p[i].y, attrs, label);
    }
    free(p);
}

static void deadline(struct buf *b, const struct kmchart *c, double x_max)
{
    double x;

    if (c->deadline <= 0)
        return;
    x = x_of(c->deadline, x_max);
    addf(b,
         "<line class=\"deadline\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
         "y2=\"%d\" stroke=\"" DEADLINE "\" stroke-width=\"1.6\" "
         "stroke-dasharray=\"6 3\"/>\n",
         x, TOP - 6, x, H - BOTTOM);
    text(b, x + 4, TOP - 8,
         "class=\"deadline-label\" font-size=\"11\" fill=\"" DEADLINE "\"",
         c->deadline_label ? c->deadline_label : "deadline");
}

static void legend(struct buf *b, const struct kmchart *c, size_t i)
{
    const struct km_series *k = &c->series[i];
    double y = TOP + 34.0 * (double)i;
    char line[96];

    addf(b,
         "<rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"3\" "
         "fill=\"%s\"/>\n",
         W - RIGHT + 14, y + 4, report_color((int)i));
    text(b, W - RIGHT + 34, y + 9, "font-size=\"12\"", k->name);
    if (c->deadline <= 0)
        return;
    snprintf(line, sizeof(line), "%.0f%% undecided on day %ld",
             100 * level_at(k, c->deadline), (long)c->deadline);
    text(b, W - RIGHT + 34, y + 23, "font-size=\"11\" fill=\"#555\"", line);
}

static void draw(struct buf *b, const struct kmchart *c)
{
    double x_max = 1;

    for (size_t i = 0; i < c->n; i++)
        if (c->series[i].last_day > x_max)
            x_max = c->series[i].last_day;
    if (c->deadline > 0 && c->deadline * 1.1 > x_max)
        x_max = c->deadline * 1.1;
    addf(b,
         "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
         "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" " REPORT_FONT_ATTR
         ">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
         W, H, W, H);
    /* The accessible name of the chart (role="img" needs one). */
    addf(b, "<title>");
    html_escape(b, c->title);
    addf(b, "</title>\n");
    text(b, LEFT, 20, "font-size=\"15\" font-weight=\"bold\"", c->title);
    if (c->subtitle)
        text(b, LEFT, 36, "font-size=\"11\" fill=\"#555\"", c->subtitle);
    axes(b, x_max);
    deadline(b, c, x_max);
    for (size_t i = 0; i < c->n; i++) {
        curve(b, &c->series[i], x_max, report_color((int)i));
        censor_ticks(b, c->ticks ? &c->ticks[i] : NULL, x_max,
                     report_color((int)i));
        legend(b, c, i);
    }
    if (c->ticks)
        text(b, W - RIGHT + 14, TOP + 34.0 * (double)c->n + 10,
             "font-size=\"11\" fill=\"#555\"",
             "| ticks: cases pending or withdrawn");
    plateaus(b, c, x_max);
    addf(b, "</svg>\n");
}

void kmchart_document(const struct kmchart *c, struct buf *out)
{
    addf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    draw(out, c);
}

void kmchart_element(const struct kmchart *c, struct buf *out)
{
    draw(out, c);
}

void kmchart_svg(struct buf *b, const struct km_series *series, size_t n,
                 const char *title)
{
    struct kmchart c = { title, NULL, series, NULL, n, 0, NULL };

    draw(b, &c);
}
