/*
 * Consular availability (visa/consular.h). The consular table is small (a
 * row per change of service at a post), so lookups scan it; the answer of
 * `where` is built in three steps, home posts, designated posts, any post,
 * stopping at the first that yields an open post.
 */
#include "visa/consular.h"

#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"

uint32_t consular_row_on(const struct snapshot *s, uint32_t post,
                         const char *nationality, int service, int32_t date)
{
    for (uint32_t i = 0; i < snapshot_count(s, ENT_CONSULAR); i++) {
        const struct consular *c = snap_consular(s, i);

        if (c->post == post && c->service == service && c->from <= date &&
            (c->to == DATE_NONE || date <= c->to) &&
            !strcmp(c->nationality, nationality))
            return i;
    }
    return IDMAP_NONE;
}

int consular_post_open(const struct snapshot *s, uint32_t m, int32_t date)
{
    const struct mission *ms = snap_mission(s, m);

    switch (ms->kind) {
    case MK_EMBASSY:
    case MK_CONSULATE_GENERAL:
    case MK_CONSULATE:
    case MK_VICE_CONSULATE:
    case MK_CONSULAR_AGENCY:
    case MK_INTERESTS_SECTION:
        break;
    default:
        return 0;
    }
    return (ms->opened == DATE_NONE || ms->opened <= date) &&
           (ms->closed == DATE_NONE || ms->closed > date);
}

int consular_accepts(const struct snapshot *s, uint32_t r)
{
    int st;

    if (r == IDMAP_NONE)
        return 1;
    st = snap_consular(s, r)->status;
    return st == CST_OPEN || st == CST_LIMITED;
}

static void add_row(struct where_answer *a, const char *issuing, uint32_t post,
                    uint32_t row, enum where_basis basis)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->rows[i].post == post && !strcmp(a->rows[i].issuing, issuing))
            return;
    XGROW(a->rows, a->n + 1, a->alloc);
    a->rows[a->n] = (struct where_row){ "", post, row, basis };
    memcpy(a->rows[a->n].issuing, issuing, 4);
    a->n++;
}

static uint32_t row_of(const struct snapshot *s, const struct where_query *q,
                       uint32_t m)
{
    return consular_row_on(s, m, q->nationality, q->service, q->date);
}

/* The home posts of issuing; returns how many of them are open. */
static size_t home_posts(const struct snapshot *s, const struct where_query *q,
                         const char *issuing, struct where_answer *a)
{
    size_t open = 0;

    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        const struct mission *ms = snap_mission(s, m);
        uint32_t r;

        if (strcmp(ms->sending, issuing) || strcmp(ms->country, q->residence) ||
            !consular_post_open(s, m, q->date))
            continue;
        r = row_of(s, q, m);
        open += consular_accepts(s, r);
        add_row(a, issuing, m, r,
                consular_accepts(s, r) ? WHERE_HOME : WHERE_HOME_CLOSED);
    }
    return open;
}

/* Adds the posts the closed home posts designate; returns how many. */
static size_t designated(const struct snapshot *s, const struct where_query *q,
                         const char *issuing, struct where_answer *a,
                         size_t first)
{
    size_t n_home = a->n;

    for (size_t i = first; i < n_home; i++) {
        uint32_t r = a->rows[i].row;
        const char *at =
            r == IDMAP_NONE ? NULL : snap_consular(s, r)->designated;

        while (at && *at) {
            size_t len = strcspn(at, ";");
            char id[256];
            uint32_t m;

            snprintf(id, sizeof(id), "%.*s", (int)len, at);
            m = snapshot_find(s, ENT_MISSION, id);
            if (m != IDMAP_NONE)
                add_row(a, issuing, m, row_of(s, q, m), WHERE_DESIGNATED);
            at += len + (at[len] == ';');
        }
    }
    return a->n - n_home;
}

static void any_post(const struct snapshot *s, const struct where_query *q,
                     const char *issuing, struct where_answer *a)
{
    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        const struct mission *ms = snap_mission(s, m);
        uint32_t r;

        if (strcmp(ms->sending, issuing) ||
            !strcmp(ms->country, q->residence) ||
            !strcmp(ms->country, issuing) || !consular_post_open(s, m, q->date))
            continue;
        r = row_of(s, q, m);
        if (consular_accepts(s, r))
            add_row(a, issuing, m, r, WHERE_ANY_POST);
    }
    /* The posts listed are those the registry knows: any other will do. */
    add_row(a, issuing, IDMAP_NONE, IDMAP_NONE, WHERE_ANY_POST);
}

static void answer_for(const struct snapshot *s, const struct where_query *q,
                       const char *issuing, struct where_answer *a)
{
    size_t first = a->n;

    if (home_posts(s, q, issuing, a))
        return;
    if (designated(s, q, issuing, a, first))
        return;
    any_post(s, q, issuing, a);
}

/* 1 when issuing was already answered (it appears in an earlier row). */
static int answered(const struct snapshot *s, uint32_t upto, const char *code)
{
    for (uint32_t i = 0; i < upto; i++)
        if (!strcmp(snap_mission(s, snap_consular(s, i)->post)->sending, code))
            return 1;
    return 0;
}

void consular_where(const struct snapshot *s, const struct where_query *q,
                    struct where_answer *out)
{
    memset(out, 0, sizeof(*out));
    if (q->issuing) {
        answer_for(s, q, q->issuing, out);
        return;
    }
    for (uint32_t i = 0; i < snapshot_count(s, ENT_CONSULAR); i++) {
        const char *code = snap_mission(s, snap_consular(s, i)->post)->sending;

        if (!answered(s, i, code))
            answer_for(s, q, code, out);
    }
}

void where_answer_release(struct where_answer *a)
{
    free(a->rows);
    memset(a, 0, sizeof(*a));
}
