/*
 * Fuzzes the date and period parsers and the arithmetic on what they
 * accept. The input is a date and a period separated by a line feed. A
 * date that parses must print back as the same text, a period that parses
 * must print as text that parses to the same period, and adding or
 * subtracting any period to any date must answer or refuse, never abort.
 */
#include <string.h>

#include "base/date.h"
#include "fuzz.h"

static void check_date(const char *text, int32_t d)
{
    char out[DATE_BUF];

    date_format(d, out);
    if (strcmp(out, text))
        fuzz_die("date round trip", text);
}

static void check_period(const struct period *p)
{
    char out[PERIOD_BUF];
    struct period back;

    period_format(p, out);
    if (period_parse(out, &back, NULL) || back.years != p->years ||
        back.months != p->months || back.days != p->days)
        fuzz_die("period round trip", out);
}

static void arithmetic(int32_t d, const struct period *p)
{
    struct period neg = period_negate(*p), diff;
    int32_t out;
    char text[DATE_BUF];

    for (int r = ROUND_DOWN; r <= ROUND_ABORT; r++) {
        if (!date_add_period(d, p, (enum rounding)r, &out, NULL)) {
            date_format(out, text);
            diff = date_diff(d, out);
            check_period(&diff);
        }
        if (!date_add_period(d, &neg, (enum rounding)r, &out, NULL))
            date_format(out, text);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[64], *nl;
    struct period p = { 0, 0, 0 };
    int32_t d;
    int have_date, have_period = 0;

    if (size >= sizeof(text))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    have_date = !date_parse(text, &d, NULL);
    if (have_date)
        check_date(text, d);
    if (nl && !period_parse(nl + 1, &p, NULL)) {
        have_period = 1;
        check_period(&p);
    }
    if (have_date && have_period)
        arithmetic(d, &p);
    return 0;
}
