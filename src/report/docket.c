/*
 * Rendering a docket (report/docket.h). The findings table goes through
 * the grid like every listing; the header and the totals are lines of
 * text around it, written here so that the API can serve the same bytes.
 * JSON is built with jansson, because a finding nests (its subject, its
 * explain chain) where a grid row is flat.
 */
#include "report/docket.h"

#include <stdarg.h>

#include "base/date.h"

/* The docket is small beside the buffer's limit: a refusal is a bug. */
json_t *finding_json(const struct finding *x)
{
    json_t *o = json_object(), *steps = json_array();
    char d[DATE_BUF], as_of[DATE_BUF];

    date_format(x->deadline, d);
    date_format(x->as_of, as_of);
    for (size_t i = 0; i < x->n_explain; i++)
        json_array_append_new(steps, json_string(x->explain[i]));
    json_object_set_new(o, "id", json_string(x->id));
    json_object_set_new(o, "policy", json_string(x->policy));
    json_object_set_new(o, "kind",
                        json_string(enum_name(&ENUM_FINDING_KIND, x->kind)));
    json_object_set_new(o, "subject",
                        json_pack("{s:s, s:s}", "entity",
                                  ENTITIES[x->subject_kind]->name, "id",
                                  x->subject));
    json_object_set_new(o, "as_of", json_string(as_of));
    json_object_set_new(o, "deadline", *d ? json_string(d) : json_null());
    json_object_set_new(o, "overdue", json_boolean(x->overdue));
    json_object_set_new(o, "detail", json_string(x->detail));
    json_object_set_new(o, "explain", steps);
    return o;
}

void json_render(struct buf *b, const json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    if (!text)
        BUG("cannot encode JSON");
    buf_printf(b, "%s\n", text);
    free(text);
}

static void findings_grid(struct grid *g, const struct findings *f)
{
    static const char *const cols[] = { "id",      "policy",   "kind",
                                        "subject", "deadline", "overdue:b",
                                        "detail" };

    grid_init(g, cols, 7);
    for (size_t i = 0; i < f->n; i++) {
        const struct finding *x = &f->items[i];
        char subject[300], d[DATE_BUF];
        const char *cells[7] = {
            x->id,     x->policy, enum_name(&ENUM_FINDING_KIND, x->kind),
            subject,   d,         x->overdue ? "true" : "false",
            x->detail,
        };

        snprintf(subject, sizeof(subject), "%s %s",
                 ENTITIES[x->subject_kind]->name, x->subject);
        date_format(x->deadline, d);
        grid_add_row(g, cells);
    }
}

void findings_render(struct buf *b, enum out_format format,
                     const struct findings *f)
{
    struct grid g;

    findings_grid(&g, f);
    grid_render(&g, format, b);
    grid_release(&g);
}

/* "as of 2021-12-04 (today), as known on 2021-12-01" */
static void header_dates(struct buf *b, const struct docket_head *h)
{
    char on[DATE_BUF], known[DATE_BUF];

    date_format(h->as_of, on);
    date_format(h->as_known_on, known);
    buf_printf(b, "Findings as of %s", on);
    buf_printf(b, "%s", h->as_of_given ? "" : " (today)");
    if (h->as_known_on == DATE_NONE)
        buf_printf(b, "%s", ", as known now (every recorded change)\n");
    else
        buf_printf(b, ", as known on %s (changes recorded by then)\n", known);
}

static void header(struct buf *b, const struct docket_head *h)
{
    header_dates(b, h);
    buf_printf(b, "Issuer: %s", h->issuer ? h->issuer : "any");
    buf_printf(b, "; target: %s", h->target ? h->target : "any");
    buf_printf(b, "; kind: %s", h->kind ? h->kind : "any");
    buf_printf(b, "; policy: %s", h->policy ? h->policy : "any");
    buf_printf(b, "%s", "; assumed: ");
    for (size_t i = 0; i < h->n_assumed; i++)
        buf_printf(b, i ? ", %s" : "%s", h->assumed[i]);
    buf_printf(b, "%s", h->n_assumed ? "\n\n" : "nothing\n\n");
}

/* ", 27 by 2022-01-30, 28 by 2022-06-30" */
static void waves_text(struct buf *b, const struct docket_policy *p)
{
    for (size_t i = 0; p->n_waves > 1 && i < p->n_waves; i++) {
        char d[DATE_BUF];

        date_format(p->waves[i].deadline, d);
        buf_printf(b, ", %zu by %s", p->waves[i].n, *d ? d : "no date");
    }
    if (p->n_waves == 1 && p->waves[0].deadline != DATE_NONE) {
        char d[DATE_BUF];

        date_format(p->waves[0].deadline, d);
        buf_printf(b, ", all by %s", d);
    }
}

static void summary(struct buf *b, const struct docket *d)
{
    buf_printf(b, "\n%zu finding%s, %zu overdue\n", d->n, d->n == 1 ? "" : "s",
               d->overdue);
    if (!d->n)
        return;
    buf_printf(b, "%s", "By kind:\n");
    for (int k = 0; k < FK__COUNT; k++)
        if (d->by_kind[k])
            buf_printf(b, "  %-18s %zu (%zu overdue)\n",
                       enum_name(&ENUM_FINDING_KIND, k), d->by_kind[k],
                       d->overdue_by_kind[k]);
    buf_printf(b, "%s", "By policy:\n");
    for (size_t i = 0; i < d->n_policies; i++) {
        const struct docket_policy *p = &d->policies[i];

        buf_printf(b, "  %s: %zu", p->policy, p->n);
        waves_text(b, p);
        if (p->overdue)
            buf_printf(b, "; %zu overdue", p->overdue);
        buf_printf(b, "%s", "\n");
    }
}

static json_t *head_json(const struct docket_head *h)
{
    json_t *o = json_object(), *assumed = json_array();
    char on[DATE_BUF], known[DATE_BUF];

    date_format(h->as_of, on);
    date_format(h->as_known_on, known);
    for (size_t i = 0; i < h->n_assumed; i++)
        json_array_append_new(assumed, json_string(h->assumed[i]));
    json_object_set_new(o, "as_of", json_string(on));
    json_object_set_new(o, "as_of_is_today", json_boolean(!h->as_of_given));
    json_object_set_new(o, "as_known_on",
                        *known ? json_string(known) : json_null());
    json_object_set_new(o, "issuer",
                        h->issuer ? json_string(h->issuer) : json_null());
    json_object_set_new(o, "target",
                        h->target ? json_string(h->target) : json_null());
    json_object_set_new(o, "kind",
                        h->kind ? json_string(h->kind) : json_null());
    json_object_set_new(o, "policy",
                        h->policy ? json_string(h->policy) : json_null());
    json_object_set_new(o, "assumed", assumed);
    return o;
}

static json_t *policy_json(const struct docket_policy *p)
{
    json_t *o = json_object(), *waves = json_array();

    for (size_t i = 0; i < p->n_waves; i++) {
        char d[DATE_BUF];

        date_format(p->waves[i].deadline, d);
        json_array_append_new(
            waves, json_pack("{s:o, s:I, s:I}", "deadline",
                             *d ? json_string(d) : json_null(), "count",
                             (json_int_t)p->waves[i].n, "overdue",
                             (json_int_t)p->waves[i].overdue));
    }
    json_object_set_new(o, "policy", json_string(p->policy));
    json_object_set_new(o, "kind",
                        json_string(enum_name(&ENUM_FINDING_KIND, p->kind)));
    json_object_set_new(o, "count", json_integer((json_int_t)p->n));
    json_object_set_new(o, "overdue", json_integer((json_int_t)p->overdue));
    json_object_set_new(o, "by_deadline", waves);
    return o;
}

static json_t *summary_json(const struct docket *d)
{
    json_t *o = json_object(), *kinds = json_object(), *pols = json_array();

    for (int k = 0; k < FK__COUNT; k++)
        if (d->by_kind[k])
            json_object_set_new(kinds, enum_name(&ENUM_FINDING_KIND, k),
                                json_pack("{s:I, s:I}", "count",
                                          (json_int_t)d->by_kind[k], "overdue",
                                          (json_int_t)d->overdue_by_kind[k]));
    for (size_t i = 0; i < d->n_policies; i++)
        json_array_append_new(pols, policy_json(&d->policies[i]));
    json_object_set_new(o, "count", json_integer((json_int_t)d->n));
    json_object_set_new(o, "overdue", json_integer((json_int_t)d->overdue));
    json_object_set_new(o, "by_kind", kinds);
    json_object_set_new(o, "by_policy", pols);
    return o;
}

static void render_json(struct buf *b, const struct docket_head *h,
                        const struct findings *f, const struct docket *d)
{
    json_t *o = head_json(h), *all = json_array();

    for (size_t i = 0; i < f->n; i++)
        json_array_append_new(all, finding_json(&f->items[i]));
    json_object_set_new(o, "findings", all);
    json_object_set_new(o, "summary", summary_json(d));
    json_render(b, o);
    json_decref(o);
}

void docket_render(struct buf *b, enum out_format format,
                   const struct docket_head *h, const struct findings *f,
                   const struct docket *d)
{
    if (format == OUT_JSON) {
        render_json(b, h, f, d);
        return;
    }
    if (format == OUT_TABLE)
        header(b, h);
    findings_render(b, format, f);
    if (format == OUT_TABLE)
        summary(b, d);
}
