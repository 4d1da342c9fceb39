/*
 * A tally: how many of a fixed set of date intervals [start, stop) cover a
 * date. The starts and the stops are kept sorted apart, so a date is
 * answered by two binary searches (an interval that stopped on or before
 * the date has necessarily started by then): the presence index's idea
 * (core/presence.h), for any set of postings or dependents a rule counts.
 * A series of dates over a pair of states then costs a sort once and two
 * searches per date, instead of a walk over every posting per date.
 */
#ifndef RULES_TALLY_H
#define RULES_TALLY_H

#include <stddef.h>
#include <stdint.h>

struct tally {
    int32_t *starts;
    int32_t *stops;
    size_t n;
    size_t alloc_starts, alloc_stops;
    int sealed; /* sorted since the last tally_add */
};

void tally_init(struct tally *t);
void tally_release(struct tally *t);
/* Adds [start, stop); an interval that ends before it starts is empty and
 * left out. INT32_MAX as stop: open-ended. */
void tally_add(struct tally *t, int32_t start, int32_t stop);
/* Sorts the intervals; call after adding and before tally_at. */
void tally_seal(struct tally *t);
/* The intervals covering date (start <= date < stop). t must be sealed. */
uint32_t tally_at(const struct tally *t, int32_t date);

#endif
