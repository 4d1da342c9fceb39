/*
 * What a notification would bring: the findings the registry would gain
 * if it were accepted (those of the policies computed with it that the
 * registry without it lacks, or has with another detail), and the
 * warnings no policy states: a person once declared persona non grata or
 * named by a departure order (VCDR art. 9), an appointment into a mission
 * closed on its date, a tour that would pass a tenure cap before its
 * planned end. Each carries an explain chain in the engine's manner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "rules/notify_internal.h"
#include "rules/policy.h"

/* Copies finding x into out. */
static void copy_finding(struct findings *out, const struct finding *x)
{
    struct finding *y = findings_add(out, x->policy, x->kind, x->subject_kind,
                                     x->subject, x->as_of);

    finding_detail(out, y, "%s", x->detail);
    for (size_t i = 0; i < x->n_explain; i++)
        finding_explain(out, y, "%s", x->explain[i]);
    y->deadline = x->deadline;
    y->overdue = x->overdue;
}

/* The findings of after that before lacks, or whose detail changed. */
static void diff(const struct findings *before, const struct findings *after,
                 struct findings *out)
{
    for (size_t i = 0; i < after->n; i++) {
        const struct finding *x = &after->items[i];
        const struct finding *o = findings_find(before, x->id);

        if (!o || strcmp(o->detail, x->detail))
            copy_finding(out, x);
    }
}

static void png_posting(const struct snapshot *s, const struct notify_draft *d,
                        const struct posting *t, struct findings *out)
{
    const char *who = snap_person(s, d->person)->id;
    struct finding *x = findings_add(out, "vcdr-art9", FK_DEPARTURE_DUE,
                                     ENT_PERSON, who, d->date);
    char ended[DATE_BUF];

    date_format(t->ended, ended);
    finding_detail(out, x, "declared persona non grata: posting %s ended %s",
                   t->id, ended);
    finding_explain(out, x,
                    "VCDR art. 9(1): the receiving State may declare a "
                    "member of a mission persona non grata; the sending "
                    "State then recalls the person, who is not acceptable "
                    "again.");
    finding_explain(out, x,
                    "Person %s held posting %s at mission %s, which ended on "
                    "%s with end_reason persona_non_grata.",
                    who, t->id, snap_mission(s, t->mission)->id, ended);
    finding_explain(out, x,
                    "The notification would bring person %s back into a "
                    "mission: the office should refuse it unless the "
                    "declaration was lifted.",
                    who);
}

static void png_order(const struct snapshot *s, const struct notify_draft *d,
                      const struct policy_rule *r, struct findings *out)
{
    const char *who = snap_person(s, d->person)->id;
    struct finding *x =
        findings_add(out, r->id, FK_DEPARTURE_DUE, ENT_PERSON, who, d->date);
    char declared[DATE_BUF];

    date_format(r->u.departure.declared, declared);
    finding_detail(out, x, "named by departure order %s declared %s", r->id,
                   declared);
    finding_explain(out, x,
                    "Policy %s (%s, %s to %s): a departure order declared %s "
                    "naming %zu persons (VCDR art. 9).",
                    r->id, r->title ? r->title : "untitled", r->issuer,
                    r->target, declared, r->u.departure.n_persons);
    finding_explain(out, x, "It names person %s.", who);
    finding_explain(out, x,
                    "The notification would bring person %s back into a "
                    "mission: the office should refuse it unless the order "
                    "was withdrawn.",
                    who);
}

/* A departure order naming person p: parsed from its body. */
static void png_orders(const struct snapshot *s, const struct notify_draft *d,
                       struct findings *out)
{
    for (uint32_t i = 0; i < snapshot_count(s, ENT_POLICY); i++) {
        const struct policy *y = snapshot_row(s, ENT_POLICY, i);
        struct policy_rule r;
        struct arena a;
        struct err e;

        if (y->kind != PK_DEPARTURE_ORDER)
            continue;
        arena_init(&a);
        if (!policy_rule_load(s, i, &a, &r, &e)) {
            for (size_t k = 0; k < r.u.departure.n_persons; k++) {
                if (r.u.departure.persons[k] == d->person) {
                    png_order(s, d, &r, out);
                    break;
                }
            }
        }
        arena_release(&a);
    }
}

/* VCDR art. 9: a person once declared persona non grata, or named by a
 * departure order, coming back. */
static void persona_non_grata(const struct snapshot *s,
                              const struct notify_draft *d,
                              struct findings *out)
{
    if (d->person == IDMAP_NONE ||
        (d->kind != NK_APPOINTMENT && d->kind != NK_DEPENDENT_JOIN))
        return;
    ADJ_FOR_EACH(s->postings_by_person, d->person, ti)
    {
        const struct posting *t = snap_posting(s, ti);

        if (t->end_reason == END_PERSONA_NON_GRATA) {
            png_posting(s, d, t, out);
            break;
        }
    }
    png_orders(s, d, out);
}

/* An appointment into a mission closed on its date. */
static void mission_closed(const struct snapshot *s,
                           const struct notify_draft *d, struct findings *out)
{
    const struct mission *m = snap_mission(s, d->mission);
    const struct posting *t;
    char closed[DATE_BUF], start[DATE_BUF];
    struct finding *x;

    if (d->closed == DATE_NONE || d->posting == IDMAP_NONE)
        return;
    t = snap_posting(s, d->posting);
    date_format(d->closed, closed);
    date_format(t->arrived != DATE_NONE ? t->arrived : t->notified, start);
    x = findings_add(out, "mission-closed", FK_MISSION_CLOSED, ENT_POSTING,
                     t->id, d->date);
    finding_detail(out, x,
                   "mission %s closed on %s: posting %s would begin on %s",
                   m->id, closed, t->id, start);
    finding_explain(out, x, "Mission %s (%s, %s in %s) closed on %s.", m->id,
                    m->name ? m->name : "unnamed", m->sending, m->host, closed);
    finding_explain(out, x,
                    "The appointment's posting %s would begin on %s (%s), "
                    "after the closure.",
                    t->id, start,
                    t->arrived != DATE_NONE ? "arrived" : "notified");
    finding_explain(out, x,
                    "A posting begins while its mission is open: the office "
                    "cannot accept the appointment while the mission stays "
                    "closed.");
}

/* A tour that would pass a tenure cap before its planned end: the
 * tenure findings about the posting on that day, with the engine's own
 * explain chain (the registry without the notification has no such tour). */
static enum status tenure(const struct snapshot *s,
                          const struct notify_draft *d,
                          const struct check_options *o, struct findings *out,
                          struct err *e)
{
    struct check_options at = *o;
    struct findings f;
    const char *id;
    enum status rc;

    if (d->posting == IDMAP_NONE || d->planned_end == DATE_NONE ||
        d->planned_end <= o->as_of)
        return ST_OK;
    id = snap_posting(s, d->posting)->id;
    at.as_of = d->planned_end - 1; /* its last day in post */
    findings_init(&f);
    rc = rules_check(s, &at, &f, e);
    for (size_t i = 0; !rc && i < f.n; i++) {
        if (f.items[i].kind == FK_OVER_TENURE &&
            f.items[i].subject_kind == ENT_POSTING &&
            !strcmp(f.items[i].subject, id) &&
            !findings_find(out, f.items[i].id))
            copy_finding(out, &f.items[i]);
    }
    findings_release(&f);
    return rc;
}

enum status notify_warnings(const struct snapshot *s,
                            const struct notify_draft *d,
                            const struct check_options *o,
                            const struct findings *before,
                            const struct findings *after, struct findings *out,
                            struct err *e)
{
    diff(before, after, out);
    persona_non_grata(s, d, out);
    mission_closed(s, d, out);
    return tenure(s, d, o, out, e);
}

char *notify_warnings_json(const struct findings *w)
{
    json_t *a = json_array();
    char *text;

    for (size_t i = 0; i < w->n; i++) {
        const struct finding *x = &w->items[i];
        json_t *steps = json_array();

        for (size_t k = 0; k < x->n_explain; k++)
            json_array_append_new(steps, json_string(x->explain[k]));
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", x->id,
                         "policy", x->policy, "kind",
                         enum_name(&ENUM_FINDING_KIND, (int)x->kind), "subject",
                         x->subject, "detail", x->detail, "explain", steps));
    }
    text = json_dumps(a, DUMP_COMPACT);
    json_decref(a);
    if (!text)
        BUG("cannot encode warnings");
    return text;
}
