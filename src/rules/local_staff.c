/*
 * local_staff_ban: the target's missions may not employ local staff of the
 * listed nationalities (the host's own nationals, and "third_country" for
 * any other but the sending State's) from the policy's start. A local
 * employee of a listed nationality still present is a finding whose
 * employment had to end by the start, or by the arrival when later.
 */
#include <string.h>

#include "rules/eval.h"

/* 1 when nationality is one the ban lists, for a mission of sending. */
static int banned(const struct eval *ev, const char *nationality,
                  const char *sending)
{
    const struct local_staff_params *l = &ev->r->u.local_staff;

    if (!*nationality)
        return 0;
    for (size_t i = 0; i < l->n_nationalities; i++) {
        if (!strcmp(l->nationalities[i], nationality))
            return 1;
    }
    return l->third_country && strcmp(nationality, ev->r->issuer) &&
           strcmp(nationality, sending);
}

static void rule_words(const struct eval *ev, char *out, size_t size)
{
    const struct local_staff_params *l = &ev->r->u.local_staff;
    size_t len = (size_t)snprintf(out, size,
                                  "the missions may not employ local staff "
                                  "who are nationals of");

    for (size_t i = 0; i < l->n_nationalities && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s %s", i ? "," : "",
                                l->nationalities[i]);
    if (l->third_country && len < size)
        snprintf(out + len, size - len, "%s third countries",
                 l->n_nationalities ? " or of" : "");
}

static void report(const struct eval *ev, uint32_t ti)
{
    const struct posting *t = snap_posting(ev->s, ti);
    const struct person *p = snap_person(ev->s, t->person);
    struct finding *x = eval_finding(ev, FK_LOCAL_STAFF, ENT_POSTING, t->id);
    int32_t deadline = t->arrived > ev->r->from ? t->arrived : ev->r->from;
    char words[512];

    rule_words(ev, words, sizeof(words));
    eval_explain_policy(ev, x, words);
    eval_explain_posting(ev, x, ti);
    finding_explain(ev->out, x,
                    "The posting is local staff and person %s is a national "
                    "of %s.",
                    p->id, p->nationality);
    eval_explain_result(ev, x, deadline, "the employment must end", NULL);
    finding_detail(ev->out, x, "local staff, national of %s", p->nationality);
}

void eval_local_staff(const struct eval *ev)
{
    struct mission_list ml = snapshot_missions_sent(ev->s, ev->sending);

    for (size_t i = 0; i < ml.n; i++) {
        uint32_t m = mission_list_at(&ml, i);
        const char *sending = snap_mission(ev->s, m)->sending;

        if (!eval_has_mission(ev, &ev->r->scope, m))
            continue;
        const struct posting *t;

        MISSION_POSTINGS_FOR_EACH(ev->s, m, ti, t)
        {
            if (t->category == CAT_LOCAL_STAFF &&
                posting_present(t, ev->as_of) &&
                banned(ev, snap_person(ev->s, t->person)->nationality, sending))
                report(ev, ti);
        }
    }
}
