/*
 * Counting staff present (DESIGN.md, "Counting"): the headcount of the
 * missions in a scope on a date. Scopes select missions by sending state,
 * host (a state or organization) or the country they sit in, and by kind,
 * and postings by staff category; the rules' counting views are built from
 * the same scope.
 */
#ifndef CORE_COUNT_H
#define CORE_COUNT_H

#include <stdint.h>

#include "core/snapshot.h"

#define SCOPE_ALL 0u /* an empty mask: every value */

struct count_scope {
    const char *sending; /* NULL: any */
    const char *host;    /* NULL: any */
    const char *country; /* NULL: any */
    unsigned kinds;      /* mask of 1 << enum mission_kind; 0: all */
    unsigned categories; /* mask of 1 << enum staff_category; 0: all */
};

/* 1 when mission m is in the scope's missions. */
int scope_has_mission(const struct count_scope *c, const struct mission *m);
/* 1 when posting t is counted by the scope's categories. */
int scope_has_posting(const struct count_scope *c, const struct posting *t);
/* Postings of mission m in the scope present on date (the mission itself is
 * not checked against the scope). s must be indexed. */
uint32_t count_mission(const struct snapshot *s, uint32_t m,
                       const struct count_scope *c, int32_t date);
/* Postings present on date at every mission in the scope. */
uint32_t count_present(const struct snapshot *s, const struct count_scope *c,
                       int32_t date);

#endif
