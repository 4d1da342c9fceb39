/*
 * Rendering record views (report/record.h). Every part is a grid, so the
 * table and the JSON show the same rows; JSON adds each part's array to
 * the object of the record, leaving the record's own keys as they were.
 */
#include "report/record.h"

#include <jansson.h>
#include <stdarg.h>

#include "base/date.h"
#include "report/docket.h"

static const char *text(const char *s)
{
    return s ? s : "";
}

/* ---- the parts as grids ---- */

static void household_grid(struct grid *g, const struct snapshot *s,
                           const struct postview *v)
{
    static const char *const cols[] = { "person",      "family_name",
                                        "given_names", "relation",
                                        "joined",      "accredited" };

    grid_init(g, cols, 6);
    for (size_t i = 0; i < v->n_household; i++) {
        const struct dependent *d = snap_dependent(s, v->household[i]);
        const struct person *p = snap_person(s, d->person);
        char joined[DATE_BUF], accredited[DATE_BUF], revoked[DATE_BUF];
        const char *row[7] = { p->id,
                               p->family_name,
                               text(p->given_names),
                               enum_name(&ENUM_RELATION, d->relation),
                               joined,
                               accredited,
                               revoked };

        date_format(d->joined, joined);
        date_format(d->accredited, accredited);
        date_format(d->revoked, revoked);
        grid_add_row(g, row);
    }
}

static void caps_grid(struct grid *g, const struct postview *v)
{
    static const char *const cols[] = { "policy", "cap_date", "leave_by",
                                        "wave:n" };

    grid_init(g, cols, 4);
    for (size_t i = 0; i < v->n_caps; i++) {
        const struct postview_cap *c = &v->caps[i];
        char cap[DATE_BUF], leave[DATE_BUF], wave[16] = "";
        const char *row[4] = { c->policy, cap, leave, wave };

        date_format(c->cap, cap);
        date_format(c->leave_by, leave);
        if (c->wave)
            snprintf(wave, sizeof(wave), "%d", c->wave);
        grid_add_row(g, row);
    }
}

static void postings_grid(struct grid *g, const struct snapshot *s, uint32_t p,
                          int32_t as_of)
{
    static const char *const cols[] = { "id",    "mission",    "title",
                                        "rank",  "category",   "arrived",
                                        "ended", "end_reason", "status" };

    grid_init(g, cols, 9);
    ADJ_FOR_EACH(s->postings_by_person, p, ti)
    {
        const struct posting *t = snap_posting(s, ti);
        char arrived[DATE_BUF], ended[DATE_BUF];
        const char *row[9] = {
            t->id,
            snap_mission(s, t->mission)->id,
            text(t->title),
            t->rank >= 0 ? enum_name(&ENUM_RANK, t->rank) : "",
            t->category >= 0 ? enum_name(&ENUM_STAFF_CATEGORY, t->category)
                             : "",
            arrived,
            ended,
            t->end_reason >= 0 ? enum_name(&ENUM_END_REASON, t->end_reason)
                               : "",
            posting_status(t, as_of),
        };

        date_format(t->arrived, arrived);
        date_format(t->ended, ended);
        grid_add_row(g, row);
    }
}

/* The households person p belongs to as a dependent. */
static void households_grid(struct grid *g, const struct snapshot *s,
                            uint32_t p, int32_t as_of)
{
    static const char *const cols[] = { "posting",  "mission", "holder",
                                        "relation", "joined",  "left",
                                        "present:b" };

    grid_init(g, cols, 7);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_DEPENDENT); i++) {
        const struct dependent *d = snap_dependent(s, i);
        const struct posting *t;
        char joined[DATE_BUF], left[DATE_BUF];

        if (d->person != p)
            continue;
        t = snap_posting(s, d->posting);
        date_format(d->joined, joined);
        date_format(d->left, left);
        grid_add_row(g, (const char *[7]){
                            t->id,
                            snap_mission(s, t->mission)->id,
                            snap_person(s, t->person)->family_name,
                            enum_name(&ENUM_RELATION, d->relation),
                            joined,
                            left,
                            dependent_present(d, as_of) ? "true" : "false",
                        });
    }
}

static void visas_grid(struct grid *g, const struct snapshot *s, uint32_t p)
{
    static const char *const cols[] = { "id",      "issuing", "post",
                                        "class",   "purpose", "applied",
                                        "decided", "outcome", "valid_until" };

    grid_init(g, cols, 9);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_VISA); i++) {
        const struct visa *v = snap_visa(s, i);
        char applied[DATE_BUF], decided[DATE_BUF], until[DATE_BUF];

        if (v->person != p)
            continue;
        date_format(v->applied, applied);
        date_format(v->decided, decided);
        date_format(v->valid_until, until);
        grid_add_row(g, (const char *[9]){
                            v->id,
                            v->issuing,
                            snap_mission(s, v->post)->id,
                            text(v->vclass),
                            enum_name(&ENUM_VISA_PURPOSE, v->purpose),
                            applied,
                            decided,
                            v->outcome >= 0
                                ? enum_name(&ENUM_VISA_OUTCOME, v->outcome)
                                : "",
                            until,
                        });
    }
}

/* ---- output ---- */

/* A titled part of a table: "\nhousehold on 2021-12-04:\n" and the grid,
 * or "(none)". The grid is released. */
static void part(struct buf *b, const char *title, struct grid *g)
{
    buf_printf(b, "\n%s:\n", title);
    if (g->n_rows)
        grid_render(g, OUT_TABLE, b);
    else
        buf_printf(b, "(none)\n");
    grid_release(g);
}

static json_t *grid_json(struct grid *g)
{
    struct buf tmp;
    json_t *v;

    buf_init(&tmp, BUF_MAX_DEFAULT);
    grid_render(g, OUT_JSON, &tmp);
    v = tmp.len ? json_loadb(tmp.data, tmp.len, 0, NULL) : json_array();
    buf_release(&tmp);
    grid_release(g);
    if (!v)
        BUG("a grid rendered invalid JSON");
    return v;
}

static json_t *record_json(const struct grid *record)
{
    struct buf tmp;
    json_t *v;

    buf_init(&tmp, BUF_MAX_DEFAULT);
    grid_render_record(record, 0, OUT_JSON, &tmp);
    v = tmp.len ? json_loadb(tmp.data, tmp.len, 0, NULL) : NULL;
    buf_release(&tmp);
    if (!v)
        BUG("a record rendered invalid JSON");
    return v;
}

static void posting_json(struct buf *b, const struct snapshot *s,
                         const struct grid *record, const struct postview *v)
{
    json_t *o = record_json(record), *f = json_array();
    char on[DATE_BUF];
    struct grid g;

    date_format(v->as_of, on);
    json_object_set_new(o, "as_of", json_string(on));
    json_object_set_new(o, "status", json_string(v->status));
    household_grid(&g, s, v);
    json_object_set_new(o, "household", grid_json(&g));
    caps_grid(&g, v);
    json_object_set_new(o, "tenure_caps", grid_json(&g));
    for (size_t i = 0; i < v->findings.n; i++)
        json_array_append_new(f, finding_json(&v->findings.items[i]));
    json_object_set_new(o, "findings", f);
    json_render(b, o);
    json_decref(o);
}

void posting_view_render(struct buf *b, enum out_format format,
                         const struct snapshot *s, const struct grid *record,
                         const struct postview *v)
{
    char on[DATE_BUF], title[64];
    struct grid g;

    if (format == OUT_JSON) {
        posting_json(b, s, record, v);
        return;
    }
    grid_render_record(record, 0, format, b);
    if (format != OUT_TABLE)
        return;
    date_format(v->as_of, on);
    buf_printf(b, "\nstatus on %s: %s\n", on, v->status);
    snprintf(title, sizeof(title), "household on %s", on);
    household_grid(&g, s, v);
    part(b, title, &g);
    caps_grid(&g, v);
    part(b, "tenure caps in force", &g);
    buf_printf(b, "\nopen findings on %s:\n", on);
    if (v->findings.n)
        findings_render(b, OUT_TABLE, &v->findings);
    else
        buf_printf(b, "(none)\n");
}

void person_view_render(struct buf *b, enum out_format format,
                        const struct snapshot *s, const struct grid *record,
                        uint32_t p, int32_t as_of)
{
    char on[DATE_BUF], title[64];
    struct grid g;
    json_t *o;

    date_format(as_of, on);
    if (format == OUT_JSON) {
        o = record_json(record);
        json_object_set_new(o, "as_of", json_string(on));
        postings_grid(&g, s, p, as_of);
        json_object_set_new(o, "postings", grid_json(&g));
        households_grid(&g, s, p, as_of);
        json_object_set_new(o, "households", grid_json(&g));
        visas_grid(&g, s, p);
        json_object_set_new(o, "visas", grid_json(&g));
        json_render(b, o);
        json_decref(o);
        return;
    }
    grid_render_record(record, 0, format, b);
    if (format != OUT_TABLE)
        return;
    snprintf(title, sizeof(title), "postings (status on %s)", on);
    postings_grid(&g, s, p, as_of);
    part(b, title, &g);
    snprintf(title, sizeof(title), "households (as a dependent, on %s)", on);
    households_grid(&g, s, p, as_of);
    part(b, title, &g);
    visas_grid(&g, s, p);
    part(b, "visa cases", &g);
}
