/*
 * Civil dates and ISO 8601 periods.
 *
 * A domain date has no time zone: it is an int32_t count of days since
 * 1970-01-01 (SQLite's julian-day idea), parsed and printed only here.
 * DATE_NONE stands for an empty field. Adding months or years can land on a
 * day the month lacks (2020-02-29 + P1Y); the caller chooses the rounding,
 * after Catala's dates-calc: down (2021-02-28), up (2021-03-01) or abort
 * (ST_AMBIGUOUS, so the rules report the ambiguity instead of guessing).
 */
#ifndef BASE_DATE_H
#define BASE_DATE_H

#include <stdint.h>

#include "base/status.h"

#define DATE_NONE     INT32_MIN
#define DATE_MIN_YEAR 1
#define DATE_MAX_YEAR 9999
/* Bytes a formatted date needs, with its NUL. */
#define DATE_BUF 11

enum rounding { ROUND_DOWN, ROUND_UP, ROUND_ABORT };

/* A period of years, months and days (weeks are folded into days). All
 * three share one sign; a negative period subtracts. */
struct period {
    int32_t years;
    int32_t months;
    int32_t days;
};

#define PERIOD_BUF 48

/* Days since 1970-01-01 of a valid civil date (no range check). */
int32_t date_from_ymd(int year, int month, int day);
/* The civil date of a day count. */
void date_to_ymd(int32_t date, int *year, int *month, int *day);
/* 1 if (year, month, day) is a real date in years 1-9999, else 0. */
int date_valid_ymd(int year, int month, int day);
int date_days_in_month(int year, int month);
/* Day of the week: 0 Monday ... 6 Sunday. */
int date_weekday(int32_t date);

/* Parses exactly "YYYY-MM-DD" (years 0001-9999, a real day of the month);
 * anything else, such as 2021-02-30 or "2021-2-3", is ST_INVALID with a
 * message quoting the text. */
enum status date_parse(const char *text, int32_t *out, struct err *e);
/* Writes "YYYY-MM-DD" (or "" for DATE_NONE) into out[DATE_BUF]. */
void date_format(int32_t date, char out[DATE_BUF]);

/* Parses an ISO 8601 period of date parts: "P3Y", "P6M", "P90D", "P1Y2M10D",
 * "P2W", with an optional leading "-"; "P" alone or time parts are
 * ST_INVALID. */
enum status period_parse(const char *text, struct period *out, struct err *e);
/* Writes the period in ISO 8601 form ("P0D" for zero) into out[PERIOD_BUF]. */
void period_format(const struct period *p, char out[PERIOD_BUF]);
struct period period_negate(struct period p);
int period_is_zero(const struct period *p);

/* Adds p to date: years and months first, keeping the day of the month and
 * rounding as asked when that day does not exist, then days. ST_AMBIGUOUS
 * under ROUND_ABORT when rounding was needed; ST_INVALID when the result
 * leaves years 1-9999. */
enum status date_add_period(int32_t date, const struct period *p,
                            enum rounding rounding, int32_t *out,
                            struct err *e);

/* The difference from..to as whole years, months and days, such that
 * from + years + months (rounded down) + days == to. When to < from it is
 * the negation of date_diff(to, from), so that to - result == from. */
struct period date_diff(int32_t from, int32_t to);

/* Text names of the roundings ("down", "up", "abort"); rounding_from_name
 * returns -1 for an unknown name. */
const char *rounding_name(enum rounding r);
int rounding_from_name(const char *name);

/* Today's date: CHANCERY_TODAY (YYYY-MM-DD) when set, else the current UTC
 * date. A malformed CHANCERY_TODAY is ST_INVALID. */
enum status date_today(int32_t *out, struct err *e);

#endif
