/*
 * Civil dates and ISO 8601 periods, parsed and printed only here.
 *
 * A date is an int32_t count of days since 1970-01-01 in the proleptic
 * Gregorian calendar, so comparing and subtracting dates is integer
 * arithmetic. Conversion to and from (year, month, day) uses Howard
 * Hinnant's days_from_civil and civil_from_days, which are exact for every
 * day and need no tables or loops. Internally the arithmetic is done in
 * int64_t, so that adding any period to any date (parts are bounded at
 * parse time, but callers may build periods by hand) cannot overflow before
 * the result is range-checked.
 *
 * Invariants: every date this module returns lies in years 0001-9999, and
 * date_format(date_parse(text)) == text for every text date_parse accepts.
 * Parsing is deliberately strict (exactly YYYY-MM-DD, a real day): a policy
 * date that might be misread is refused, not guessed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Project headers come last: they pull in base/banned.h, which would break
 * the libc headers above. */
#include "base/date.h"

/* The largest number in one part of a period: far beyond any real policy,
 * small enough that 7 * weeks + days and years * 12 + months fit easily. */
#define PERIOD_PART_MAX 100000

static const char *const month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

static const char *const rounding_names[] = {
    [ROUND_DOWN] = "down",
    [ROUND_UP] = "up",
    [ROUND_ABORT] = "abort",
};

#define N_ROUNDINGS (sizeof(rounding_names) / sizeof(rounding_names[0]))

/* Hinnant's days_from_civil: eras of 400 years (146097 days) starting on
 * March 1st, so that the leap day falls at the end of each shifted year. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Hinnant's civil_from_days, the inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    if (m < 1 || m > 12)
        return 0;
    return days[m - 1] + (m == 2 && is_leap(y));
}

static int in_range(int64_t days)
{
    return days >= days_from_civil(DATE_MIN_YEAR, 1, 1) &&
           days <= days_from_civil(DATE_MAX_YEAR, 12, 31);
}

int32_t date_from_ymd(int year, int month, int day)
{
    return (int32_t)days_from_civil(year, month, day);
}

void date_to_ymd(int32_t date, int *year, int *month, int *day)
{
    int64_t y;

    civil_from_days(date, &y, month, day);
    *year = (int)y;
}

int date_valid_ymd(int year, int month, int day)
{
    return year >= DATE_MIN_YEAR && year <= DATE_MAX_YEAR && day >= 1 &&
           day <= days_in_month(year, month);
}

int date_days_in_month(int year, int month)
{
    return days_in_month(year, month);
}

int date_weekday(int32_t date)
{
    /* 1970-01-01 (day 0) was a Thursday, 3 days after Monday. */
    int64_t w = ((int64_t)date + 3) % 7;

    return (int)(w < 0 ? w + 7 : w);
}

/* The value of n decimal digits, which the caller has checked. */
static int read_digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* 1 if text is exactly DDDD-DD-DD; stops at an early NUL. */
static int has_date_shape(const char *text)
{
    for (int i = 0; i < 10; i++) {
        int want_dash = i == 4 || i == 7;

        if (want_dash ? text[i] != '-' : (text[i] < '0' || text[i] > '9'))
            return 0;
    }
    return text[10] == '\0';
}

enum status date_parse(const char *text, int32_t *out, struct err *e)
{
    int y, m, d;

    if (!text || !has_date_shape(text))
        return err_set(e, ST_INVALID, "invalid date '%s': expected YYYY-MM-DD",
                       text ? text : "");
    y = read_digits(text, 4);
    m = read_digits(text + 5, 2);
    d = read_digits(text + 8, 2);
    if (y < DATE_MIN_YEAR)
        return err_set(e, ST_INVALID,
                       "invalid date '%s': years run from 0001 to 9999", text);
    if (m < 1 || m > 12)
        return err_set(e, ST_INVALID,
                       "invalid date '%s': there is no month %02d", text, m);
    if (d < 1)
        return err_set(e, ST_INVALID, "invalid date '%s': there is no day 00",
                       text);
    if (d > days_in_month(y, m))
        return err_set(e, ST_INVALID, "invalid date '%s': %s %04d has %d days",
                       text, month_names[m - 1], y, days_in_month(y, m));
    *out = date_from_ymd(y, m, d);
    return ST_OK;
}

/* Writes the n low decimal digits of v, zero-padded. */
static void put_digits(char *out, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void date_format(int32_t date, char out[DATE_BUF])
{
    int y, m, d;

    if (date == DATE_NONE) {
        out[0] = '\0';
        return;
    }
    if (!in_range(date))
        BUG("date %ld is outside years 0001-9999", (long)date);
    date_to_ymd(date, &y, &m, &d);
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = '\0';
}

/* The designators of period parts, in the order they must come. */
static const char period_units[] = "YMWD";

/* Reads one period part "<digits><unit>" at *s. Returns the unit's index in
 * period_units and advances *s, or returns -1 for malformed text or -2 for
 * a number past the bound, leaving *s where the part starts. */
static int read_part(const char **s, int32_t *value)
{
    const char *p = *s, *unit;
    int32_t v = 0;

    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > PERIOD_PART_MAX)
            return -2;
    }
    unit = *p ? strchr(period_units, *p) : NULL;
    if (!unit)
        return -1;
    *value = v;
    *s = p + 1;
    return (int)(unit - period_units);
}

/* Diagnoses the text at s, where a period part was expected. */
static enum status bad_part(const char *text, const char *s, struct err *e)
{
    if (*s == 'T')
        return err_set(e, ST_INVALID,
                       "invalid period '%s': time parts are not supported",
                       text);
    if (*s == '-' || *s == '+')
        return err_set(e, ST_INVALID,
                       "invalid period '%s': a sign goes before the P, as in "
                       "-P1M",
                       text);
    return err_set(e, ST_INVALID,
                   "invalid period '%s': expected a number followed by Y, M, "
                   "W or D",
                   text);
}

/* Adds part number idx of period_units, of value v, to *out. */
static void fold_part(struct period *out, int idx, int32_t v)
{
    switch (period_units[idx]) {
    case 'Y':
        out->years = v;
        break;
    case 'M':
        out->months = v;
        break;
    case 'W':
        out->days += 7 * v;
        break;
    default:
        out->days += v;
        break;
    }
}

enum status period_parse(const char *text, struct period *out, struct err *e)
{
    struct period p = { 0, 0, 0 };
    const char *s = text ? text : "";
    int neg = *s == '-', order = -1;

    s += neg;
    if (*s != 'P')
        return err_set(e, ST_INVALID,
                       "invalid period '%s': expected P, as in P1Y2M10D",
                       text ? text : "");
    if (!*++s)
        return err_set(e, ST_INVALID, "invalid period '%s': no parts", text);
    while (*s) {
        int32_t v;
        int idx = read_part(&s, &v);

        if (idx == -2)
            return err_set(e, ST_INVALID,
                           "invalid period '%s': a part exceeds %d", text,
                           PERIOD_PART_MAX);
        if (idx < 0)
            return bad_part(text, s, e);
        if (idx <= order)
            return err_set(e, ST_INVALID,
                           "invalid period '%s': expected Y, M, W, D in that "
                           "order, each at most once",
                           text);
        order = idx;
        fold_part(&p, idx, v);
        /* Weeks fold into days, which must stay in bounds: what prints
         * as days must parse again. */
        if (p.days > PERIOD_PART_MAX)
            return err_set(e, ST_INVALID,
                           "invalid period '%s': more than %d days in all",
                           text, PERIOD_PART_MAX);
    }
    *out = neg ? period_negate(p) : p;
    return ST_OK;
}

void period_format(const struct period *p, char out[PERIOD_BUF])
{
    /* A period with parts of both signs is not ISO 8601; it is printed
     * with each part signed ("P1M-3D") rather than hidden. */
    int neg =
        !period_is_zero(p) && p->years <= 0 && p->months <= 0 && p->days <= 0;
    int64_t sign = neg ? -1 : 1;
    int64_t parts[3] = { sign * p->years, sign * p->months, sign * p->days };
    static const char units[3] = { 'Y', 'M', 'D' };
    size_t len = 0;

    len += (size_t)snprintf(out, PERIOD_BUF, "%sP", neg ? "-" : "");
    for (int i = 0; i < 3; i++) {
        if (parts[i] != 0)
            len += (size_t)snprintf(out + len, PERIOD_BUF - len, "%lld%c",
                                    (long long)parts[i], units[i]);
    }
    if (period_is_zero(p))
        snprintf(out + len, PERIOD_BUF - len, "0D");
}

struct period period_negate(struct period p)
{
    /* Only INT32_MIN cannot be negated, and no period this module makes
     * holds it: period_parse bounds each part, date_diff stays under 10000
     * years. */
    struct period r = { -p.years, -p.months, -p.days };

    return r;
}

int period_is_zero(const struct period *p)
{
    return p->years == 0 && p->months == 0 && p->days == 0;
}

/* Where adding whole months to a date lands. */
struct landing {
    int64_t date; /* after rounding; not range-checked */
    int64_t year; /* the target month, which may lack the day */
    int month;
    int day;     /* the day of the month kept from the start */
    int rounded; /* 1 if the target month lacks that day */
};

/* Adds months to date, keeping the day of the month; when the target month
 * lacks that day, rounds down to its last day or up to the next month's
 * first (ROUND_ABORT rounds down; the caller decides to refuse). */
static struct landing add_months(int64_t date, int64_t months,
                                 enum rounding rounding)
{
    struct landing l;
    int64_t y, total;
    int m, dim;

    civil_from_days(date, &y, &m, &l.day);
    total = y * 12 + (m - 1) + months;
    l.year = (total >= 0 ? total : total - 11) / 12;
    l.month = (int)(total - l.year * 12) + 1;
    dim = days_in_month(l.year, l.month);
    l.rounded = l.day > dim;
    if (!l.rounded)
        l.date = days_from_civil(l.year, l.month, l.day);
    else if (rounding == ROUND_UP)
        l.date = days_from_civil(l.year, l.month, dim) + 1;
    else
        l.date = days_from_civil(l.year, l.month, dim);
    return l;
}

/* "2020-02-29 + P1Y" or "2022-03-31 - P1M", for error messages. */
static void describe_sum(int32_t date, const struct period *p, char *out,
                         size_t size)
{
    char d[DATE_BUF], per[PERIOD_BUF];
    int neg;

    date_format(date, d);
    period_format(p, per);
    neg = per[0] == '-';
    snprintf(out, size, "%s %c %s", d, neg ? '-' : '+', per + neg);
}

enum status date_add_period(int32_t date, const struct period *p,
                            enum rounding rounding, int32_t *out, struct err *e)
{
    char what[DATE_BUF + PERIOD_BUF + 4];
    struct landing l;
    int64_t r;

    if (!in_range(date))
        return err_set(e, ST_INVALID, "no date to add a period to");
    l = add_months(date, (int64_t)p->years * 12 + p->months, rounding);
    if (l.rounded && rounding == ROUND_ABORT) {
        describe_sum(date, p, what, sizeof(what));
        return err_set(e, ST_AMBIGUOUS, "%s: %04lld-%02d-%02d does not exist",
                       what, (long long)l.year, l.month, l.day);
    }
    r = l.date + p->days;
    if (!in_range(r)) {
        describe_sum(date, p, what, sizeof(what));
        return err_set(e, ST_INVALID,
                       "%s: the result is outside years 0001-9999", what);
    }
    *out = (int32_t)r;
    return ST_OK;
}

/* Whole months from..to (from <= to) as add_months rounding down sees
 * them: the largest count whose landing does not pass to. */
static int64_t whole_months(int64_t from, int64_t to)
{
    int64_t fy, ty, n;
    int fm, fd, tmon, td;

    civil_from_days(from, &fy, &fm, &fd);
    civil_from_days(to, &ty, &tmon, &td);
    n = (ty - fy) * 12 + (tmon - fm);
    if (n > 0 && add_months(from, n, ROUND_DOWN).date > to)
        n--;
    return n;
}

struct period date_diff(int32_t from, int32_t to)
{
    struct period p;
    int64_t months;

    if (to < from)
        return period_negate(date_diff(to, from));
    months = whole_months(from, to);
    p.years = (int32_t)(months / 12);
    p.months = (int32_t)(months % 12);
    p.days = (int32_t)(to - add_months(from, months, ROUND_DOWN).date);
    return p;
}

const char *rounding_name(enum rounding r)
{
    if ((unsigned)r >= N_ROUNDINGS)
        BUG("unknown rounding %d", (int)r);
    return rounding_names[r];
}

int rounding_from_name(const char *name)
{
    for (size_t i = 0; name && i < N_ROUNDINGS; i++) {
        if (!strcmp(name, rounding_names[i]))
            return (int)i;
    }
    return -1;
}

enum status date_today(int32_t *out, struct err *e)
{
    const char *env = getenv("CHANCERY_TODAY");
    struct tm tm;
    time_t now;

    if (env && *env) {
        if (date_parse(env, out, e) == ST_OK)
            return ST_OK;
        err_prefix(e, "CHANCERY_TODAY");
        return ST_INVALID;
    }
    now = time(NULL);
    if (now == (time_t)-1 || !gmtime_r(&now, &tm))
        return err_set(e, ST_ERROR, "cannot read the current date");
    *out = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return ST_OK;
}
