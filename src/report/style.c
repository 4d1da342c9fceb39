/*
 * The palette of report/style.h. Okabe and Ito's eight colours less the
 * yellow, which is too pale on white: blue and vermilion first, as they
 * stand for the two sides of most charts.
 */
#include "report/style.h"

static const char *const COLORS[REPORT_N_COLORS] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
};

const char *report_color(int i)
{
    return COLORS[(unsigned)i % REPORT_N_COLORS];
}
