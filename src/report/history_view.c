/*
 * A record's change-log entries as a grid (report/history_view.h): what
 * `chancery history` prints and GET /api/v1/history/{entity}/{id} answers.
 */
#include "report/history_view.h"

#include "base/date.h"

static const char *const COLUMNS[] = {
    "seq:n", "recorded", "actor", "op", "reason", "before", "after",
};
#define N_COLUMNS (sizeof(COLUMNS) / sizeof(COLUMNS[0]))

static const char *const RELATED_COLUMNS[] = {
    "seq:n", "recorded", "actor",  "op",    "entity",
    "key",   "reason",   "before", "after",
};
#define N_RELATED_COLUMNS (sizeof(RELATED_COLUMNS) / sizeof(RELATED_COLUMNS[0]))

/* 1 when the entry was recorded by the end of day (DATE_NONE: always). */
static int known_on(const struct history_entry *c, int32_t day)
{
    char text[DATE_BUF];
    int32_t d;

    if (day == DATE_NONE)
        return 1;
    snprintf(text, sizeof(text), "%s", c->recorded ? c->recorded : "");
    return !date_parse(text, &d, NULL) && d <= day;
}

static void add_entry(struct grid *g, const struct history_entry *c,
                      int related)
{
    char seq[24];
    const char *cells[N_RELATED_COLUMNS];
    size_t k = 0;

    snprintf(seq, sizeof(seq), "%lld", (long long)c->seq);
    cells[k++] = seq;
    cells[k++] = c->recorded;
    cells[k++] = c->actor;
    cells[k++] = c->op;
    if (related) {
        cells[k++] = c->entity;
        cells[k++] = c->key;
    }
    cells[k++] = c->reason;
    cells[k++] = c->before;
    cells[k++] = c->after;
    grid_add_row(g, cells);
}

size_t view_history(const struct history_entry *list, size_t n_entries,
                    int32_t as_known_on, int related, enum out_format fmt,
                    struct buf *b)
{
    struct grid g;
    size_t n = 0;

    if (related)
        grid_init(&g, RELATED_COLUMNS, N_RELATED_COLUMNS);
    else
        grid_init(&g, COLUMNS, N_COLUMNS);
    for (size_t i = 0; i < n_entries; i++) {
        if (known_on(&list[i], as_known_on)) {
            add_entry(&g, &list[i], related);
            n++;
        }
    }
    if (n)
        grid_render(&g, fmt, b);
    grid_release(&g);
    return n;
}
