/*
 * Drawing the Kaplan-Meier chart (report/kmchart.h). Coordinates are
 * computed in one place (x_of, y_of) for a fixed 720 x 400 canvas; ticks
 * on the day axis are 1, 2 or 5 times a power of ten, so they read as
 * round numbers whatever the range.
 */
#include "report/kmchart.h"

#include "report/html.h"
#include "report/style.h"

#define W      720
#define H      400
#define LEFT   60
#define RIGHT  170
#define TOP    40
#define BOTTOM 50

static const char *const COLORS[] = {
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
    "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
};
#define N_COLORS (sizeof(COLORS) / sizeof(COLORS[0]))

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

    addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
         LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
    addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
         LEFT, TOP, LEFT, H - BOTTOM);
    for (int k = 0; k * step <= x_max + 1e-9; k++)
        addf(b,
             "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
             "text-anchor=\"middle\">%.0f</text>\n",
             x_of(k * step, x_max), H - BOTTOM + 16, k * step);
    for (int pct = 0; pct <= 100; pct += 25)
        addf(b,
             "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
             "text-anchor=\"end\">%d%%</text>\n",
             LEFT - 6, y_of(pct / 100.0) + 4, pct);
    addf(b,
         "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\" "
         "stroke-dasharray=\"4 4\"/>\n",
         LEFT, y_of(0.5), W - RIGHT, y_of(0.5));
    addf(b,
         "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">"
         "days since application</text>\n",
         (LEFT + W - RIGHT) / 2, H - 12);
}

static void curve(struct buf *b, const struct km_series *k, double x_max,
                  const char *color)
{
    double y = 1.0;

    addf(b,
         "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"M%.1f "
         "%.1f",
         color, x_of(0, x_max), y_of(1.0));
    for (size_t i = 0; i < k->n; i++) {
        addf(b, " H%.1f", x_of(k->t[i], x_max));
        y = k->s[i];
        addf(b, " V%.1f", y_of(y));
    }
    addf(b, " H%.1f\"/>\n", x_of(k->last_day, x_max));
}

static void legend(struct buf *b, const struct km_series *k, size_t i)
{
    double y = TOP + 16.0 * (double)i;

    addf(b,
         "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"3\" "
         "fill=\"%s\"/>\n",
         W - RIGHT + 12, y + 4, COLORS[i % N_COLORS]);
    addf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\">", W - RIGHT + 30,
         y + 9);
    html_escape(b, k->name);
    addf(b, "</text>\n");
}

void kmchart_svg(struct buf *b, const struct km_series *series, size_t n,
                 const char *title)
{
    double x_max = 1;

    for (size_t i = 0; i < n; i++)
        if (series[i].last_day > x_max)
            x_max = series[i].last_day;
    addf(b,
         "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
         "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" " REPORT_FONT_ATTR
         ">\n",
         W, H, W, H);
    addf(b, "<text x=\"%d\" y=\"20\" font-size=\"14\">", LEFT);
    html_escape(b, title);
    addf(b, "</text>\n");
    axes(b, x_max);
    for (size_t i = 0; i < n; i++) {
        curve(b, &series[i], x_max, COLORS[i % N_COLORS]);
        legend(b, &series[i], i);
    }
    addf(b, "</svg>\n");
}
