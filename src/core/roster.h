/*
 * The roster of a mission: its staff present on a date in Diplomatic-List
 * order: the head of mission first, then by rank precedence, then by date of
 * arrival (seniority), ties by posting id.
 */
#ifndef CORE_ROSTER_H
#define CORE_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

/* Writes the postings of mission m present on date into out (room for the
 * mission's every posting) in precedence order; returns how many. s must be
 * indexed. */
size_t roster_build(const struct snapshot *s, uint32_t m, int32_t date,
                    uint32_t *out);
/* A posting of a roster: its record (read where the snapshot keeps the
 * mission's postings together, core/snapshot.h) and its index. */
struct roster_entry {
    const struct posting *t;
    uint32_t ti;
};

/* The same as roster_build, as entries. */
size_t roster_entries(const struct snapshot *s, uint32_t m, int32_t date,
                      struct roster_entry *out);
/* The most postings roster_build may write for mission m. */
size_t roster_capacity(const struct snapshot *s, uint32_t m);

#endif
