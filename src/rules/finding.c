/*
 * The findings list. Every string of every finding lives in the list's
 * arena, so the evaluator can build sentences freely and the caller frees
 * them all in one call; only the explain arrays are separate allocations,
 * because they grow step by step.
 */
#include "rules/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"

static const char *const KIND_NAMES[] = {
    "over_tenure", "departure_due", "over_cap",  "dependent_status",
    "local_staff", "visa_overdue",  "ambiguous", "mission_closed",
};
_Static_assert(sizeof(KIND_NAMES) / sizeof(KIND_NAMES[0]) == FK__COUNT,
               "finding kind names");
const struct enum_names ENUM_FINDING_KIND = { "finding kind", KIND_NAMES,
                                              FK__COUNT };

void findings_init(struct findings *f)
{
    memset(f, 0, sizeof(*f));
    arena_init(&f->strings);
}

void findings_release(struct findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->items[i].explain);
    free(f->items);
    arena_release(&f->strings);
    memset(f, 0, sizeof(*f));
}

struct finding *findings_add(struct findings *f, const char *policy,
                             enum finding_kind kind,
                             enum entity_kind subject_kind, const char *subject,
                             int32_t as_of)
{
    struct finding *x;
    char id[512];

    XGROW(f->items, f->n + 1, f->alloc);
    x = &f->items[f->n++];
    memset(x, 0, sizeof(*x));
    snprintf(id, sizeof(id), "%s:%s", policy, subject);
    x->id = arena_strdup(&f->strings, id);
    x->policy = arena_strdup(&f->strings, policy);
    x->kind = kind;
    x->subject_kind = subject_kind;
    x->subject = arena_strdup(&f->strings, subject);
    x->as_of = as_of;
    x->deadline = DATE_NONE;
    x->detail = "";
    return x;
}

void finding_detail(struct findings *f, struct finding *x, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    x->detail = arena_strdup(&f->strings, text);
}

void finding_explain(struct findings *f, struct finding *x, const char *fmt,
                     ...)
{
    char text[2048];
    va_list ap;

    if (f->terse)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    XGROW(x->explain, x->n_explain + 1, x->alloc_explain);
    x->explain[x->n_explain++] = arena_strdup(&f->strings, text);
}

void finding_deadline(struct finding *x, int32_t deadline)
{
    x->deadline = deadline;
    x->overdue = deadline != DATE_NONE && x->as_of > deadline;
}

static int by_urgency(const void *pa, const void *pb)
{
    const struct finding *a = pa, *b = pb;
    int c;

    if (a->overdue != b->overdue)
        return b->overdue - a->overdue;
    if (a->deadline != b->deadline) {
        if (a->deadline == DATE_NONE || b->deadline == DATE_NONE)
            return a->deadline == DATE_NONE ? 1 : -1;
        return a->deadline < b->deadline ? -1 : 1;
    }
    if ((c = strcmp(a->policy, b->policy)))
        return c;
    return strcmp(a->subject, b->subject);
}

void findings_sort(struct findings *f)
{
    if (f->n)
        qsort(f->items, f->n, sizeof(*f->items), by_urgency);
}

const struct finding *findings_find(const struct findings *f, const char *id)
{
    for (size_t i = 0; i < f->n; i++) {
        if (!strcmp(f->items[i].id, id))
            return &f->items[i];
    }
    return NULL;
}

void findings_copy(struct findings *f, const struct finding *x)
{
    struct finding *y = findings_add(f, x->policy, x->kind, x->subject_kind,
                                     x->subject, x->as_of);

    y->id = arena_strdup(&f->strings, x->id);
    y->deadline = x->deadline;
    y->overdue = x->overdue;
    y->detail = arena_strdup(&f->strings, x->detail);
    if (f->terse || !x->n_explain)
        return;
    y->explain = xcalloc(x->n_explain, sizeof(*y->explain));
    y->alloc_explain = x->n_explain;
    for (size_t i = 0; i < x->n_explain; i++)
        y->explain[y->n_explain++] = arena_strdup(&f->strings, x->explain[i]);
}
