/*
 * The change log read by change set, for the auditor's pages: the latest
 * sets with their actor, time, reason and size, and the entries of one
 * set. Entries carry their before images as stored; the after image of
 * an update is in the record's history (store/log.c), which the page
 * links to, so a set of a hundred thousand imported rows costs one query.
 * The list does not count each set's entries: changes has no index by
 * change set, and counting would scan a million-row log per set.
 */
#include "base/xalloc.h"
#include "store/internal.h"

static char *dup_col(sqlite3_stmt *q, int i)
{
    const char *text = (const char *)sqlite3_column_text(q, i);

    return text ? xstrdup(text) : NULL;
}

enum status store_change_sets(struct store *st, int64_t before, size_t limit,
                              struct change_set_list *out, struct err *e)
{
    sqlite3_stmt *q;
    int step;

    if (db_prepare(st,
                   "SELECT s.id, s.recorded, s.actor, s.reason "
                   "FROM change_sets s WHERE s.id < ? ORDER BY s.id DESC "
                   "LIMIT ?",
                   &q, e))
        return ST_ERROR;
    sqlite3_bind_int64(q, 1, before > 0 ? before : INT64_MAX);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)limit);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        struct change_set_info *c;

        XGROW(out->items, out->n + 1, out->alloc);
        c = &out->items[out->n++];
        c->id = sqlite3_column_int64(q, 0);
        c->recorded = dup_col(q, 1);
        c->actor = dup_col(q, 2);
        c->reason = dup_col(q, 3);
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       sqlite3_errmsg(st->db));
    return ST_OK;
}

void change_set_list_release(struct change_set_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].recorded);
        free(l->items[i].actor);
        free(l->items[i].reason);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

enum status store_change_set(struct store *st, int64_t id, size_t limit,
                             struct change_list *list, struct err *e)
{
    sqlite3_stmt *q;
    int step;

    if (db_prepare(st,
                   LOG_SELECT "WHERE c.change_set = ? ORDER BY c.seq LIMIT ?",
                   &q, e))
        return ST_ERROR;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)limit);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        XGROW(list->items, list->n + 1, list->alloc);
        log_read_entry(q, &list->items[list->n++]);
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       sqlite3_errmsg(st->db));
    return ST_OK;
}
