/*
 * Rendering notifications (rules/notify.h) for `notify`, `notification
 * show` and `notification list`, and the notifications.jsonl lines of an
 * export. One JSON object per notification carries every field, its
 * payload and warnings as the JSON they are (not strings); the table shows
 * the fields, then each warning with its explain chain numbered, then the
 * history of its states.
 */
#ifndef REPORT_NOTIFICATION_H
#define REPORT_NOTIFICATION_H

#include "base/buf.h"
#include "core/snapshot.h"
#include "report/grid.h"

/* One state the notification went through, from the change log. */
struct notification_step {
    const char *recorded;
    const char *actor;
    const char *state;
    const char *reason;
};

/* Appends notification n of s in format, with its history of states
 * (steps; n_steps 0: none shown). */
void notification_render(struct buf *b, enum out_format format,
                         const struct snapshot *s, const struct notification *n,
                         const struct notification_step *steps, size_t n_steps);

/* Appends n as one compact JSON line (its fields in descriptor order,
 * payload and warnings embedded): the notifications.jsonl of an export. */
void notification_line(struct buf *b, const struct snapshot *s,
                       const struct notification *n);

/* Adds the columns of `notification list` to g (initialised here). */
void notification_grid_init(struct grid *g);
/* Adds n as a row of such a grid. */
void notification_grid_add(struct grid *g, const struct snapshot *s,
                           const struct notification *n);

#endif
