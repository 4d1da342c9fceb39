/*
 * Public holidays by state, for deadlines counted in working days (a
 * visa_sla rule with "days": "working"). The calendar is read from
 * data/holidays.csv (state,date,name) when a command needs it, not stored
 * in the registry: it is reference data that changes by decree, and the
 * bundled file is the one place to correct it.
 *
 * A working day is Monday to Friday and not a public holiday of the state
 * whose deadline it is. The calendar holds each state's holidays sorted,
 * so a lookup is a binary search.
 */
#ifndef CORE_HOLIDAYS_H
#define CORE_HOLIDAYS_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

struct holiday_state {
    char code[4];
    int32_t *days; /* sorted, distinct */
    size_t n, alloc;
};

struct holidays {
    struct holiday_state *states;
    size_t n, alloc;
};

void holidays_init(struct holidays *h);
void holidays_release(struct holidays *h);

/* Reads a state,date,name CSV file (a header row first) into h. ST_ERROR
 * when it cannot be read, ST_INVALID naming the line of a bad row. */
enum status holidays_read_file(struct holidays *h, const char *path,
                               struct err *e);
/* Adds one holiday (tests build calendars by hand). */
void holidays_add(struct holidays *h, const char *state, int32_t day);

/* 1 when day is a public holiday of state in h (h may be NULL). */
int holidays_contains(const struct holidays *h, const char *state, int32_t day);
/* 1 when day is Monday to Friday and no holiday of state. */
int holidays_working_day(const struct holidays *h, const char *state,
                         int32_t day);
/* The day on which n working days of state have passed after start (the
 * first counted is the first working day after start); n >= 0. */
int32_t holidays_add_working(const struct holidays *h, const char *state,
                             int32_t start, int n);
/* The number of the state's holidays known in the year of day, so that a
 * deadline can say when the calendar does not cover it. */
size_t holidays_in_year(const struct holidays *h, const char *state,
                        int32_t day);

#endif
