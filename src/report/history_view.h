/*
 * The history view: change-log entries (as store_history gives them) known
 * on a date, rendered as one grid, for the CLI and the API alike. It takes
 * the entries, not the store, so report/ stays below store/ in the layers:
 * the caller reads the log and passes the list.
 */
#ifndef REPORT_HISTORY_VIEW_H
#define REPORT_HISTORY_VIEW_H

#include <stdint.h>

#include "base/buf.h"
#include "report/grid.h"

/* One change-log entry as the store reads it (store_history's
 * change_entry, field by field; strings borrowed). */
struct history_entry {
    int64_t seq;
    const char *recorded, *actor, *op, *entity, *key, *before, *after, *reason;
};

/* Renders the n entries recorded by the end of as_known_on (DATE_NONE:
 * all); related adds each entry's entity and key. Returns how many;
 * renders nothing when none. */
size_t view_history(const struct history_entry *list, size_t n_entries,
                    int32_t as_known_on, int related, enum out_format fmt,
                    struct buf *b);

#endif
