/*
 * What `chancery demo` (cli/demo.c) takes from cli/demo_notify.c: the
 * notifications of the episode, made from the demo registry itself.
 */
#ifndef CLI_DEMO_H
#define CLI_DEMO_H

#include <stdint.h>

#include "core/snapshot.h"

/* The day the 27 Russian staff of the first wave had to leave by
 * (usa-rus-tenure), the day their terminations are accepted. */
#define DEMO_WAVE_1 "2022-01-30"

/* Appends to s, whose demo records and policies were just read (records
 * from index start[k] on), the notifications of the episode as they stand
 * in the end: each appointment of 2021 to a mission of one side in the
 * other (local staff aside), accepted on its accreditation, refused on
 * its refusal, else outstanding; and Russia's terminations of the 27 tours
 * the first wave of the US tenure rule ends, submitted on the tour date
 * and, when today has reached DEMO_WAVE_1, accepted on it, their postings
 * ended then. Nothing decided after today is decided. */
void demo_notifications(struct snapshot *s, const uint32_t *start,
                        int32_t today);

#endif
