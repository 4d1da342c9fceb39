/*
 * Docket totals (rules/docket.h). One pass over the findings counts them
 * by kind and by policy; each policy keeps up to DOCKET_MAX_WAVES distinct
 * deadlines, and gives them up (n_waves 0) when a further one appears, as
 * the deadlines of visa cases do, one per application.
 */
#include "rules/docket.h"

#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/idmap.h"
#include "base/xalloc.h"

void findings_keep(struct findings *f, int kind, const char *policy)
{
    size_t kept = 0;

    for (size_t i = 0; i < f->n; i++) {
        struct finding *x = &f->items[i];

        if ((kind >= 0 && (int)x->kind != kind) ||
            (policy && strcmp(x->policy, policy))) {
            free(x->explain);
            continue;
        }
        f->items[kept++] = *x;
    }
    f->n = kept;
}

/* x's policy's totals, found through by (policy id -> index): a
 * thousand policies' findings were a linear search each. */
static struct docket_policy *policy_of(struct docket *d, size_t *alloc,
                                       struct idmap *by,
                                       const struct finding *x)
{
    struct docket_policy *p;
    uint32_t i = idmap_get(by, x->policy);

    if (i != IDMAP_NONE)
        return &d->policies[i];
    XGROW(d->policies, d->n_policies + 1, *alloc);
    idmap_put(by, x->policy, (uint32_t)d->n_policies);
    p = &d->policies[d->n_policies++];
    memset(p, 0, sizeof(*p));
    p->policy = x->policy;
    p->kind = x->kind;
    return p;
}

/* Counts x in p's wave of its deadline; a deadline beyond the waves
 * makes p a spread (waves = SIZE_MAX until the end of the pass). */
static void add_wave(struct docket_policy *p, const struct finding *x)
{
    size_t i = 0;

    if (p->n_waves == SIZE_MAX)
        return;
    while (i < p->n_waves && p->waves[i].deadline != x->deadline)
        i++;
    if (i == p->n_waves) {
        if (i == DOCKET_MAX_WAVES) {
            p->n_waves = SIZE_MAX;
            return;
        }
        p->waves[p->n_waves++] = (struct docket_wave){ x->deadline, 0, 0 };
    }
    p->waves[i].n++;
    p->waves[i].overdue += x->overdue != 0;
}

static int by_deadline(const void *a, const void *b)
{
    int32_t x = ((const struct docket_wave *)a)->deadline;
    int32_t y = ((const struct docket_wave *)b)->deadline;

    return (x > y) - (x < y);
}

static int by_policy(const void *a, const void *b)
{
    return strcmp(((const struct docket_policy *)a)->policy,
                  ((const struct docket_policy *)b)->policy);
}

void docket_summarize(const struct findings *f, struct docket *out)
{
    size_t alloc = 0;
    struct idmap by;

    memset(out, 0, sizeof(*out));
    idmap_init(&by);
    for (size_t i = 0; i < f->n; i++) {
        const struct finding *x = &f->items[i];
        struct docket_policy *p = policy_of(out, &alloc, &by, x);

        out->n++;
        out->overdue += x->overdue != 0;
        out->by_kind[x->kind]++;
        out->overdue_by_kind[x->kind] += x->overdue != 0;
        p->n++;
        p->overdue += x->overdue != 0;
        add_wave(p, x);
    }
    idmap_release(&by);
    for (size_t i = 0; i < out->n_policies; i++) {
        struct docket_policy *p = &out->policies[i];

        if (p->n_waves == SIZE_MAX)
            p->n_waves = 0;
        qsort(p->waves, p->n_waves, sizeof(*p->waves), by_deadline);
    }
    if (out->n_policies)
        qsort(out->policies, out->n_policies, sizeof(*out->policies),
              by_policy);
}

void docket_release(struct docket *d)
{
    free(d->policies);
    memset(d, 0, sizeof(*d));
}
