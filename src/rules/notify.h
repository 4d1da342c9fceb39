/*
 * Notifications between a sending state's mission and the protocol office
 * (DESIGN.md, "notification"): what a notification's payload would write,
 * validated exactly as an import validates the same records, and the
 * warnings it would bring: the findings the registry would gain if it were
 * accepted. Pure: it reads and extends a snapshot and fills lists; the
 * store writes, cli/ prints.
 *
 * The payload is applied to the caller's snapshot itself (records appended
 * or updated in place, the changes listed), not to a copy: a command that
 * only submits drops that snapshot after writing the notification, and a
 * command that accepts writes exactly these changes. The findings without
 * the notification are computed first, on the snapshot as loaded, so no
 * copy of a million postings is ever made.
 */
#ifndef RULES_NOTIFY_H
#define RULES_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "base/problems.h"
#include "core/holidays.h"
#include "core/snapshot.h"
#include "rules/check.h"
#include "rules/finding.h"

/* One record the payload writes: an insert, or an update of the record at
 * index whose earlier image is before (owned). */
struct notify_change {
    int update;
    enum entity_kind entity;
    uint32_t index;
    void *before;
};

struct notify_draft {
    int kind;                  /* enum notification_kind */
    uint32_t mission;          /* IDMAP_NONE until known */
    const char *replaces;      /* in the snapshot's arena, or NULL */
    const char *justification; /* in the snapshot's arena, or NULL */
    int32_t date;              /* the day it takes effect */
    uint32_t person;           /* the person it concerns, or IDMAP_NONE */
    uint32_t posting;          /* the posting it concerns, or IDMAP_NONE */
    int32_t planned_end;       /* the tour's planned end, or DATE_NONE */
    char *payload;             /* the object as given, compact JSON (owned) */
    /* Set by the caller before reading: the records are about to be
     * written (a decision to accept), so an appointment into a mission
     * closed on its date is refused as an import refuses it, rather than
     * given as a warning. */
    int accepting;
    int32_t closed; /* that mission's closure (a warning), or DATE_NONE */
    struct notify_change *changes;
    size_t n_changes, alloc;
};

void notify_draft_init(struct notify_draft *d);
void notify_draft_release(struct notify_draft *d);

/* Reads one notification object from text (file names it in messages),
 * applies its records to s (which must be indexed and is indexed again
 * after) and fills d. Every problem is added to p as "FILE: PATH: message",
 * PATH the field's path in the object ("posting.rank"), with the import's
 * messages. Meaningful only when p gained no problem. today dates a change
 * that names no day. */
void notify_read(struct snapshot *s, const char *file, const char *text,
                 size_t len, int32_t today, struct notify_draft *d,
                 struct problems *p);

/* The notification and its warnings, from text: notify_read, with the
 * findings of the policies in effect on the notification's day computed
 * before and after applying it; out receives those of after that before
 * lacks, plus a warning of the person once declared persona non grata
 * or named by a departure order (VCDR art. 9), of a tour whose cap
 * date under a tenure rule comes before the planned end an appointment or
 * arrival gives (`planned_end`), and of an appointment into a mission
 * closed on its date (unless d->accepting). ST_INVALID when a stored
 * policy no longer validates. */
enum status notify_prepare(struct snapshot *s, const char *file,
                           const char *text, size_t len, int32_t today,
                           const struct holidays *h, struct notify_draft *d,
                           struct findings *out, struct problems *p,
                           struct err *e);

/* The warnings of draft d (notify_warnings.c): the findings of after
 * that before lacks or has with another detail, a person once declared
 * persona non grata, an appointment into a closed mission, a tour past a
 * tenure cap before its planned end (computed at o's options).
 * notify_prepare calls it; so does the demo (cli/demo_notify.c), whose
 * notifications' records its registry already holds. */
enum status notify_warnings(const struct snapshot *s,
                            const struct notify_draft *d,
                            const struct check_options *o,
                            const struct findings *before,
                            const struct findings *after, struct findings *out,
                            struct err *e);

/* The warnings as a JSON array (compact text, malloc'd): each finding's
 * id, policy, kind, subject, detail and explain chain. */
char *notify_warnings_json(const struct findings *w);

/* Reads the notifications.jsonl of a registry directory (one object per
 * line, as report/notification.h writes them) into s; every problem goes
 * to p as "FILE:LINE: column 'X': message", as an import's. */
void notify_read_lines(struct snapshot *s, const char *file, const char *text,
                       size_t len, struct problems *p);

/* The next notification id: "N" and six digits, one more than the
 * highest in s (read once per row: s keeps the highest seen). */
void notify_next_id(struct snapshot *s, char out[16]);

#endif
