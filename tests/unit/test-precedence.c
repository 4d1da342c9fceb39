/*
 * Data-driven tests of the published lists' order (publish/dlist.h): each
 * case is a small registry (missions and postings as interchange rows), a
 * host and a date, and the order expected: the heads of mission in order of
 * precedence (VCDR arts. 14, 16), and the list's missions with their staff.
 * The cases cover the classes read from the rank, equal credentials dates,
 * a head with no credentials date, a closed mission, an ended head, a
 * mission to another host, and the consular list's classes and sections.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above; project headers come last because they
 * pull in base/banned.h. */
#include <cmocka.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "core/entity.h"
#include "core/snapshot.h"
#include "publish/dlist.h"

#define MAX_ROWS 16

struct precedence_case {
    const char *what;
    enum dlist_kind kind;
    const char *host;
    const char *as_of;
    /* id,name,sending,host,country,city,kind,opened,closed */
    const char *missions[MAX_ROWS];
    /* id,person,mission,title,rank,category,head_of_mission,notified,
     * arrived,accredited,refused,ended,end_reason,credentials */
    const char *postings[MAX_ROWS];
    /* person,posting,relation,joined,left,accredited,revoked */
    const char *dependents[MAX_ROWS];
    const char *precedence;     /* posting ids, space-separated */
    const char *missions_order; /* "MISSION:STAFF,STAFF MISSION:..." */
};

/* Room for a record of any entity the cases use. */
union any_record {
    struct state state;
    struct mission mission;
    struct person person;
    struct posting posting;
    struct dependent dependent;
};

static const struct precedence_case CASES[] = {
    {
        "the classes come first: ambassador, minister, charge d'affaires",
        DLIST_DIPLOMATIC,
        "USA",
        "2021-12-04",
        { "E1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,",
          "E2,Embassy of Germany,DEU,USA,USA,Washington,embassy,1955-01-01,",
          "E3,Embassy of Austria,AUT,USA,USA,Washington,embassy,1955-01-01,",
          NULL },
        { "T1,P1,E1,Ambassador,ambassador,diplomatic_agent,true,,"
          "2021-01-01,,,,,2021-06-01",
          "T2,P2,E2,Minister,minister,diplomatic_agent,true,,2015-01-01,,,,,"
          "2015-01-05",
          "T3,P3,E3,Charge d'affaires a.i.,counselor,diplomatic_agent,true,,"
          "2010-01-01,,,,,2010-01-02",
          NULL },
        { NULL },
        "T1 T2 T3",
        "E3:T3 E2:T2 E1:T1",
    },
    {
        "within a class, the earlier credentials; equal ones, the earlier "
        "arrival, then the id",
        DLIST_DIPLOMATIC,
        "USA",
        "2021-12-04",
        { "E1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,",
          "E2,Embassy of Germany,DEU,USA,USA,Washington,embassy,1955-01-01,",
          "E3,Embassy of Austria,AUT,USA,USA,Washington,embassy,1955-01-01,",
          "E4,Embassy of France,FRA,USA,USA,Washington,embassy,1955-01-01,",
          NULL },
        { "T1,P1,E1,Ambassador,ambassador,diplomatic_agent,true,,"
          "2021-01-01,,,,,2021-03-01",
          "T2,P2,E2,Ambassador,ambassador,diplomatic_agent,true,,"
          "2020-12-01,,,,,2021-03-01",
          "T3,P3,E3,Ambassador,ambassador,diplomatic_agent,true,,"
          "2019-01-01,,,,,2021-03-02",
          "T4,P4,E4,Ambassador,ambassador,diplomatic_agent,true,,"
          "2020-12-01,,,,,2021-03-01",
          NULL },
        { NULL },
        "T2 T4 T1 T3",
        "E3:T3 E4:T4 E2:T2 E1:T1",
    },
    {
        "a head with no credentials date follows those of the class who "
        "have one, by arrival, and precedes the next class",
        DLIST_DIPLOMATIC,
        "USA",
        "2021-12-04",
        { "E1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,",
          "E2,Embassy of Germany,DEU,USA,USA,Washington,embassy,1955-01-01,",
          "E3,Embassy of Austria,AUT,USA,USA,Washington,embassy,1955-01-01,",
          "E4,Embassy of France,FRA,USA,USA,Washington,embassy,1955-01-01,",
          NULL },
        { "T1,P1,E1,Ambassador,ambassador,diplomatic_agent,true,,"
          "2021-11-01,,,,,2021-11-20",
          "T2,P2,E2,Ambassador-designate,ambassador,diplomatic_agent,true,,"
          "2021-11-15,,,,,",
          "T3,P3,E3,Ambassador-designate,ambassador,diplomatic_agent,true,,"
          "2010-01-01,,,,,",
          "T4,P4,E4,Minister,minister,diplomatic_agent,true,,2000-01-01,,,,,"
          "2000-01-02",
          NULL },
        { NULL },
        "T1 T3 T2 T4",
        "E3:T3 E4:T4 E2:T2 E1:T1",
    },
    {
        "a closed mission and an ended head are off the list; the charge "
        "d'affaires a.i. left in charge is on it",
        DLIST_DIPLOMATIC,
        "USA",
        "2021-12-04",
        { "E1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,",
          "E2,Embassy of Germany,DEU,USA,USA,Washington,embassy,1955-01-01,"
          "2021-12-04",
          "E3,Embassy of Austria,AUT,USA,USA,Washington,embassy,1955-01-01,",
          NULL },
        { "T1,P1,E1,Ambassador,ambassador,diplomatic_agent,true,,"
          "2017-08-21,,,2021-12-01,recalled,2017-09-01",
          "T2,P2,E2,Ambassador,ambassador,diplomatic_agent,true,,"
          "2015-01-01,,,2021-12-04,other,2015-01-05",
          "T3,P3,E1,Charge d'affaires a.i.,minister_counselor,"
          "diplomatic_agent,true,,2019-01-01,,,,,2021-12-01",
          "T4,P4,E3,Ambassador,ambassador,diplomatic_agent,true,,"
          "2018-01-01,,,,,2018-02-01",
          "T5,P5,E1,Counselor,counselor,diplomatic_agent,false,,2020-01-01,"
          ",,,,",
          NULL },
        { NULL },
        "T4 T3",
        "E3:T4 E1:T3,T5",
    },
    {
        "staff: head first, then rank, then arrival; only diplomatic "
        "agents present; another host's missions are not listed",
        DLIST_DIPLOMATIC,
        "USA",
        "2021-12-04",
        { "E1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,",
          "E2,Embassy of the United States,USA,RUS,RUS,Moscow,embassy,"
          "1992-01-01,",
          "C1,Consulate General of Russia,RUS,USA,USA,New York,"
          "consulate_general,1992-01-01,",
          NULL },
        { "T1,P1,E1,Second Secretary,second_secretary,diplomatic_agent,false,"
          ",2019-01-01,,,,,",
          "T2,P2,E1,First Secretary,first_secretary,diplomatic_agent,false,,"
          "2020-01-01,,,,,",
          "T3,P3,E1,First Secretary,first_secretary,diplomatic_agent,false,,"
          "2018-01-01,,,,,",
          "T4,P4,E1,Ambassador,ambassador,diplomatic_agent,true,,2021-01-01,"
          ",,,,2021-02-01",
          "T5,P5,E1,Clerk,none,admin_technical,false,,2018-01-01,,,,,",
          "T6,P6,E2,Ambassador,ambassador,diplomatic_agent,true,,2020-01-01,"
          ",,,,2020-02-01",
          "T7,P7,C1,Consul,consul,consular_officer,false,,2018-01-01,,,,,",
          "T8,P8,E1,Attache,attache,diplomatic_agent,false,,2022-01-01,,,,,",
          NULL },
        { NULL },
        "T4",
        "E1:T4,T3,T2,T1",
    },
    {
        "the consular list: consular posts and an embassy's consular "
        "section; heads of post by class",
        DLIST_CONSULAR,
        "USA",
        "2021-12-04",
        { "E1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,",
          "C1,Consulate General of Russia,RUS,USA,USA,New York,"
          "consulate_general,1992-01-01,",
          "C2,Consulate of Germany,DEU,USA,USA,Houston,consulate,"
          "1992-01-01,",
          "E2,Embassy of Germany,DEU,USA,USA,Washington,embassy,1955-01-01,",
          NULL },
        { "T1,P1,E1,Ambassador,ambassador,diplomatic_agent,true,,"
          "2021-01-01,,,,,2021-02-01",
          "T2,P2,E1,Consul,consul,consular_officer,false,,2020-01-01,,,,,",
          "T3,P3,C1,Consul General,consul_general,consular_officer,true,,"
          "2021-05-01,,,,,2021-05-10",
          "T4,P4,C2,Consul,consul,consular_officer,true,,2010-01-01,,,,,"
          "2010-01-10",
          "T5,P5,C2,Honorary Consul,none,honorary_consul,false,,2011-01-01,"
          ",,,,",
          NULL },
        { NULL },
        "T3 T4",
        "C2:T4,T5 E1:T2 C1:T3",
    },
    {
        "states by short name, accents folded: Costa Rica, Cote d'Ivoire, "
        "Croatia",
        DLIST_DIPLOMATIC,
        "USA",
        "2021-12-04",
        { "E1,Embassy of Cote d'Ivoire,CIV,USA,USA,Washington,embassy,"
          "1960-01-01,",
          "E2,Embassy of Croatia,HRV,USA,USA,Washington,embassy,1992-01-01,",
          "E3,Embassy of Costa Rica,CRI,USA,USA,Washington,embassy,"
          "1950-01-01,",
          NULL },
        { NULL },
        { NULL },
        "",
        "E3: E1: E2:",
    },
};

static int32_t day_of(const char *text)
{
    struct err e = { 0 };
    int32_t d = 0;

    if (date_parse(text, &d, &e) != ST_OK)
        fail_msg("date_parse(\"%s\"): %s", text, e.msg);
    return d;
}

static void add_state(struct snapshot *s, const char *code, const char *name)
{
    struct state st;
    struct err e = { 0 };

    memcpy(st.code, code, 4);
    st.name = name;
    if (snapshot_add(s, ENT_STATE, &st, NULL, &e))
        fail_msg("adding state %s: %s", code, e.msg);
}

/* Adds the record of line, its fields in descriptor order (columns added
 * later may be left out); fails the test on any error or broken rule. */
static void add_row(struct snapshot *s, enum entity_kind kind, const char *line)
{
    const struct entity *ent = ENTITIES[kind];
    char *copy = xstrdup(line), *rest = copy, *text;
    union any_record rec;
    struct problems p;
    struct err e = { 0 };
    int i = 0;

    record_clear(ent, &rec);
    while ((text = strsep(&rest, ","))) {
        assert_true(i < ent->n_fields);
        if (field_parse(s, &ent->fields[i], &rec, text, &e))
            fail_msg("'%s': column '%s': %s", line, ent->fields[i].name, e.msg);
        i++;
    }
    free(copy);
    problems_init(&p);
    if (ent->check)
        ent->check(s, &rec, "row", &p);
    if (p.n_total)
        fail_msg("'%s': %s", line, p.msgs[0]);
    problems_release(&p);
    if (snapshot_add(s, kind, &rec, NULL, &e))
        fail_msg("adding '%s': %s", line, e.msg);
}

static void build(struct snapshot *s, const struct precedence_case *c)
{
    char line[64];

    snapshot_init(s);
    add_state(s, "AUT", "Austria");
    add_state(s, "DEU", "Germany");
    add_state(s, "FRA", "France");
    add_state(s, "RUS", "Russian Federation");
    add_state(s, "USA", "United States");
    add_state(s, "CIV", "C\xc3\xb4te d'Ivoire");
    add_state(s, "CRI", "Costa Rica");
    add_state(s, "HRV", "Croatia");
    for (int i = 1; i <= 9; i++) {
        snprintf(line, sizeof(line), "P%d,Family%d,Given%d,,,,", i, i, i);
        add_row(s, ENT_PERSON, line);
    }
    for (int i = 0; c->missions[i]; i++)
        add_row(s, ENT_MISSION, c->missions[i]);
    for (int i = 0; c->postings[i]; i++)
        add_row(s, ENT_POSTING, c->postings[i]);
    for (int i = 0; c->dependents[i]; i++)
        add_row(s, ENT_DEPENDENT, c->dependents[i]);
    snapshot_index(s);
}

/* The list's precedence and missions in the cases' notation. */
static void describe(const struct snapshot *s, const struct dlist *l,
                     struct buf *prec, struct buf *missions)
{
    for (size_t i = 0; i < l->n_heads; i++)
        buf_addf(prec, "%s%s", i ? " " : "",
                 snap_posting(s, l->heads[i].posting)->id);
    for (size_t i = 0; i < l->n_missions; i++) {
        const struct dlist_mission *m = &l->missions[i];

        buf_addf(missions, "%s%s:", i ? " " : "",
                 snap_mission(s, m->mission)->id);
        for (size_t k = 0; k < m->n; k++)
            buf_addf(missions, "%s%s", k ? "," : "",
                     snap_posting(s, l->members[m->first + k].posting)->id);
    }
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        const struct precedence_case *c = &CASES[i];
        struct snapshot s;
        struct dlist l;
        struct buf prec, missions;
        struct err e = { 0 };

        build(&s, c);
        if (dlist_build(&s, c->kind, c->host, day_of(c->as_of), &l, &e))
            fail_msg("%s: %s", c->what, e.msg);
        buf_init(&prec, 1 << 12);
        buf_init(&missions, 1 << 12);
        describe(&s, &l, &prec, &missions);
        if (strcmp(prec.data ? prec.data : "", c->precedence))
            fail_msg("%s: precedence '%s', wanted '%s'", c->what,
                     prec.data ? prec.data : "", c->precedence);
        if (strcmp(missions.data ? missions.data : "", c->missions_order))
            fail_msg("%s: missions '%s', wanted '%s'", c->what,
                     missions.data ? missions.data : "", c->missions_order);
        buf_release(&prec);
        buf_release(&missions);
        dlist_release(&l);
        snapshot_release(&s);
    }
}

/* The states come in alphabetical order of their short names, each once,
 * with the spouse in the household on the date. */
static void test_states_and_spouse(void **state)
{
    static const struct precedence_case c = {
        "states and spouse",
        DLIST_DIPLOMATIC,
        "USA",
        "2021-12-04",
        { "E1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,",
          "E2,Embassy of Germany,DEU,USA,USA,Washington,embassy,1955-01-01,",
          "M1,Military Mission of Germany,DEU,USA,USA,Washington,other,"
          "1955-01-01,",
          NULL },
        { "T1,P1,E1,Ambassador,ambassador,diplomatic_agent,true,,"
          "2021-01-01,,,,,2021-02-01",
          "T2,P2,E2,Counselor,counselor,diplomatic_agent,false,,2021-01-01,"
          ",,,,",
          NULL },
        { "P3,T1,spouse,2021-01-01,,,", "P4,T2,spouse,2021-01-01,2021-12-04,,",
          NULL },
        "T1",
        "E2:T2 M1: E1:T1",
    };
    struct snapshot s;
    struct dlist l;
    struct err e = { 0 };

    (void)state;
    build(&s, &c);
    assert_int_equal(dlist_build(&s, c.kind, c.host, day_of(c.as_of), &l, &e),
                     ST_OK);
    assert_int_equal(l.n_states, 2);
    assert_string_equal(l.states[0].name, "Germany");
    assert_int_equal(l.states[0].n, 2);
    assert_string_equal(l.states[1].code, "RUS");
    assert_int_equal(l.members[0].spouse, IDMAP_NONE); /* left that day */
    assert_string_equal(snap_person(&s, l.members[1].spouse)->id, "P3");
    dlist_release(&l);
    assert_int_equal(dlist_build(&s, c.kind, "XXX", day_of(c.as_of), &l, &e),
                     ST_NOT_FOUND);
    dlist_release(&l);
    snapshot_release(&s);
}

static void test_classes(void **state)
{
    (void)state;
    assert_int_equal(precedence_class(DLIST_DIPLOMATIC, RANK_AMBASSADOR),
                     PREC_AMBASSADOR);
    assert_int_equal(precedence_class(DLIST_DIPLOMATIC, RANK_MINISTER),
                     PREC_MINISTER);
    assert_int_equal(precedence_class(DLIST_DIPLOMATIC, RANK_COUNSELOR),
                     PREC_CHARGE_D_AFFAIRES);
    assert_int_equal(precedence_class(DLIST_DIPLOMATIC, ENUM_NONE),
                     PREC_CHARGE_D_AFFAIRES);
    assert_int_equal(precedence_class(DLIST_CONSULAR, RANK_VICE_CONSUL),
                     PREC_CHARGE_D_AFFAIRES);
    assert_int_equal(precedence_class(DLIST_CONSULAR, RANK_ATTACHE),
                     PREC_OTHER);
    assert_string_equal(
        precedence_class_name(DLIST_DIPLOMATIC, PREC_CHARGE_D_AFFAIRES),
        "charge_d_affaires");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_states_and_spouse),
        cmocka_unit_test(test_classes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
