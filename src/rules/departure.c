/*
 * departure_order: persona non grata (VCDR art. 9) or an ordered
 * departure. The order names persons, whose postings at the target's
 * missions in the issuer's country must end, or selects postings by the
 * scope filter and arrival (those present on the day it was declared).
 * From its declaration a posting is due to end by leave_by; a posting
 * that ends by then has complied, one still present after it is overdue,
 * and the receiving State may then refuse to recognise the person as a
 * member of the mission (VCDR art. 9(2)).
 */
#include "rules/eval.h"

static const char CONSEQUENCE[] =
    "The receiving State may now refuse to recognise the person as a member "
    "of the mission (VCDR art. 9(2)).";

static const char *reason_name(enum departure_reason r)
{
    return r == DEPART_PNG ? "persona_non_grata" : "ordered_departure";
}

static void rule_words(const struct eval *ev, char *out, size_t size)
{
    const struct departure_params *d = &ev->r->u.departure;
    char declared[DATE_BUF], leave[DATE_BUF], before[DATE_BUF];

    date_format(d->declared, declared);
    date_format(d->leave_by, leave);
    date_format(d->arrived_before, before);
    if (!d->selects)
        snprintf(out, size,
                 "the %zu persons it names (%s, declared %s) must have left: "
                 "their postings must end by %s",
                 d->n_persons, reason_name(d->reason), declared, leave);
    else
        snprintf(out, size,
                 "the postings it selects%s%s, present on %s when it was "
                 "declared (%s), must end by %s",
                 d->arrived_before != DATE_NONE ? ", arrived before " : "",
                 before, declared, reason_name(d->reason), leave);
}

static void report(const struct eval *ev, uint32_t ti, const char *why)
{
    const struct departure_params *d = &ev->r->u.departure;
    const struct posting *t = snap_posting(ev->s, ti);
    struct finding *x = eval_finding(ev, FK_DEPARTURE_DUE, ENT_POSTING, t->id);
    char words[512], declared[DATE_BUF], leave[DATE_BUF];

    rule_words(ev, words, sizeof(words));
    eval_explain_policy(ev, x, words);
    eval_explain_posting(ev, x, ti);
    finding_explain(ev->out, x, "%s", why);
    eval_explain_result(ev, x, d->leave_by, "the posting must end",
                        CONSEQUENCE);
    date_format(d->declared, declared);
    date_format(d->leave_by, leave);
    finding_detail(ev->out, x, "%s declared %s; leave by %s",
                   reason_name(d->reason), declared, leave);
}

/* 1 when posting t is still bound by the order on the date: until it
 * has left, the order is not complied with. */
static int due(const struct eval *ev, const struct posting *t)
{
    return posting_present(t, ev->as_of);
}

static void named(const struct eval *ev)
{
    const struct departure_params *d = &ev->r->u.departure;
    char why[256];

    for (size_t i = 0; i < d->n_persons; i++) {
        uint32_t p = d->persons[i];

        ADJ_FOR_EACH(ev->s->postings_by_person, p, ti)
        {
            const struct posting *t = snap_posting(ev->s, ti);

            if (!eval_has_mission(ev, &ev->r->scope, t->mission) || !due(ev, t))
                continue;
            snprintf(why, sizeof(why),
                     "Person %s is named in the order; the posting is at a "
                     "mission of %s in %s.",
                     snap_person(ev->s, p)->id,
                     t->mission != IDMAP_NONE
                         ? snap_mission(ev->s, t->mission)->sending
                         : "",
                     ev->r->issuer);
            report(ev, ti, why);
        }
    }
}

/* 1 when the order's select filter takes posting t. */
static int selects(const struct eval *ev, const struct posting *t)
{
    const struct departure_params *d = &ev->r->u.departure;

    return eval_has_category(&ev->r->scope, t->category) &&
           eval_has_category(&d->select, t->category) &&
           (d->arrived_before == DATE_NONE || t->arrived < d->arrived_before) &&
           posting_present(t, d->declared) && due(ev, t);
}

static void selected(const struct eval *ev)
{
    const struct departure_params *d = &ev->r->u.departure;
    struct mission_list ml = snapshot_missions_sent(ev->s, ev->sending);
    char why[256], declared[DATE_BUF], arrived[DATE_BUF];

    date_format(d->declared, declared);
    for (size_t i = 0; i < ml.n; i++) {
        uint32_t m = mission_list_at(&ml, i);

        if (!eval_has_mission(ev, &ev->r->scope, m) ||
            !eval_has_mission(ev, &d->select, m))
            continue;
        const struct posting *t;

        MISSION_POSTINGS_FOR_EACH(ev->s, m, ti, t)
        {
            if (!selects(ev, t))
                continue;
            date_format(t->arrived, arrived);
            snprintf(why, sizeof(why),
                     "The order selects the posting: its mission and "
                     "category are in the selection, it arrived on %s and "
                     "was present on %s, when the order was declared.",
                     arrived, declared);
            report(ev, ti, why);
        }
    }
}

void eval_departure(const struct eval *ev)
{
    if (ev->as_of < ev->r->u.departure.declared)
        return;
    if (ev->r->u.departure.selects)
        selected(ev);
    else
        named(ev);
}
