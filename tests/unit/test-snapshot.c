/*
 * Unit tests for the in-memory registry of core/: the snapshot and its
 * indexes, the field codec and entity checks of core/entity.h, presence
 * (core/presence.h) and headcounts (core/count.h).
 *
 * Every read command computes on a snapshot, so these are the facts the
 * rest of chancery stands on. The fixture is built the way an import builds
 * one, field by field through the entity descriptors, so that references
 * and codes resolve against the snapshot. Presence follows DESIGN.md
 * ("Counting"), whose day boundaries are checked one by one; the presence
 * index, which answers by binary search, is compared with a brute-force
 * count over many random postings and dates.
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

#include "base/date.h"
#include "base/problems.h"
#include "base/xalloc.h"
#include "core/apply.h"
#include "core/count.h"
#include "core/entity.h"
#include "core/presence.h"
#include "core/snapshot.h"
#include "report/views.h"
#include "rules/notify.h"

/* Room for a record of any entity. */
union any_record {
    struct state state;
    struct organization org;
    struct mission mission;
    struct person person;
    struct posting posting;
    struct dependent dependent;
};

static int32_t day_of(const char *text)
{
    struct err e = { 0 };
    int32_t d = 0;

    if (date_parse(text, &d, &e) != ST_OK)
        fail_msg("date_parse(\"%s\"): %s", text, e.msg);
    return d;
}

static uint32_t add_state(struct snapshot *s, const char *code,
                          const char *name)
{
    struct state st;
    struct err e = { 0 };
    uint32_t index = IDMAP_NONE;

    memcpy(st.code, code, 4);
    st.name = name;
    if (snapshot_add(s, ENT_STATE, &st, &index, &e))
        fail_msg("adding state %s: %s", code, e.msg);
    return index;
}

/* Parses line, the record's fields in descriptor order separated by commas
 * (empty for absent), into rec. OUT: e; the status of the first field
 * that fails, after which parsing stops. */
static enum status parse_row(struct snapshot *s, enum entity_kind kind,
                             const char *line, union any_record *rec,
                             struct err *e)
{
    const struct entity *ent = ENTITIES[kind];
    char *copy = xstrdup(line), *rest = copy, *text;
    enum status st = ST_OK;
    int i = 0;

    record_clear(ent, rec);
    while (!st && (text = strsep(&rest, ","))) {
        assert_true(i < ent->n_fields);
        st = field_parse(s, &ent->fields[i], rec, text, e);
        if (st)
            err_prefix(e, "%s column '%s'", ent->name, ent->fields[i].name);
        i++;
    }
    /* Columns added later (FIELD_ADDED) may be left out. */
    for (; !st && i < ent->n_fields; i++)
        assert_true(ent->fields[i].flags & FIELD_ADDED);
    free(copy);
    return st;
}

/* Adds the record of line (see parse_row); fails the test on any error. */
static uint32_t add_row(struct snapshot *s, enum entity_kind kind,
                        const char *line)
{
    union any_record rec;
    struct err e = { 0 };
    uint32_t index = IDMAP_NONE;

    if (parse_row(s, kind, line, &rec, &e) ||
        snapshot_add(s, kind, &rec, &index, &e))
        fail_msg("adding '%s': %s", line, e.msg);
    return index;
}

/*
 * The fixture: Russia's and the United States' missions, in the spirit of
 * the 2021 dispute. Present on 2021-03-01: T1, T2, T3, T4, T5, T6.
 */
static const char *const MISSIONS[] = {
    "M1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,",
    "M2,Consulate General of Russia,RUS,USA,USA,New York,consulate_general,"
    "1992-01-01,",
    "M3,Permanent Mission of Russia to the UN,RUS,UN,USA,New York,"
    "permanent_mission,1992-01-01,",
    "M4,Embassy of the United States,USA,RUS,RUS,Moscow,embassy,1992-01-01,",
    "M5,Consulate General of Russia,RUS,USA,USA,San Francisco,"
    "consulate_general,1992-01-01,2017-09-02",
    "M6,Permanent Mission of Russia to the WTO,RUS,WTO,CHE,Geneva,"
    "permanent_mission,2012-08-22,",
};

static const char *const PERSONS[] = {
    "P1,Antonov,Anatoly,M,1955-05-15,RUS,",
    "P2,Ivanova,Maria,F,1980-02-29,RUS,7100001",
    "P3,Petrov,Ivan,M,,RUS,",
    "P4,Nebenzya,Vassily,M,1962-02-26,RUS,",
    "P5,Sullivan,John,M,1959-11-07,USA,",
    "P6,Lavrov,Sergey,X,,,",
    "P7,Antonova,Elena,F,,RUS,",
    "P8,Antonov,Pavel,M,2005-01-01,RUS,",
    "P9,Petrova,Olga,F,,RUS,",
};

/* id,person,mission,title,rank,category,head_of_mission,notified,arrived,
 * accredited,refused,ended,end_reason */
static const char *const POSTINGS[] = {
    "T1,P1,M1,Ambassador,ambassador,diplomatic_agent,true,2017-07-01,"
    "2017-08-21,2017-08-22,,,",
    "T2,P2,M1,Attache,attache,admin_technical,false,,2019-01-10,,,2021-06-30,"
    "tour_completed",
    "T3,P3,M2,Consul,consul,consular_officer,false,,2018-05-01,,,,",
    "T4,P4,M3,Permanent Representative,ambassador,diplomatic_agent,true,,"
    "2015-03-01,,,,",
    "T5,P5,M4,Ambassador,ambassador,diplomatic_agent,true,,2020-01-15,,,,",
    "T6,P6,M6,,,diplomatic_agent,,,2016-02-01,,,,",
    "T7,P2,M2,,,admin_technical,,2021-07-01,2021-07-15,,,,",
    "T8,P3,M1,,,diplomatic_agent,,2021-01-01,,,2021-02-01,,",
    "T9,P1,M5,Consul General,consul_general,consular_officer,true,,"
    "2010-01-01,,,2017-08-01,transferred",
};

/* person,posting,relation,joined,left,accredited,revoked */
static const char *const DEPENDENTS[] = {
    "P7,T1,spouse,2017-08-21,,2017-08-22,",
    "P8,T1,child,2018-01-01,2023-06-30,,",
    "P9,T3,spouse,2018-05-01,,,",
};

#define N_OF(a) (sizeof(a) / sizeof(a[0]))

static void build_fixture(struct snapshot *s)
{
    snapshot_init(s);
    add_state(s, "USA", "United States");
    add_state(s, "RUS", "Russian Federation");
    add_state(s, "CHE", "Switzerland");
    add_state(s, "GBR", "United Kingdom");
    add_row(s, ENT_ORGANIZATION, "UN,United Nations,USA");
    add_row(s, ENT_ORGANIZATION, "WTO,World Trade Organization,CHE");
    for (size_t i = 0; i < N_OF(MISSIONS); i++)
        assert_int_equal(add_row(s, ENT_MISSION, MISSIONS[i]), i);
    for (size_t i = 0; i < N_OF(PERSONS); i++)
        assert_int_equal(add_row(s, ENT_PERSON, PERSONS[i]), i);
    for (size_t i = 0; i < N_OF(POSTINGS); i++)
        assert_int_equal(add_row(s, ENT_POSTING, POSTINGS[i]), i);
    for (size_t i = 0; i < N_OF(DEPENDENTS); i++)
        assert_int_equal(add_row(s, ENT_DEPENDENT, DEPENDENTS[i]), i);
}

static int setup(void **state)
{
    struct snapshot *s = xmalloc(sizeof(*s));

    build_fixture(s);
    snapshot_index(s);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    snapshot_release(*state);
    free(*state);
    return 0;
}

static void test_find(void **state)
{
    struct snapshot *s = *state;

    assert_int_equal(snapshot_count(s, ENT_STATE), 4);
    assert_int_equal(snapshot_count(s, ENT_MISSION), N_OF(MISSIONS));
    assert_int_equal(snapshot_count(s, ENT_DEPENDENT), N_OF(DEPENDENTS));
    assert_int_equal(snapshot_find(s, ENT_STATE, "RUS"), 1);
    assert_int_equal(snapshot_find(s, ENT_ORGANIZATION, "WTO"), 1);
    assert_int_equal(snapshot_find(s, ENT_MISSION, "M1"), 0);
    assert_int_equal(snapshot_find(s, ENT_MISSION, "M6"), 5);
    assert_int_equal(snapshot_find(s, ENT_PERSON, "P9"), 8);
    assert_int_equal(snapshot_find(s, ENT_POSTING, "T7"), 6);
    assert_int_equal(snapshot_find(s, ENT_DEPENDENT, "P8/T1"), 1);
    assert_int_equal(snapshot_find(s, ENT_DEPENDENT, "P9/T3"), 2);
    /* Keys are per entity, exact and case-sensitive. */
    assert_int_equal(snapshot_find(s, ENT_MISSION, "P1"), IDMAP_NONE);
    assert_int_equal(snapshot_find(s, ENT_MISSION, "m1"), IDMAP_NONE);
    assert_int_equal(snapshot_find(s, ENT_STATE, "FRA"), IDMAP_NONE);
    assert_int_equal(snapshot_find(s, ENT_DEPENDENT, "P8/T3"), IDMAP_NONE);
    /* Rows hold what was parsed, references as indexes. */
    assert_string_equal(snap_mission(s, 2)->name,
                        "Permanent Mission of Russia to the UN");
    assert_int_equal(snap_posting(s, 6)->person, 1);
    assert_int_equal(snap_posting(s, 6)->mission, 1);
    assert_int_equal(snap_dependent(s, 2)->posting, 2);
    assert_string_equal(snap_state(s, 2)->code, "CHE");
    assert_string_equal(snap_org(s, 0)->seat, "USA");
    assert_ptr_equal(snapshot_row(s, ENT_PERSON, 3), snap_person(s, 3));
}

static void test_duplicate_key(void **state)
{
    struct snapshot *s = *state;
    union any_record rec;
    struct err e = { 0 };
    uint32_t index = 77;

    assert_int_equal(parse_row(s, ENT_MISSION,
                               "M1,Another,RUS,USA,USA,,embassy,,", &rec, &e),
                     ST_OK);
    assert_int_equal(snapshot_add(s, ENT_MISSION, &rec, &index, &e),
                     ST_INVALID);
    assert_string_equal(e.msg, "duplicate mission 'M1'");
    assert_int_equal(index, 77);
    assert_int_equal(snapshot_count(s, ENT_MISSION), N_OF(MISSIONS));
    assert_string_equal(snap_mission(s, 0)->name, "Embassy of Russia");

    memcpy(rec.state.code, "RUS", 4);
    rec.state.name = "Russia again";
    assert_int_equal(snapshot_add(s, ENT_STATE, &rec, NULL, &e), ST_INVALID);
    assert_string_equal(e.msg, "duplicate state 'RUS'");

    assert_int_equal(parse_row(s, ENT_DEPENDENT, "P7,T1,spouse,,,,", &rec, &e),
                     ST_OK);
    assert_int_equal(snapshot_add(s, ENT_DEPENDENT, &rec, NULL, &e),
                     ST_INVALID);
    assert_string_equal(e.msg, "duplicate dependent 'P7/T1'");
    assert_int_equal(snapshot_count(s, ENT_DEPENDENT), N_OF(DEPENDENTS));

    /* A refused record leaves no trace: the next one takes its place. */
    assert_int_equal(
        add_row(s, ENT_MISSION, "M7,Consulate,RUS,USA,USA,Seattle,consulate,,"),
        N_OF(MISSIONS));
    assert_int_equal(snapshot_find(s, ENT_MISSION, "M7"), N_OF(MISSIONS));
    assert_int_equal(snapshot_find(s, ENT_MISSION, "M1"), 0);
}

/* Checks that group g of adj holds exactly the n items of want. */
static void expect_group(const struct adjacency *adj, uint32_t g,
                         const uint32_t *want, size_t n)
{
    size_t k = 0;

    ADJ_FOR_EACH(*adj, g, item)
    {
        assert_true(k < n);
        assert_int_equal(item, want[k]);
        k++;
    }
    assert_int_equal(k, n);
}

static void test_adjacency(void **state)
{
    static const uint32_t m1[] = { 0, 1, 7 }, m2[] = { 2, 6 }, m3[] = { 3 };
    static const uint32_t p1[] = { 0, 8 }, p2[] = { 1, 6 }, p3[] = { 2, 7 };
    static const uint32_t t1[] = { 0, 1 }, t3[] = { 2 };
    struct snapshot *s = *state;

    assert_true(s->indexed);
    expect_group(&s->postings_by_mission, 0, m1, N_OF(m1));
    expect_group(&s->postings_by_mission, 1, m2, N_OF(m2));
    expect_group(&s->postings_by_mission, 2, m3, N_OF(m3));
    expect_group(&s->postings_by_person, 0, p1, N_OF(p1));
    expect_group(&s->postings_by_person, 1, p2, N_OF(p2));
    expect_group(&s->postings_by_person, 2, p3, N_OF(p3));
    expect_group(&s->postings_by_person, 6, NULL, 0);
    expect_group(&s->dependents_by_posting, 0, t1, N_OF(t1));
    expect_group(&s->dependents_by_posting, 1, NULL, 0);
    expect_group(&s->dependents_by_posting, 2, t3, N_OF(t3));
    expect_group(&s->dependents_by_posting, 8, NULL, 0);
}

static void test_index_rebuilt_after_changes(void **state)
{
    static const uint32_t m1_after[] = { 0, 7 }, m6_after[] = { 1, 5, 9 };
    static const uint32_t m2_after[] = { 2, 6 };
    struct snapshot *s = *state;

    /* Adding marks the indexes stale; snapshot_index brings them back. */
    add_row(s, ENT_POSTING, "T10,P6,M6,,,service_staff,,,2020-01-01,,,,");
    assert_false(s->indexed);
    /* A record changed in place is announced with snapshot_touch. */
    snap_posting(s, 1)->mission = 5;
    snapshot_touch(s);
    snapshot_index(s);
    assert_true(s->indexed);
    expect_group(&s->postings_by_mission, 0, m1_after, N_OF(m1_after));
    expect_group(&s->postings_by_mission, 1, m2_after, N_OF(m2_after));
    expect_group(&s->postings_by_mission, 5, m6_after, N_OF(m6_after));
    assert_int_equal(presence_count(s->presence, 5, day_of("2021-03-01")), 3);
    assert_int_equal(presence_count(s->presence, 0, day_of("2021-03-01")), 1);
}

/* A posting with the given milestones ("" for absent). */
static struct posting posting_of(const char *arrived, const char *refused,
                                 const char *ended)
{
    struct posting t;

    record_clear(ENTITIES[ENT_POSTING], &t);
    t.arrived = *arrived ? day_of(arrived) : DATE_NONE;
    t.refused = *refused ? day_of(refused) : DATE_NONE;
    t.ended = *ended ? day_of(ended) : DATE_NONE;
    return t;
}

static int present_on(const struct posting *t, const char *date)
{
    return posting_present(t, day_of(date));
}

static void test_presence_boundaries(void **state)
{
    struct posting t;

    (void)state;
    /* The day of arrival is present; the day of departure is the first day
     * away. */
    t = posting_of("2021-01-10", "", "2021-06-30");
    assert_false(present_on(&t, "2021-01-09"));
    assert_true(present_on(&t, "2021-01-10"));
    assert_true(present_on(&t, "2021-06-29"));
    assert_false(present_on(&t, "2021-06-30"));
    assert_false(present_on(&t, "2021-07-01"));
    assert_int_equal(posting_stop(&t), day_of("2021-06-30"));

    /* Without an end, present for ever after arrival. */
    t = posting_of("2021-01-10", "", "");
    assert_true(present_on(&t, "9999-12-31"));
    assert_int_equal(posting_stop(&t), INT32_MAX);

    /* Refused on or before D: absent from the day of refusal. */
    t = posting_of("2021-01-10", "2021-02-01", "");
    assert_true(present_on(&t, "2021-01-31"));
    assert_false(present_on(&t, "2021-02-01"));
    assert_int_equal(posting_stop(&t), day_of("2021-02-01"));
    t = posting_of("2021-01-10", "2021-02-01", "2021-03-01");
    assert_false(present_on(&t, "2021-02-15"));
    t = posting_of("2021-01-10", "2021-05-01", "2021-03-01");
    assert_true(present_on(&t, "2021-02-28"));
    assert_false(present_on(&t, "2021-03-01"));

    /* Refused before or on arrival: never present. */
    t = posting_of("2021-01-10", "2021-01-05", "");
    assert_false(present_on(&t, "2021-01-10"));
    assert_false(present_on(&t, "2021-06-01"));
    t = posting_of("2021-01-10", "2021-01-10", "");
    assert_false(present_on(&t, "2021-01-10"));
    /* Ended on the day of arrival: never present either. */
    t = posting_of("2021-01-10", "", "2021-01-10");
    assert_false(present_on(&t, "2021-01-10"));

    /* Not yet arrived (only notified): absent on every date. */
    t = posting_of("", "", "");
    t.notified = day_of("2021-01-01");
    assert_false(present_on(&t, "2021-01-01"));
    assert_false(present_on(&t, "2030-01-01"));
    t = posting_of("", "2021-02-01", "");
    assert_false(present_on(&t, "2021-01-15"));
}

/* A fixed linear congruential generator: rand() is banned, and the test
 * must be the same on every run. */
static uint32_t next_random(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*seed >> 33);
}

/* A random date of 2000-2029, or DATE_NONE with probability none / 100. */
static int32_t random_date(uint64_t *seed, uint32_t none)
{
    if (next_random(seed) % 100 < none)
        return DATE_NONE;
    return day_of("2000-01-01") + (int32_t)(next_random(seed) % 10958);
}

/* A random posting of mission m: every combination of milestones occurs,
 * ends before arrivals and refusals on arrival day included. */
static void add_random_posting(struct snapshot *s, uint32_t m, int i,
                               uint64_t *seed)
{
    struct posting t;
    char id[16];
    uint32_t shape = next_random(seed) % 10;

    record_clear(ENTITIES[ENT_POSTING], &t);
    snprintf(id, sizeof(id), "R%d", i);
    t.id = arena_strdup(&s->strings, id);
    t.person = 0;
    t.mission = m;
    t.category = (int)(next_random(seed) % CAT__COUNT);
    t.arrived = random_date(seed, 10);
    t.ended = random_date(seed, 40);
    t.refused = random_date(seed, 80);
    if (t.arrived != DATE_NONE && shape == 0)
        t.ended = t.arrived + (int32_t)(next_random(seed) % 3);
    if (t.arrived != DATE_NONE && shape == 1)
        t.refused = t.arrived + (int32_t)(next_random(seed) % 3) - 1;
    if (t.arrived != DATE_NONE && t.ended != DATE_NONE && shape < 6 &&
        t.ended < t.arrived) {
        int32_t swap = t.ended;

        t.ended = t.arrived;
        t.arrived = swap;
    }
    assert_int_equal(snapshot_add(s, ENT_POSTING, &t, NULL, NULL), ST_OK);
}

/* Counts by brute force the postings of mission m present on date whose
 * category is in the mask (0: all). */
static uint32_t brute_count(const struct snapshot *s, uint32_t m,
                            unsigned categories, int32_t date)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < snapshot_count(s, ENT_POSTING); i++) {
        const struct posting *t = snap_posting(s, i);

        n += t->mission == m && posting_present(t, date) &&
             (!categories || (categories & (1u << t->category)));
    }
    return n;
}

static void check_date(const struct snapshot *s, int32_t date,
                       unsigned categories)
{
    struct count_scope c = { .categories = categories };
    uint32_t total = 0;

    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        uint32_t want = brute_count(s, m, categories, date);
        char text[DATE_BUF];

        if (!categories && presence_count(s->presence, m, date) != want) {
            date_format(date, text);
            fail_msg("mission %u on %s: index %u, brute force %u", (unsigned)m,
                     text, (unsigned)presence_count(s->presence, m, date),
                     (unsigned)want);
        }
        assert_int_equal(count_mission(s, m, &c, date), want);
        total += want;
    }
    assert_int_equal(count_present(s, &c, date), total);
}

static void test_presence_index_brute_force(void **state)
{
    enum { N_POSTINGS = 3000 };
    uint64_t seed = 20211204;
    struct snapshot s;

    (void)state;
    snapshot_init(&s);
    add_state(&s, "RUS", "Russian Federation");
    add_state(&s, "USA", "United States");
    add_row(&s, ENT_PERSON, "P1,Ivanov,,,,,");
    add_row(&s, ENT_MISSION, "M1,Embassy,RUS,USA,USA,,embassy,,");
    add_row(&s, ENT_MISSION, "M2,Consulate,RUS,USA,USA,,consulate,,");
    add_row(&s, ENT_MISSION, "M3,Empty,RUS,USA,USA,,consulate,,");
    for (int i = 0; i < N_POSTINGS; i++)
        add_random_posting(&s, next_random(&seed) % 5 ? 0 : 1, i, &seed);
    snapshot_index(&s);

    /* Random dates, and the day before, of and after each milestone. */
    for (int k = 0; k < 300; k++)
        check_date(&s, random_date(&seed, 0), 0);
    for (int k = 0; k < 150; k++) {
        const struct posting *t =
            snap_posting(&s, next_random(&seed) % N_POSTINGS);
        const int32_t marks[] = { t->arrived, t->ended, t->refused };

        for (int j = 0; j < 3; j++) {
            if (marks[j] == DATE_NONE)
                continue;
            for (int32_t d = marks[j] - 1; d <= marks[j] + 1; d++) {
                check_date(&s, d, 0);
                check_date(&s, d,
                           1u << CAT_DIPLOMATIC_AGENT |
                               1u << CAT_SERVICE_STAFF);
            }
        }
    }
    snapshot_release(&s);
}

static uint32_t count_on(const struct snapshot *s, struct count_scope c,
                         const char *date)
{
    return count_present(s, &c, day_of(date));
}

static void test_count_scopes(void **state)
{
    const unsigned dip = 1u << CAT_DIPLOMATIC_AGENT;
    const unsigned at = 1u << CAT_ADMIN_TECHNICAL;
    const unsigned co = 1u << CAT_CONSULAR_OFFICER;
    const unsigned emb = 1u << MK_EMBASSY, cg = 1u << MK_CONSULATE_GENERAL;
    const unsigned pm = 1u << MK_PERMANENT_MISSION;
    const struct count_scope all = { 0 };
    const char *d = "2021-03-01";
    struct snapshot *s = *state;

    assert_int_equal(count_on(s, all, d), 6);
    assert_int_equal(count_on(s, (struct count_scope){ .sending = "RUS" }, d),
                     5);
    assert_int_equal(count_on(s, (struct count_scope){ .sending = "USA" }, d),
                     1);
    assert_int_equal(count_on(s, (struct count_scope){ .sending = "GBR" }, d),
                     0);
    /* By host: the UN mission is accredited to the UN, not to the USA. */
    assert_int_equal(
        count_on(s, (struct count_scope){ .sending = "RUS", .host = "USA" }, d),
        3);
    assert_int_equal(count_on(s, (struct count_scope){ .host = "UN" }, d), 1);
    assert_int_equal(count_on(s, (struct count_scope){ .host = "WTO" }, d), 1);
    /* By country: the mission to the UN, an organization seated in the USA,
     * sits there and counts there; the WTO mission sits in Switzerland. */
    assert_int_equal(
        count_on(s, (struct count_scope){ .sending = "RUS", .country = "USA" },
                 d),
        4);
    assert_int_equal(count_on(s, (struct count_scope){ .country = "CHE" }, d),
                     1);
    assert_int_equal(count_on(s, (struct count_scope){ .country = "RUS" }, d),
                     1);
    /* By kind of mission and by staff category. */
    assert_int_equal(count_on(s,
                              (struct count_scope){ .sending = "RUS",
                                                    .country = "USA",
                                                    .kinds = emb | cg },
                              d),
                     3);
    assert_int_equal(count_on(s, (struct count_scope){ .kinds = pm }, d), 2);
    assert_int_equal(count_on(s, (struct count_scope){ .kinds = emb }, d), 3);
    assert_int_equal(count_on(s, (struct count_scope){ .categories = dip }, d),
                     4);
    assert_int_equal(
        count_on(s, (struct count_scope){ .sending = "RUS", .categories = dip },
                 d),
        3);
    assert_int_equal(
        count_on(s, (struct count_scope){ .categories = dip | at }, d), 5);
    assert_int_equal(count_on(s, (struct count_scope){ .categories = co }, d),
                     1);
    assert_int_equal(count_on(s,
                              (struct count_scope){ .sending = "RUS",
                                                    .host = "USA",
                                                    .country = "USA",
                                                    .kinds = emb,
                                                    .categories = dip | at },
                              d),
                     2);
    /* Over time: T2 leaves on 2021-06-30, T7 arrives on 2021-07-15, T9
     * served at the closed consulate until 2017-08-01. */
    assert_int_equal(count_on(s, all, "2021-07-01"), 5);
    assert_int_equal(count_on(s, all, "2021-07-15"), 6);
    assert_int_equal(
        count_on(s, (struct count_scope){ .sending = "RUS", .host = "USA" },
                 "2017-07-31"),
        1);
    assert_int_equal(
        count_on(s, (struct count_scope){ .sending = "RUS", .host = "USA" },
                 "2017-08-01"),
        0);
    assert_int_equal(count_on(s, all, "1999-12-31"), 0);
}

/* The table of every pair's headcount (report/views.c prints it apart
 * from the grid): rows in the order of "SENDING PLACE" (UN before UNESCO
 * before USA), each column as wide as its longest value, a pair with no
 * one present kept with 0, and by country the mission to an organization
 * counted where it sits. */
static void expect_pairs(const struct snapshot *s, const char *country,
                         const char *want)
{
    struct headcount_args a = { { 0 }, day_of("2021-03-01"), BY_PLACE };
    struct buf b;

    if (country)
        a.scope.country = country;
    buf_init(&b, BUF_MAX_DEFAULT);
    view_headcount(s, &a, OUT_TABLE, &b);
    assert_true(buf_addch(&b, '\0') == ST_OK);
    assert_string_equal(b.data, want);
    buf_release(&b);
}

static void test_headcount_table(void **state)
{
    struct snapshot *s = *state;

    add_row(s, ENT_ORGANIZATION, "UNESCO,UNESCO,CHE");
    add_row(s, ENT_MISSION,
            "M7,Delegation of Russia to UNESCO,RUS,UNESCO,CHE,Paris,"
            "permanent_mission,1992-01-01,");
    snapshot_index(s);
    expect_pairs(s, NULL,
                 "sending  host    present\n"
                 "RUS      UN            1\n"
                 "RUS      UNESCO        0\n"
                 "RUS      USA           3\n"
                 "RUS      WTO           1\n"
                 "USA      RUS           1\n");
    expect_pairs(s, "USA",
                 "sending  country  present\n"
                 "RUS      USA            4\n");
}

static void test_record_key(void **state)
{
    struct snapshot *s = *state;
    char buf[64];

    assert_string_equal(record_key(s, ENTITIES[ENT_DEPENDENT],
                                   snap_dependent(s, 0), buf, sizeof(buf)),
                        "P7/T1");
    assert_string_equal(record_key(s, ENTITIES[ENT_DEPENDENT],
                                   snap_dependent(s, 2), buf, sizeof(buf)),
                        "P9/T3");
    assert_string_equal(record_key(s, ENTITIES[ENT_POSTING], snap_posting(s, 4),
                                   buf, sizeof(buf)),
                        "T5");
    assert_string_equal(
        record_key(s, ENTITIES[ENT_STATE], snap_state(s, 2), buf, sizeof(buf)),
        "CHE");
    assert_string_equal(record_key(s, ENTITIES[ENT_ORGANIZATION],
                                   snap_org(s, 0), buf, sizeof(buf)),
                        "UN");
}

/* Checks field name of record i of kind reads text. */
static void expect_text(const struct snapshot *s, enum entity_kind kind,
                        uint32_t i, const char *name, const char *text)
{
    const struct field *f = entity_field(ENTITIES[kind], name);
    char buf[FIELD_BUF];

    assert_non_null(f);
    assert_string_equal(field_text(s, f, snapshot_row(s, kind, i), buf), text);
    assert_int_equal(field_is_absent(f, snapshot_row(s, kind, i)),
                     !*text && f->type != FT_BOOL);
}

static void test_field_text(void **state)
{
    struct snapshot *s = *state;

    expect_text(s, ENT_STATE, 1, "code", "RUS");
    expect_text(s, ENT_ORGANIZATION, 1, "seat", "CHE");
    expect_text(s, ENT_MISSION, 2, "host", "UN");
    expect_text(s, ENT_MISSION, 0, "host", "USA");
    expect_text(s, ENT_MISSION, 0, "city", "Washington");
    expect_text(s, ENT_MISSION, 4, "kind", "consulate_general");
    expect_text(s, ENT_MISSION, 4, "closed", "2017-09-02");
    expect_text(s, ENT_MISSION, 0, "closed", "");
    expect_text(s, ENT_PERSON, 5, "nationality", "");
    expect_text(s, ENT_PERSON, 5, "sex", "X");
    expect_text(s, ENT_PERSON, 2, "birth_date", "");
    expect_text(s, ENT_PERSON, 1, "birth_date", "1980-02-29");
    expect_text(s, ENT_POSTING, 6, "person", "P2");
    expect_text(s, ENT_POSTING, 6, "mission", "M2");
    expect_text(s, ENT_POSTING, 0, "head_of_mission", "true");
    expect_text(s, ENT_POSTING, 1, "head_of_mission", "false");
    expect_text(s, ENT_POSTING, 5, "head_of_mission", "false");
    expect_text(s, ENT_POSTING, 5, "rank", "");
    expect_text(s, ENT_POSTING, 5, "title", "");
    expect_text(s, ENT_POSTING, 1, "end_reason", "tour_completed");
    expect_text(s, ENT_DEPENDENT, 1, "posting", "T1");
    expect_text(s, ENT_DEPENDENT, 1, "left", "2023-06-30");
}

/* Every field of every record, printed, parses back to the same text. */
static void test_field_round_trip(void **state)
{
    enum { MAX_TYPES = 32 };
    struct snapshot *s = *state;
    int types_seen[MAX_TYPES] = { 0 };

    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];
        void *copy = xmalloc(ent->size);

        for (uint32_t i = 0; i < snapshot_count(s, k); i++) {
            const void *rec = snapshot_row(s, k, i);

            record_clear(ent, copy);
            for (int j = 0; j < ent->n_fields; j++) {
                const struct field *f = &ent->fields[j];
                char buf[FIELD_BUF], again[FIELD_BUF];
                const char *text = field_text(s, f, rec, buf);
                struct err e = { 0 };

                if (field_parse(s, f, copy, text, &e))
                    fail_msg("%s %u %s '%s': %s", ent->name, (unsigned)i,
                             f->name, text, e.msg);
                assert_string_equal(field_text(s, f, copy, again), text);
                assert_int_equal(field_is_absent(f, copy),
                                 field_is_absent(f, rec));
                assert_true((int)f->type < (int)MAX_TYPES);
                types_seen[f->type]++;
            }
        }
        free(copy);
    }
    for (int t = FT_TEXT; t <= FT_REF; t++)
        assert_true(types_seen[t] > 0);
}

/* Checks that parsing text into field name of a record of kind fails with
 * msg. */
static void expect_parse_error(struct snapshot *s, enum entity_kind kind,
                               const char *name, const char *text,
                               const char *msg)
{
    const struct field *f = entity_field(ENTITIES[kind], name);
    union any_record rec;
    struct err e = { 0 };

    assert_non_null(f);
    record_clear(ENTITIES[kind], &rec);
    assert_int_equal(field_parse(s, f, &rec, text, &e), ST_INVALID);
    assert_int_equal(e.status, ST_INVALID);
    assert_string_equal(e.msg, msg);
}

static void test_field_parse_errors(void **state)
{
    struct snapshot *s = *state;

    expect_parse_error(s, ENT_MISSION, "sending", "XXX", "unknown state 'XXX'");
    expect_parse_error(s, ENT_PERSON, "nationality", "FRA",
                       "unknown state 'FRA'");
    expect_parse_error(s, ENT_MISSION, "country", "rus",
                       "invalid state code 'rus': expected ISO 3166-1 "
                       "alpha-3");
    expect_parse_error(s, ENT_MISSION, "country", "RUSS",
                       "invalid state code 'RUSS': expected ISO 3166-1 "
                       "alpha-3");
    expect_parse_error(s, ENT_MISSION, "host", "NATO",
                       "unknown state or organization 'NATO'");
    expect_parse_error(s, ENT_POSTING, "mission", "M99",
                       "unknown mission 'M99'");
    expect_parse_error(s, ENT_POSTING, "person", "T1", "unknown person 'T1'");
    expect_parse_error(s, ENT_DEPENDENT, "posting", "P1",
                       "unknown posting 'P1'");
    expect_parse_error(s, ENT_MISSION, "kind", "palace",
                       "invalid mission kind 'palace' (expected one of: "
                       "embassy, consulate_general, consulate, "
                       "vice_consulate, consular_agency, permanent_mission, "
                       "delegation, trade_mission, interests_section, other)");
    expect_parse_error(s, ENT_POSTING, "category", "Diplomatic_Agent",
                       "invalid staff category 'Diplomatic_Agent' (expected "
                       "one of: diplomatic_agent, admin_technical, "
                       "service_staff, private_servant, consular_officer, "
                       "consular_employee, honorary_consul, local_staff)");
    expect_parse_error(s, ENT_PERSON, "sex", "f",
                       "invalid sex 'f' (expected one of: F, M, X)");
    expect_parse_error(s, ENT_POSTING, "head_of_mission", "yes",
                       "invalid boolean 'yes' (true or false)");
    expect_parse_error(s, ENT_POSTING, "head_of_mission", "TRUE",
                       "invalid boolean 'TRUE' (true or false)");
    expect_parse_error(s, ENT_POSTING, "arrived", "2021-02-30",
                       "invalid date '2021-02-30': february 2021 has 28 days");
    expect_parse_error(s, ENT_POSTING, "ended", "30.06.2021",
                       "invalid date '30.06.2021': expected YYYY-MM-DD");
    expect_parse_error(s, ENT_MISSION, "id", "M/1",
                       "invalid id 'M/1': no '/' or white space");
    expect_parse_error(s, ENT_PERSON, "id", "P 1",
                       "invalid id 'P 1': no '/' or white space");
    expect_parse_error(s, ENT_POSTING, "id", "T1\t",
                       "invalid id 'T1\t': no '/' or white space");
    expect_parse_error(s, ENT_MISSION, "name", "", "a value is required");
    expect_parse_error(s, ENT_POSTING, "category", "", "a value is required");
    expect_parse_error(s, ENT_DEPENDENT, "person", "", "a value is required");
}

static void test_field_parse_absent(void **state)
{
    struct snapshot *s = *state;
    union any_record rec;
    struct err e = { 0 };

    /* Optional fields take "" as absent. */
    assert_int_equal(
        parse_row(s, ENT_POSTING, "T20,P1,M1,,,local_staff,,,,,,,", &rec, &e),
        ST_OK);
    assert_null(rec.posting.title);
    assert_int_equal(rec.posting.rank, ENUM_NONE);
    assert_int_equal(rec.posting.head_of_mission, 0);
    assert_int_equal(rec.posting.arrived, DATE_NONE);
    assert_int_equal(rec.posting.category, CAT_LOCAL_STAFF);
    /* Names, not the ids, may hold white space and '/'. */
    assert_int_equal(parse_row(s, ENT_MISSION,
                               "M30,Embassy / Chancery,RUS,USA,USA,Washington "
                               "DC,embassy,,",
                               &rec, &e),
                     ST_OK);
    assert_string_equal(rec.mission.name, "Embassy / Chancery");
}

/* Runs the entity's check on rec at "W" and compares the messages. */
static void expect_problems(const struct snapshot *s, enum entity_kind kind,
                            const void *rec, const char *const *want, size_t n)
{
    struct problems p;

    problems_init(&p);
    ENTITIES[kind]->check(s, rec, "W", &p);
    for (size_t i = 0; i < p.n_kept && i < n; i++)
        assert_string_equal(p.msgs[i], want[i]);
    if (p.n_total != n)
        fail_msg("%zu problems, wanted %zu; first: %s", p.n_total, n,
                 p.n_kept ? p.msgs[0] : "(none)");
    problems_release(&p);
}

static void expect_row_problems(struct snapshot *s, enum entity_kind kind,
                                const char *line, const char *const *want,
                                size_t n)
{
    union any_record rec;
    struct err e = { 0 };

    if (parse_row(s, kind, line, &rec, &e))
        fail_msg("'%s': %s", line, e.msg);
    expect_problems(s, kind, &rec, want, n);
}

static void test_checks_accept_fixture(void **state)
{
    struct snapshot *s = *state;

    for (int k = 0; k < ENT__COUNT; k++) {
        if (!ENTITIES[k]->check)
            continue;
        for (uint32_t i = 0; i < snapshot_count(s, k); i++)
            expect_problems(s, k, snapshot_row(s, k, i), NULL, 0);
    }
}

static void test_check_posting(void **state)
{
    static const char *const after_end[] = {
        "W: column 'ended': ended 2021-04-01 is before arrived 2021-05-01",
    };
    static const char *const closed[] = {
        "W: column 'arrived': mission 'M5' was not open on 2018-01-01 "
        "(closed 2017-09-02)",
    };
    static const char *const on_closing[] = {
        "W: column 'arrived': mission 'M5' was not open on 2017-09-02 "
        "(closed 2017-09-02)",
    };
    static const char *const outlives[] = {
        "W: column 'ended': mission 'M5' closed on 2017-09-02: the posting "
        "must end by then",
    };
    static const char *const not_open[] = {
        "W: column 'arrived': mission 'M6' was not open on 2012-01-01 "
        "(opened 2012-08-22)",
    };
    static const char *const several[] = {
        "W: column 'arrived': a posting needs notified or arrived",
        "W: column 'refused': a posting is either accredited or refused, not "
        "both",
        "W: column 'end_reason': ended and end_reason go together",
    };
    static const char *const reason_alone[] = {
        "W: column 'ended': ended and end_reason go together",
    };
    struct snapshot *s = *state;

    expect_row_problems(s, ENT_POSTING,
                        "T20,P1,M1,,,diplomatic_agent,,,2021-05-01,,,"
                        "2021-04-01,recalled",
                        after_end, N_OF(after_end));
    expect_row_problems(s, ENT_POSTING,
                        "T20,P1,M5,,,diplomatic_agent,,,2018-01-01,,,"
                        "2018-06-01,recalled",
                        closed, N_OF(closed));
    expect_row_problems(s, ENT_POSTING,
                        "T20,P1,M5,,,diplomatic_agent,,,2017-09-02,,,,",
                        on_closing, N_OF(on_closing));
    expect_row_problems(s, ENT_POSTING,
                        "T20,P1,M5,,,diplomatic_agent,,,2017-01-01,,,,",
                        outlives, N_OF(outlives));
    /* Ending on the day of closure is in time. */
    expect_row_problems(s, ENT_POSTING,
                        "T20,P1,M5,,,diplomatic_agent,,,2017-01-01,,,"
                        "2017-09-02,recalled",
                        NULL, 0);
    expect_row_problems(s, ENT_POSTING,
                        "T20,P1,M6,,,diplomatic_agent,,,2012-01-01,,,,",
                        not_open, N_OF(not_open));
    expect_row_problems(s, ENT_POSTING,
                        "T20,P1,M1,,,diplomatic_agent,,,,2021-01-01,"
                        "2021-01-02,2021-03-01,",
                        several, N_OF(several));
    expect_row_problems(s, ENT_POSTING,
                        "T20,P1,M1,,,diplomatic_agent,,,2021-01-01,,,,"
                        "recalled",
                        reason_alone, N_OF(reason_alone));
}

static void test_check_mission_and_dependent(void **state)
{
    static const char *const closed_early[] = {
        "W: column 'closed': closed 2000-01-01 is before opened 2001-01-01",
    };
    static const char *const early[] = {
        "W: column 'joined': joined 2017-08-01 is before the posting's "
        "arrival 2017-08-21",
    };
    static const char *const late[] = {
        "W: column 'left': the posting's end 2021-06-30 is before left "
        "2021-07-31",
    };
    static const char *const holder[] = {
        "W: column 'person': person 'P1' holds posting 'T1' and cannot be its "
        "dependent",
    };
    static const char *const revoked[] = {
        "W: column 'revoked': revoked 2018-01-01 is before accredited "
        "2019-01-01",
    };
    struct snapshot *s = *state;

    expect_row_problems(s, ENT_MISSION,
                        "M20,Closed,RUS,USA,USA,,embassy,2001-01-01,"
                        "2000-01-01",
                        closed_early, N_OF(closed_early));
    expect_row_problems(s, ENT_DEPENDENT, "P6,T1,spouse,2017-08-01,,,", early,
                        N_OF(early));
    /* Joining on the day of arrival is fine. */
    expect_row_problems(s, ENT_DEPENDENT, "P6,T1,spouse,2017-08-21,,,", NULL,
                        0);
    expect_row_problems(s, ENT_DEPENDENT, "P6,T2,child,2019-01-10,2021-07-31,,",
                        late, N_OF(late));
    expect_row_problems(s, ENT_DEPENDENT, "P1,T1,spouse,,,,", holder,
                        N_OF(holder));
    expect_row_problems(s, ENT_DEPENDENT,
                        "P6,T1,spouse,,,2019-01-01,2018-01-01", revoked,
                        N_OF(revoked));
}

/* A mission's host names a state; adding more states afterwards (which
 * moves the state rows in memory) must not change what it names. */
static void test_host_survives_more_states(void **state)
{
    struct snapshot s;
    char code[4] = "AAA";

    (void)state;
    snapshot_init(&s);
    add_state(&s, "USA", "United States");
    add_state(&s, "RUS", "Russian Federation");
    add_row(&s, ENT_MISSION, "M1,Embassy,RUS,USA,USA,,embassy,,");
    for (int i = 0; i < 500; i++) {
        code[1] = (char)('A' + i / 26 % 26);
        code[2] = (char)('A' + i % 26);
        add_state(&s, code, "Somewhere");
    }
    assert_string_equal(snap_mission(&s, 0)->host, "USA");
    assert_int_equal(snapshot_find(&s, ENT_STATE, "USA"), 0);
    assert_int_equal(snapshot_find(&s, ENT_STATE, "AAA"), 2);
    snapshot_release(&s);
}

/* core/apply.h: a record applied by key replaces the record in place or
 * is appended; a bad image or value changes nothing. */
static void test_apply(void **state)
{
    struct snapshot *s = *state;
    struct err e = { 0 };
    size_t n = snapshot_count(s, ENT_PERSON);
    uint32_t at = IDMAP_NONE;

    assert_int_equal(
        snapshot_apply_image(s, ENT_PERSON,
                             "{\"id\":\"P9\",\"family_name\":\"Renamed\","
                             "\"given_names\":\"Anna\",\"sex\":\"F\","
                             "\"birth_date\":\"1981-01-01\","
                             "\"nationality\":\"RUS\",\"passport\":null}",
                             &at, &e),
        ST_OK);
    assert_int_equal(at, 8);
    assert_int_equal(snapshot_count(s, ENT_PERSON), n);
    assert_string_equal(snap_person(s, 8)->family_name, "Renamed");
    assert_int_equal(snap_person(s, 8)->birth_date, day_of("1981-01-01"));
    assert_int_equal(snapshot_find(s, ENT_PERSON, "P9"), 8);

    assert_int_equal(
        snapshot_apply_image(s, ENT_PERSON,
                             "{\"id\":\"PX\",\"family_name\":\"New\","
                             "\"given_names\":\"One\",\"sex\":\"M\","
                             "\"birth_date\":null,"
                             "\"nationality\":\"RUS\",\"passport\":null}",
                             &at, &e),
        ST_OK);
    assert_int_equal(at, n);
    assert_int_equal(snapshot_find(s, ENT_PERSON, "PX"), n);
    assert_false(s->indexed);

    assert_int_equal(snapshot_apply_image(s, ENT_PERSON, "[1", NULL, &e),
                     ST_INVALID);
    assert_int_equal(
        snapshot_apply_image(s, ENT_PERSON,
                             "{\"id\":\"PY\",\"family_name\":\"X\","
                             "\"given_names\":\"Y\",\"sex\":\"Q\"}",
                             NULL, &e),
        ST_INVALID);
    assert_int_equal(snapshot_count(s, ENT_PERSON), n + 1);
    assert_int_equal(snapshot_find(s, ENT_PERSON, "PY"), IDMAP_NONE);
}

/* A change the derived indexes do not read (a person changed in place, an
 * organization added) leaves them current, so a snapshot mapped from an
 * image keeps its indexes; a posting changed in place makes them stale. */
static void test_apply_keeps_indexes(void **state)
{
    struct snapshot *s = *state;
    struct err e = { 0 };
    const char *org[] = { "XORG", "An Organization", "USA" };

    snapshot_index(s);
    assert_int_equal(
        snapshot_apply_image(s, ENT_PERSON,
                             "{\"id\":\"P9\",\"family_name\":\"Renamed\","
                             "\"given_names\":\"Anna\",\"sex\":\"F\","
                             "\"birth_date\":\"1981-01-01\","
                             "\"nationality\":\"RUS\",\"passport\":null}",
                             NULL, &e),
        ST_OK);
    assert_true(s->indexed);
    assert_int_equal(snapshot_apply_texts(s, ENT_ORGANIZATION, org, NULL, &e),
                     ST_OK);
    assert_true(s->indexed);
    snapshot_touch_kind(s, ENT_POSTING);
    assert_false(s->indexed);
}

/* snapshot_index_stale rebuilds the derived indexes and names the first
 * that differed: what `audit verify` runs on an image's mapped indexes. */
static void test_index_stale(void **state)
{
    struct snapshot *s = *state;
    uint32_t *items, t;

    snapshot_index(s);
    assert_null(snapshot_index_stale(s));
    assert_true(s->indexed);
    items = s->postings_by_mission.items;
    t = items[0];
    items[0] = items[1];
    items[1] = t;
    assert_string_equal(snapshot_index_stale(s), "postings by mission");
    assert_null(snapshot_index_stale(s));
    s->missions_by_sending.start[1]++;
    assert_string_equal(snapshot_index_stale(s), "missions by sending state");
    presence_move_stop(s->presence, snap_posting(s, 0)->mission,
                       posting_stop(snap_posting(s, 0)),
                       posting_stop(snap_posting(s, 0)) - 1);
    assert_string_equal(snapshot_index_stale(s), "presence");
    assert_null(snapshot_index_stale(s));
}

/* Adds a notification of id to s; what else it holds is not read. */
static void add_notification(struct snapshot *s, const char *id)
{
    struct notification n;
    struct err e;

    memset(&n, 0, sizeof(n));
    n.id = id;
    assert_int_equal(snapshot_add(s, ENT_NOTIFICATION, &n, NULL, &e), ST_OK);
}

/* The next id is one more than the highest, wherever it lies, as rows
 * are added after a first call (which reads only those) and taken out. */
static void test_notify_next_id(void **state)
{
    struct snapshot *s = *state;
    char next[16];

    notify_next_id(s, next);
    assert_string_equal(next, "N000001");
    add_notification(s, "N000002");
    add_notification(s, "X000090");
    add_notification(s, "N000010");
    notify_next_id(s, next);
    assert_string_equal(next, "N000011");
    add_notification(s, "N000003"); /* lower, after the highest */
    notify_next_id(s, next);
    assert_string_equal(next, "N000011");
    add_notification(s, "N000020");
    notify_next_id(s, next);
    assert_string_equal(next, "N000021");
    /* The last two rows taken out (as a draft's are): read again. */
    s->tables[ENT_NOTIFICATION].n -= 2;
    notify_next_id(s, next);
    assert_string_equal(next, "N000011");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply_keeps_indexes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_index_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adjacency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_rebuilt_after_changes, setup,
                                        teardown),
        cmocka_unit_test(test_presence_boundaries),
        cmocka_unit_test(test_presence_index_brute_force),
        cmocka_unit_test_setup_teardown(test_count_scopes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_parse_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_field_parse_absent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_checks_accept_fixture, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_check_posting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_mission_and_dependent, setup,
                                        teardown),
        cmocka_unit_test(test_host_survives_more_states),
        cmocka_unit_test_setup_teardown(test_headcount_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_next_id, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
