/*
 * Headcounts. With every category counted, a mission's count is two binary
 * searches in the presence index; a category filter walks the mission's
 * postings instead, which is still proportional to that mission's size.
 */
#include "core/count.h"

#include <string.h>

#include "core/presence.h"

int scope_has_mission(const struct count_scope *c, const struct mission *m)
{
    if (c->sending && strcmp(c->sending, m->sending))
        return 0;
    if (c->host && strcmp(c->host, m->host))
        return 0;
    if (c->country && strcmp(c->country, m->country))
        return 0;
    return !c->kinds || (c->kinds & (1u << m->kind));
}

int scope_has_posting(const struct count_scope *c, const struct posting *t)
{
    return !c->categories || (c->categories & (1u << t->category));
}

uint32_t count_mission(const struct snapshot *s, uint32_t m,
                       const struct count_scope *c, int32_t date)
{
    uint32_t n = 0;

    if (!c->categories)
        return presence_count(s->presence, m, date);
    const struct posting *t;

    MISSION_POSTINGS_FOR_EACH(s, m, i, t)
    {
        n += scope_has_posting(c, t) && posting_present(t, date);
    }
    return n;
}

uint32_t count_present(const struct snapshot *s, const struct count_scope *c,
                       int32_t date)
{
    uint32_t n = 0;

    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        if (scope_has_mission(c, snap_mission(s, m)))
            n += count_mission(s, m, c, date);
    }
    return n;
}
