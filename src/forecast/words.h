/*
 * A forecast in plain words, for readers who will not open the scenario
 * file: what the forecast assumes (dates, sides, the rules that bind,
 * conditions, replacements and their visas, minimum staffing, what is left
 * out) and what it found (where each side is likely to stand, its lowest
 * point, the chance of a shortage, the gap between the sides). Sentences
 * are whole and dated ("4 December 2021"), with shares as percentages and
 * ranges as "8 runs in 10", so that a minister's office can read them
 * without help. Pure: the sentences go into a list the caller prints or
 * puts in a page.
 */
#ifndef FORECAST_WORDS_H
#define FORECAST_WORDS_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/forecast.h"

struct words {
    char **items; /* owned */
    size_t n;
    size_t alloc;
};

void words_init(struct words *w);
void words_release(struct words *w);
/* Appends a sentence (a printf format). */
void words_add(struct words *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "4 December 2021" into out. */
void words_date(int32_t date, char *out, size_t size);
/* "December 2021" into out. */
void words_month(int32_t date, char *out, size_t size);
/* "3 years", "6 months", "45 days": about n days, in the largest unit
 * that fits. */
void words_days(double days, char *out, size_t size);
/* "45%", "under 1%", "none": a share of runs. */
void words_share(double p, char *out, size_t size);

/* What the forecast of model m assumes. */
void words_assumptions(const struct forecast_model *m, struct words *w);
/* What result r of model m found. */
void words_findings(const struct forecast_model *m,
                    const struct forecast_result *r, struct words *w);
/* A label for an event of the model ("27 leave by the deadline of
 * usa-rus-tenure: ..."), into out. */
void words_event(const struct forecast_model *m, const struct fc_event *x,
                 char *out, size_t size);

#endif
