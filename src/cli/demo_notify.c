/*
 * The demo's notifications (issue 12), made from the demo registry rather
 * than kept in a file of their own, so that they cannot disagree with it:
 * an appointment's notification is its posting's (submitted on the day it
 * was notified, decided on the day it was accredited or refused), and the
 * terminations are those of the tours the first wave of the US tenure rule
 * ends, as `check` finds them. cli/demo.c records each on the day it was
 * submitted and its decision on the day it was made, so that
 * `--as-known-on` shows the notifications outstanding on any day.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/demo.h"
#include "core/presence.h"
#include "rules/check.h"
#include "rules/notify.h"

#define DUMP     (JSON_COMPACT | JSON_PRESERVE_ORDER)
#define TOUR_DAY "2021-12-04"

struct maker {
    struct snapshot *s;
    int32_t today;
    unsigned long next; /* the next notification's number */
};

/* "YYYY-MM-DDT00:00:00Z" of day, in s's arena: as the replay records it. */
static const char *stamp(struct snapshot *s, int32_t day)
{
    char d[DATE_BUF], at[32];

    date_format(day, d);
    snprintf(at, sizeof(at), "%sT00:00:00Z", d);
    return arena_strdup(&s->strings, at);
}

/* The office of the receiving state, and the sending state's embassy. */
static const char *office(const struct mission *m)
{
    return !strcmp(m->host, "USA") ? "usa-protocol" : "rus-mfa-protocol";
}

static const char *embassy(const struct mission *m)
{
    return !strcmp(m->sending, "RUS") ? "rus-embassy" : "usa-embassy";
}

/* The dates of posting t learned after day blanked: t as the office knew
 * it then. */
static void as_known(struct posting *t, int32_t day)
{
    if (t->arrived > day)
        t->arrived = DATE_NONE;
    if (t->accredited > day)
        t->accredited = DATE_NONE;
    if (t->refused > day)
        t->refused = DATE_NONE;
    if (t->ended > day) {
        t->ended = DATE_NONE;
        t->end_reason = ENUM_NONE;
    }
}

/* Sets posting ti to *to, keeping the presence index exact. */
static void set_posting(struct snapshot *s, uint32_t ti,
                        const struct posting *to)
{
    struct posting *t = snap_posting(s, ti);

    presence_remove(s->presence, t);
    *t = *to;
    snapshot_unclustered(s);
    presence_insert(s->presence, t);
}

/* The findings of the policies in effect on o with posting ti as *t. */
static void findings_with(struct snapshot *s, uint32_t ti,
                          const struct posting *t,
                          const struct check_options *o, struct findings *f)
{
    struct err e;

    set_posting(s, ti, t);
    if (rules_check(s, o, f, &e))
        BUG("demo check: %s", e.msg);
}

/* The warnings of the notification of kind about posting ti (an
 * appointment, or the termination ending it on ended) looked at on day,
 * the day it was submitted or decided, as `notify` computes them
 * (rules/notify.h): the findings the policies in effect then give with
 * its records that they do not give without them, and the warnings no
 * policy states. The registry is the demo's whole one, the posting set as
 * the office knew it that day; it is put back as it was. */
static const char *warnings_of(struct maker *k, int kind, uint32_t ti,
                               int32_t day, int32_t ended)
{
    struct snapshot *s = k->s;
    const struct posting saved = *snap_posting(s, ti);
    const struct mission *m = snap_mission(s, saved.mission);
    struct posting with = saved, without = saved;
    struct check_options o = { day, NULL, m->sending, NULL, 0, NULL };
    struct findings before, after, w;
    struct notify_draft d;
    struct err e;
    char *json;
    const char *out;

    as_known(&with, day);
    as_known(&without, day);
    notify_draft_init(&d);
    d.kind = kind;
    d.mission = saved.mission;
    d.person = saved.person;
    d.posting = ti;
    if (kind == NK_APPOINTMENT) { /* without it, no such posting */
        d.date = saved.notified;
        without.arrived = without.accredited = DATE_NONE;
        without.refused = saved.notified;
        if (m->closed != DATE_NONE && m->closed <= d.date)
            d.closed = m->closed;
    } else { /* the tour ends on ended */
        d.date = o.as_of = ended > day ? ended : day;
        with.ended = ended;
        with.end_reason = END_ORDERED_DEPARTURE;
    }
    findings_init(&before);
    findings_init(&after);
    findings_init(&w);
    findings_with(s, ti, &without, &o, &before);
    findings_with(s, ti, &with, &o, &after);
    if (notify_warnings(s, &d, &o, &before, &after, &w, &e))
        BUG("demo warnings: %s", e.msg);
    set_posting(s, ti, &saved);
    json = notify_warnings_json(&w);
    out = arena_strdup(&s->strings, json);
    free(json);
    findings_release(&before);
    findings_release(&after);
    findings_release(&w);
    notify_draft_release(&d);
    return out;
}

/* Appends a notification of mission m submitted on day; its decision is
 * state on decided (ignored while it is submitted). Its warnings are those
 * of the day it was decided, else of the day it was submitted. */
static void add(struct maker *k, int kind, uint32_t m, json_t *payload,
                int32_t day, int state, int32_t decided, const char *grounds,
                uint32_t ti, int32_t ended)
{
    const struct mission *ms = snap_mission(k->s, m);
    struct notification n;
    char id[16], *text = json_dumps(payload, DUMP);
    struct err e;

    if (state != NS_SUBMITTED && (decided == DATE_NONE || decided > k->today))
        state = NS_SUBMITTED; /* not decided yet on the demo's day */
    memset(&n, 0, sizeof(n));
    snprintf(id, sizeof(id), "N%06lu", k->next++);
    n.id = arena_strdup(&k->s->strings, id);
    n.kind = kind;
    n.mission = m;
    n.payload = arena_strdup(&k->s->strings, text);
    n.justification = kind == NK_APPOINTMENT ? "replacement" : NULL;
    n.submitted_by = embassy(ms);
    n.submitted_at = stamp(k->s, day);
    n.state = state;
    n.warnings =
        warnings_of(k, kind, ti, state == NS_SUBMITTED ? day : decided, ended);
    n.change_set = FIELD_INT_NONE;
    if (state != NS_SUBMITTED) {
        n.decided_by = office(ms);
        n.decided_at = stamp(k->s, decided);
        n.grounds = grounds;
    }
    if (snapshot_add(k->s, ENT_NOTIFICATION, &n, NULL, &e))
        BUG("demo notification %s: %s", id, e.msg);
    free(text);
}

static json_t *date_json(int32_t day)
{
    char d[DATE_BUF];

    date_format(day, d);
    return json_string(d);
}

/* The appointment notified with posting ti. */
static void appointment(struct maker *k, uint32_t ti)
{
    const struct posting *t = snap_posting(k->s, ti);
    const struct snapshot *s = k->s;
    json_t *posting = json_object(), *p;

    json_object_set_new(posting, "id", json_string(t->id));
    if (t->title)
        json_object_set_new(posting, "title", json_string(t->title));
    if (t->rank != ENUM_NONE)
        json_object_set_new(posting, "rank",
                            json_string(enum_name(&ENUM_RANK, t->rank)));
    json_object_set_new(
        posting, "category",
        json_string(enum_name(&ENUM_STAFF_CATEGORY, t->category)));
    json_object_set_new(posting, "head_of_mission",
                        json_boolean(t->head_of_mission == 1));
    json_object_set_new(posting, "notified", date_json(t->notified));
    p = json_pack("{s:s, s:s, s:s, s:o, s:s}", "kind", "appointment", "mission",
                  snap_mission(s, t->mission)->id, "person",
                  snap_person(s, t->person)->id, "posting", posting,
                  "justification", "replacement");

    if (t->accredited != DATE_NONE)
        add(k, NK_APPOINTMENT, t->mission, p, t->notified, NS_ACCEPTED,
            t->accredited, NULL, ti, DATE_NONE);
    else if (t->refused != DATE_NONE)
        add(k, NK_APPOINTMENT, t->mission, p, t->notified, NS_REFUSED,
            t->refused, "accreditation refused", ti, DATE_NONE);
    else
        add(k, NK_APPOINTMENT, t->mission, p, t->notified, NS_SUBMITTED,
            DATE_NONE, NULL, ti, DATE_NONE);
    json_decref(p);
}

/* A posting of one side's mission to the other, notified in 2021. */
static int bilateral_2021(const struct snapshot *s, const struct posting *t)
{
    const struct mission *m = snap_mission(s, t->mission);
    int32_t from = date_from_ymd(2021, 1, 1), to = date_from_ymd(2021, 12, 31);

    return t->notified >= from && t->notified <= to &&
           t->category != CAT_LOCAL_STAFF &&
           ((!strcmp(m->sending, "RUS") && !strcmp(m->host, "USA")) ||
            (!strcmp(m->sending, "USA") && !strcmp(m->host, "RUS")));
}

/* The terminations of the tours the first wave ends. */
static void terminations(struct maker *k, int32_t tour, int32_t wave)
{
    struct check_options o = { tour, "USA", "RUS", NULL, 0, NULL };
    struct findings f;
    struct err e;

    findings_init(&f);
    snapshot_index(k->s);
    if (rules_check(k->s, &o, &f, &e))
        BUG("demo check: %s", e.msg);
    for (size_t i = 0; i < f.n; i++) {
        const struct finding *x = &f.items[i];
        uint32_t ti;
        struct posting *t;
        json_t *p;

        if (strcmp(x->policy, "usa-rus-tenure") || x->kind != FK_OVER_TENURE ||
            x->deadline != wave ||
            (ti = snapshot_find(k->s, ENT_POSTING, x->subject)) == IDMAP_NONE)
            continue;
        t = snap_posting(k->s, ti);
        p = json_pack("{s:s, s:s, s:s, s:o, s:s}", "kind", "termination",
                      "mission", snap_mission(k->s, t->mission)->id, "posting",
                      t->id, "ended", date_json(wave), "end_reason",
                      "ordered_departure");
        add(k, NK_TERMINATION, t->mission, p, tour, NS_ACCEPTED, wave, NULL, ti,
            wave);
        if (wave <= k->today && t->ended == DATE_NONE) {
            t->ended = wave;
            t->end_reason = END_ORDERED_DEPARTURE;
        }
        json_decref(p);
    }
    findings_release(&f);
}

/* Postings in the order of their notification (ids follow it). */
static const struct snapshot *sorting;

static int by_notified(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    int32_t x = snap_posting(sorting, a)->notified,
            y = snap_posting(sorting, b)->notified;

    if (x != y)
        return x < y ? -1 : 1;
    return (a > b) - (a < b);
}

void demo_notifications(struct snapshot *s, const uint32_t *start,
                        int32_t today)
{
    struct maker k = { s, today, 1 + snapshot_count(s, ENT_NOTIFICATION) };
    uint32_t *order =
        xcalloc(snapshot_count(s, ENT_POSTING) + 1, sizeof(*order));
    size_t n = 0;
    int32_t tour, wave;

    if (date_parse(TOUR_DAY, &tour, NULL) ||
        date_parse(DEMO_WAVE_1, &wave, NULL))
        BUG("bad demo dates");
    for (uint32_t i = start[ENT_POSTING]; i < snapshot_count(s, ENT_POSTING);
         i++) {
        const struct posting *t = snap_posting(s, i);

        if (bilateral_2021(s, t) && t->notified <= today)
            order[n++] = i;
    }
    sorting = s;
    qsort(order, n, sizeof(*order), by_notified);
    snapshot_index(s);
    for (size_t i = 0; i < n; i++)
        appointment(&k, order[i]);
    free(order);
    if (tour <= today)
        terminations(&k, tour, wave);
}
