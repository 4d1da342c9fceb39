/*
 * Unit tests for store/, the registry's SQLite file and its change log.
 *
 * The store's promises are what make the registry trustworthy: what is
 * written loads back field for field; each write is one transaction, so a
 * failing change leaves neither rows nor log entries; every change is in
 * the log with its before and after images, hash-chained so that `audit
 * verify` can check it; and the registry "as known on" a past date is
 * rebuilt from that log without writing anything. Each test works on a
 * fresh database in a temporary folder, with "today" pinned through
 * CHANCERY_TODAY so that changes are recorded on chosen days. To show that
 * verification can fail, one test edits the log behind the store's back
 * through SQLite directly.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka needs the headers above; project headers come last because they
 * pull in base/banned.h. */
#include <cmocka.h>

#include "base/date.h"
#include "base/merkle.h"
#include "base/xalloc.h"
#include "core/apply.h"
#include "core/entity.h"
#include "core/holidays.h"
#include "core/presence.h"
#include "core/snapshot.h"
#include "store/image.h"
#include "store/internal.h"
#include "store/notice.h"
#include "store/store.h"

union any_record {
    struct state state;
    struct organization org;
    struct mission mission;
    struct person person;
    struct posting posting;
    struct dependent dependent;
};

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct snapshot s; /* what the test wrote */
    struct err e;
};

static const struct change_meta META = { "tester", "fixture" };

static int32_t day_of(const char *text)
{
    struct err e = { 0 };
    int32_t d = 0;

    if (date_parse(text, &d, &e) != ST_OK)
        fail_msg("date_parse(\"%s\"): %s", text, e.msg);
    return d;
}

static void set_today(const char *day)
{
    assert_int_equal(setenv("CHANCERY_TODAY", day, 1), 0);
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

/* Parses line (fields in descriptor order, comma-separated, empty for
 * absent) into rec; fails the test on any error. */
static void parse_row(struct snapshot *s, enum entity_kind kind,
                      const char *line, union any_record *rec)
{
    const struct entity *ent = ENTITIES[kind];
    char *copy = xstrdup(line), *rest = copy, *text;
    struct err e = { 0 };
    int i = 0;

    record_clear(ent, rec);
    while ((text = strsep(&rest, ","))) {
        assert_true(i < ent->n_fields);
        if (field_parse(s, &ent->fields[i], rec, text, &e))
            fail_msg("%s column '%s' = '%s': %s", ent->name,
                     ent->fields[i].name, text, e.msg);
        i++;
    }
    /* Columns added later (FIELD_ADDED) may be left out. */
    for (; i < ent->n_fields; i++)
        assert_true(ent->fields[i].flags & FIELD_ADDED);
    free(copy);
}

static uint32_t add_row(struct snapshot *s, enum entity_kind kind,
                        const char *line)
{
    union any_record rec;
    struct err e = { 0 };
    uint32_t index = IDMAP_NONE;

    parse_row(s, kind, line, &rec);
    if (snapshot_add(s, kind, &rec, &index, &e))
        fail_msg("adding '%s': %s", line, e.msg);
    return index;
}

/* Writes records [from, to) of kind in s as insertions, in one apply. */
static void insert_range(struct fixture *fx, enum entity_kind kind,
                         uint32_t from, uint32_t to)
{
    struct change *changes = xcalloc(to - from + 1, sizeof(*changes));

    for (uint32_t i = from; i < to; i++)
        changes[i - from] = (struct change){ OP_INSERT, kind, i, NULL };
    if (store_apply(fx->st, &fx->s, changes, to - from, &META, &fx->e))
        fail_msg("inserting %s records: %s", ENTITIES[kind]->name, fx->e.msg);
    free(changes);
}

static void insert_all(struct fixture *fx, enum entity_kind kind)
{
    insert_range(fx, kind, 0, (uint32_t)snapshot_count(&fx->s, kind));
}

static const char *const MISSIONS[] = {
    "M1,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,",
    "M2,Permanent Mission of Russia to the UN,RUS,UN,USA,New York,"
    "permanent_mission,1992-01-01,",
    "M3,Consulate General of Russia,RUS,USA,USA,San Francisco,"
    "consulate_general,1992-01-01,2017-09-02",
};

static const char *const PERSONS[] = {
    "P1,Antonov,Anatoly,M,1955-05-15,RUS,",
    "P2,Иванова,Мария,F,1980-02-29,RUS,7100001",
    "P3,O'Brien \"Junior\",Ivan Jr.,X,,,",
};

static const char *const POSTINGS[] = {
    "T1,P1,M1,Ambassador,ambassador,diplomatic_agent,true,2017-07-01,"
    "2017-08-21,2017-08-22,,,",
    "T2,P2,M1,Attache,attache,admin_technical,false,,2019-01-10,,,,",
    "T3,P3,M3,,,consular_employee,,,2010-01-01,,,2017-08-01,transferred",
};

static const char *const DEPENDENTS[] = {
    "P2,T1,spouse,2017-08-21,,2017-08-22,",
    "P3,T2,child,2019-01-10,,,",
};

#define N_OF(a) (sizeof(a) / sizeof(a[0]))
/* Changes the fixture writes: 3 states, 1 organization, and the rows. */
#define N_FIXTURE_CHANGES \
    (4 + N_OF(MISSIONS) + N_OF(PERSONS) + N_OF(POSTINGS) + N_OF(DEPENDENTS))

/* Builds the registry in fx->s and writes it on 2021-01-01. */
static void write_fixture(struct fixture *fx)
{
    struct snapshot *s = &fx->s;

    set_today("2021-01-01");
    add_state(s, "USA", "United States");
    add_state(s, "RUS", "Russian Federation");
    add_state(s, "CHE", "Switzerland");
    insert_all(fx, ENT_STATE);
    add_row(s, ENT_ORGANIZATION, "UN,United Nations,USA");
    insert_all(fx, ENT_ORGANIZATION);
    for (size_t i = 0; i < N_OF(MISSIONS); i++)
        add_row(s, ENT_MISSION, MISSIONS[i]);
    for (size_t i = 0; i < N_OF(PERSONS); i++)
        add_row(s, ENT_PERSON, PERSONS[i]);
    for (size_t i = 0; i < N_OF(POSTINGS); i++)
        add_row(s, ENT_POSTING, POSTINGS[i]);
    for (size_t i = 0; i < N_OF(DEPENDENTS); i++)
        add_row(s, ENT_DEPENDENT, DEPENDENTS[i]);
    insert_all(fx, ENT_MISSION);
    insert_all(fx, ENT_PERSON);
    insert_all(fx, ENT_POSTING);
    insert_all(fx, ENT_DEPENDENT);
}

static int setup(void **state)
{
    struct fixture *fx = xcalloc(1, sizeof(*fx));

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/chancery-test-store-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(fx->path, sizeof(fx->path), "%s/registry.db", fx->dir);
    snapshot_init(&fx->s);
    *state = fx;
    return 0;
}

/* Removes the folder and what SQLite left in it (the -wal and -shm files
 * beside the database). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    char path[512];

    if (!d)
        return;
    while ((ent = readdir(d))) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    store_close(fx->st);
    snapshot_release(&fx->s);
    remove_dir(fx->dir);
    unsetenv("CHANCERY_TODAY");
    free(fx);
    return 0;
}

static void open_new(struct fixture *fx)
{
    if (store_open(fx->path, STORE_OPEN_CREATE, &fx->st, &fx->e))
        fail_msg("store_open: %s", fx->e.msg);
}

/* Loads the registry as known on day (NULL: now) into out. */
static void load(struct fixture *fx, const char *day, struct snapshot *out)
{
    snapshot_init(out);
    if (store_load(fx->st, day ? day_of(day) : DATE_NONE, out, &fx->e))
        fail_msg("store_load: %s", fx->e.msg);
    assert_true(out->indexed);
}

/* Checks that b holds the records of a, in the same order, field for
 * field. */
static void expect_same_records(const struct snapshot *a,
                                const struct snapshot *b)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];

        assert_int_equal(snapshot_count(b, k), snapshot_count(a, k));
        for (uint32_t i = 0; i < snapshot_count(a, k); i++) {
            for (int j = 0; j < ent->n_fields; j++) {
                const struct field *f = &ent->fields[j];
                char x[FIELD_BUF], y[FIELD_BUF];
                const char *want = field_text(a, f, snapshot_row(a, k, i), x);
                const char *got = field_text(b, f, snapshot_row(b, k, i), y);

                if (strcmp(want, got))
                    fail_msg("%s %u column '%s': wrote '%s', loaded '%s'",
                             ent->name, (unsigned)i, f->name, want, got);
            }
        }
    }
}

static int64_t verify(struct fixture *fx)
{
    int64_t n = -1;

    if (store_verify(fx->st, &n, &fx->e))
        fail_msg("store_verify: %s", fx->e.msg);
    return n;
}

static void test_open_missing(void **state)
{
    struct fixture *fx = *state;
    struct store *st = NULL;
    char want[ERR_MSG_MAX];

    assert_int_equal(store_open(fx->path, STORE_OPEN_EXISTING, &st, &fx->e),
                     ST_ERROR);
    assert_null(st);
    assert_int_equal(fx->e.status, ST_ERROR);
    assert_non_null(strstr(fx->e.msg, "chancery init"));
    snprintf(want, sizeof(want),
             "no registry at '%s' (run 'chancery init' first)", fx->path);
    assert_string_equal(fx->e.msg, want);
    /* Nothing was created on the way. */
    assert_int_not_equal(access(fx->path, F_OK), 0);
}

/* PRAGMA synchronous of st's connection: 1 NORMAL, 2 FULL. */
static int synchronous(struct store *st)
{
    sqlite3_stmt *q;
    int v = -1;

    assert_int_equal(
        sqlite3_prepare_v2(st->db, "PRAGMA synchronous", -1, &q, NULL),
        SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* A connection commits as SQLite's WAL default (NORMAL) until it is made
 * durable (the server's writer): then each commit syncs (FULL). */
static void test_set_durable(void **state)
{
    struct fixture *fx = *state;

    open_new(fx);
    assert_int_equal(synchronous(fx->st), 1);
    assert_int_equal(store_set_durable(fx->st, &fx->e), ST_OK);
    assert_int_equal(synchronous(fx->st), 2);
}

static void test_create_then_reopen(void **state)
{
    struct fixture *fx = *state;
    struct snapshot s;

    open_new(fx);
    assert_int_equal(access(fx->path, F_OK), 0);
    assert_int_equal(verify(fx), 0);
    load(fx, NULL, &s);
    for (int k = 0; k < ENT__COUNT; k++)
        assert_int_equal(snapshot_count(&s, k), 0);
    snapshot_release(&s);
    store_close(fx->st);
    fx->st = NULL;

    /* Created once, it opens as an existing registry, schema and all. */
    if (store_open(fx->path, STORE_OPEN_EXISTING, &fx->st, &fx->e))
        fail_msg("reopening: %s", fx->e.msg);
    assert_int_equal(verify(fx), 0);
}

static void test_write_and_load(void **state)
{
    struct fixture *fx = *state;
    struct snapshot got;

    open_new(fx);
    write_fixture(fx);
    load(fx, NULL, &got);
    expect_same_records(&fx->s, &got);
    /* The loaded snapshot resolved its references and indexed them. */
    assert_int_equal(snapshot_find(&got, ENT_DEPENDENT, "P3/T2"), 1);
    assert_int_equal(snap_posting(&got, 2)->mission, 2);
    assert_int_equal(got.postings_by_mission.start[1], 2);
    assert_string_equal(snap_person(&got, 2)->family_name,
                        "O'Brien \"Junior\"");
    snapshot_release(&got);
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES);

    /* A second connection sees the same registry. */
    store_close(fx->st);
    fx->st = NULL;
    if (store_open(fx->path, STORE_OPEN_EXISTING, &fx->st, &fx->e))
        fail_msg("reopening: %s", fx->e.msg);
    load(fx, NULL, &got);
    expect_same_records(&fx->s, &got);
    snapshot_release(&got);
}

/* Ends posting T2 on 2021-06-30, recorded on 2021-06-01. */
static void end_t2(struct fixture *fx)
{
    uint32_t i = snapshot_find(&fx->s, ENT_POSTING, "T2");
    const struct entity *ent = ENTITIES[ENT_POSTING];
    struct posting before = *snap_posting(&fx->s, i);
    struct change_meta meta = { "protocol", "tour ended" };
    struct change c = { OP_UPDATE, ENT_POSTING, i, &before };

    set_today("2021-06-01");
    if (field_parse(&fx->s, entity_field(ent, "ended"), snap_posting(&fx->s, i),
                    "2021-06-30", &fx->e) ||
        field_parse(&fx->s, entity_field(ent, "end_reason"),
                    snap_posting(&fx->s, i), "tour_completed", &fx->e))
        fail_msg("%s", fx->e.msg);
    if (store_apply(fx->st, &fx->s, &c, 1, &meta, &fx->e))
        fail_msg("updating T2: %s", fx->e.msg);
}

/* A change set recorded at a time the caller gives (the demo's replay):
 * "as known on" follows that time, not the day it was written; a time
 * before the log's last, or not a timestamp, is refused and writes
 * nothing. */
static void test_recorded_at(void **state)
{
    struct fixture *fx = *state;
    uint32_t i;
    struct posting before;
    struct change c = { OP_UPDATE, ENT_POSTING, 0, &before };
    struct store_txn *t;
    struct snapshot got;
    struct change_list h = { NULL, 0, 0 };
    static const char *const bad[] = { "2020-12-31T23:59:59Z",
                                       "2021-13-01T00:00:00Z", "2021-03-15",
                                       "2021-03-15T00:00:00Z " };

    open_new(fx);
    write_fixture(fx);
    set_today("2021-12-04");
    i = snapshot_find(&fx->s, ENT_POSTING, "T2");
    c.index = i;
    before = *snap_posting(&fx->s, i);
    snap_posting(&fx->s, i)->ended = day_of("2021-03-31");
    snap_posting(&fx->s, i)->end_reason = 0;
    for (size_t k = 0; k < N_OF(bad); k++)
        assert_int_equal(store_begin_at(fx->st, &META, bad[k], 1, &t, &fx->e),
                         ST_INVALID);
    if (store_begin_at(fx->st, &META, "2021-03-15T09:30:00Z", 1, &t, &fx->e) ||
        store_write(t, &fx->s, &c, 1, &fx->e) || store_commit(t, &fx->e))
        fail_msg("recording at a given time: %s", fx->e.msg);

    load(fx, "2021-03-14", &got);
    assert_int_equal(
        snap_posting(&got, snapshot_find(&got, ENT_POSTING, "T2"))->ended,
        DATE_NONE);
    snapshot_release(&got);
    load(fx, "2021-03-15", &got);
    assert_int_equal(
        snap_posting(&got, snapshot_find(&got, ENT_POSTING, "T2"))->ended,
        day_of("2021-03-31"));
    snapshot_release(&got);
    if (store_history(fx->st, "posting", "T2", &h, &fx->e))
        fail_msg("history: %s", fx->e.msg);
    assert_int_equal(h.n, 2);
    assert_string_equal(h.items[1].recorded, "2021-03-15T09:30:00Z");
    change_list_release(&h);
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES + 1);
}

static const char T2_BEFORE[] =
    "{\"id\":\"T2\",\"person\":\"P2\",\"mission\":\"M1\",\"title\":\"Attache\","
    "\"rank\":\"attache\",\"category\":\"admin_technical\","
    "\"head_of_mission\":false,\"notified\":null,\"arrived\":\"2019-01-10\","
    "\"accredited\":null,\"refused\":null,\"ended\":null,\"end_reason\":null}";
static const char T2_AFTER[] =
    "{\"id\":\"T2\",\"person\":\"P2\",\"mission\":\"M1\",\"title\":\"Attache\","
    "\"rank\":\"attache\",\"category\":\"admin_technical\","
    "\"head_of_mission\":false,\"notified\":null,\"arrived\":\"2019-01-10\","
    "\"accredited\":null,\"refused\":null,\"ended\":\"2021-06-30\","
    "\"end_reason\":\"tour_completed\"}";

static void test_update_and_history(void **state)
{
    struct fixture *fx = *state;
    struct change_list list = { 0 };
    struct snapshot got;

    open_new(fx);
    write_fixture(fx);
    end_t2(fx);
    load(fx, NULL, &got);
    expect_same_records(&fx->s, &got);
    assert_int_equal(snap_posting(&got, 1)->ended, day_of("2021-06-30"));
    assert_int_equal(snap_posting(&got, 1)->end_reason, END_TOUR_COMPLETED);
    snapshot_release(&got);

    assert_int_equal(store_history(fx->st, "posting", "T2", &list, &fx->e),
                     ST_OK);
    assert_int_equal(list.n, 2);
    assert_string_equal(list.items[0].op, "insert");
    assert_string_equal(list.items[0].entity, "posting");
    assert_string_equal(list.items[0].key, "T2");
    assert_string_equal(list.items[0].recorded, "2021-01-01T00:00:00Z");
    assert_string_equal(list.items[0].actor, "tester");
    assert_string_equal(list.items[0].reason, "fixture");
    assert_null(list.items[0].before);
    assert_string_equal(list.items[0].after, T2_BEFORE);
    assert_string_equal(list.items[1].op, "update");
    assert_string_equal(list.items[1].recorded, "2021-06-01T00:00:00Z");
    assert_string_equal(list.items[1].actor, "protocol");
    assert_string_equal(list.items[1].reason, "tour ended");
    assert_string_equal(list.items[1].before, T2_BEFORE);
    assert_string_equal(list.items[1].after, T2_AFTER);
    assert_true(list.items[1].seq > list.items[0].seq);
    assert_int_equal(list.items[1].seq, N_FIXTURE_CHANGES + 1);
    assert_int_equal(strlen(list.items[1].hash), 64);
    assert_string_not_equal(list.items[0].hash, list.items[1].hash);
    change_list_release(&list);

    /* A dependent's history is under its compound key. */
    assert_int_equal(store_history(fx->st, "dependent", "P3/T2", &list, &fx->e),
                     ST_OK);
    assert_int_equal(list.n, 1);
    assert_string_equal(list.items[0].after,
                        "{\"person\":\"P3\",\"posting\":\"T2\",\"relation\":"
                        "\"child\",\"joined\":\"2019-01-10\",\"left\":null,"
                        "\"accredited\":null,\"revoked\":null}");
    change_list_release(&list);
    /* A record never written has no history. */
    assert_int_equal(store_history(fx->st, "posting", "T9", &list, &fx->e),
                     ST_OK);
    assert_int_equal(list.n, 0);
    change_list_release(&list);

    assert_int_equal(verify(fx), N_FIXTURE_CHANGES + 1);
}

/* Images escape what JSON must (quotes, backslashes, control characters)
 * and keep the rest, UTF-8 included, as it is; a member too long to be
 * composed in one piece comes out the same. verify recomputes each hash
 * from the row read back, so its passing shows the two images agree. */
static void test_image_escapes(void **state)
{
    struct fixture *fx = *state;
    struct change_list list = { 0 };
    char line[512], long_name[301], want[1024];
    uint32_t q1;

    open_new(fx);
    write_fixture(fx);
    memset(long_name, 'x', 300);
    long_name[300] = '\0';
    /* Control characters other than tab are refused on the way in. */
    snprintf(line, sizeof(line), "Q1,A \"q\" \\b\tcé,%s,F,,,", long_name);
    q1 = add_row(&fx->s, ENT_PERSON, line);
    insert_range(fx, ENT_PERSON, q1, q1 + 1);
    assert_int_equal(store_history(fx->st, "person", "Q1", &list, &fx->e),
                     ST_OK);
    assert_int_equal(list.n, 1);
    snprintf(want, sizeof(want),
             "{\"id\":\"Q1\",\"family_name\":\"A \\\"q\\\" \\\\b\\u0009cé\","
             "\"given_names\":\"%s\",\"sex\":\"F\",\"birth_date\":null,"
             "\"nationality\":null,\"passport\":null}",
             long_name);
    assert_string_equal(list.items[0].after, want);
    change_list_release(&list);
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES + 1);
}

static void test_failed_apply_writes_nothing(void **state)
{
    struct fixture *fx = *state;
    struct change_list list = { 0 };
    struct snapshot other, got;
    struct change changes[2];
    int64_t before;

    open_new(fx);
    write_fixture(fx);
    before = verify(fx);

    /* A new mission, then one whose key the registry already holds. */
    snapshot_init(&other);
    add_state(&other, "USA", "United States");
    add_state(&other, "RUS", "Russian Federation");
    changes[0] = (struct change){ OP_INSERT, ENT_MISSION,
                                  add_row(&other, ENT_MISSION,
                                          "M9,Consulate,RUS,USA,USA,Seattle,"
                                          "consulate,,"),
                                  NULL };
    changes[1] = (struct change){ OP_INSERT, ENT_MISSION,
                                  add_row(&other, ENT_MISSION,
                                          "M1,Embassy again,RUS,USA,USA,,"
                                          "embassy,,"),
                                  NULL };
    set_today("2021-02-01");
    assert_int_equal(store_apply(fx->st, &other, changes, 2, &META, &fx->e),
                     ST_INVALID);
    assert_int_equal(fx->e.status, ST_INVALID);
    assert_non_null(strstr(fx->e.msg, "mission 'M1'"));
    assert_non_null(strstr(fx->e.msg, "UNIQUE"));
    snapshot_release(&other);

    /* Neither the first row nor any log entry was kept. */
    assert_int_equal(verify(fx), before);
    assert_int_equal(store_history(fx->st, "mission", "M9", &list, &fx->e),
                     ST_OK);
    assert_int_equal(list.n, 0);
    change_list_release(&list);
    assert_int_equal(store_history(fx->st, "mission", "M1", &list, &fx->e),
                     ST_OK);
    assert_int_equal(list.n, 1);
    change_list_release(&list);
    load(fx, NULL, &got);
    expect_same_records(&fx->s, &got);
    assert_int_equal(snapshot_find(&got, ENT_MISSION, "M9"), IDMAP_NONE);
    snapshot_release(&got);

    /* The store is still usable: the next write goes on the chain. */
    end_t2(fx);
    assert_int_equal(verify(fx), before + 1);
}

/* A batch (the demo's replay): its change sets are each recorded as sets
 * of their own, the chain and the tree going on across them; one that
 * fails fails the whole batch, and then none of them is kept. */
static void test_batch(void **state)
{
    struct fixture *fx = *state;
    struct change_list list = { 0 };
    struct snapshot other;
    struct change c;
    int64_t before;

    open_new(fx);
    write_fixture(fx);
    before = verify(fx);

    snapshot_init(&other);
    add_state(&other, "USA", "United States");
    add_state(&other, "RUS", "Russian Federation");
    c = (struct change){ OP_INSERT, ENT_MISSION,
                         add_row(&other, ENT_MISSION,
                                 "M8,Consulate,RUS,USA,USA,Seattle,"
                                 "consulate,,"),
                         NULL };
    if (store_batch_begin(fx->st, &fx->e) ||
        store_apply_at(fx->st, &other, &c, 1, &META, "2021-03-01T00:00:00Z",
                       &fx->e))
        fail_msg("the batch's first set: %s", fx->e.msg);
    c.index = add_row(&other, ENT_MISSION,
                      "M9,Consulate,RUS,USA,USA,Boston,consulate,,");
    if (store_apply_at(fx->st, &other, &c, 1, &META, "2021-03-02T00:00:00Z",
                       &fx->e) ||
        store_batch_end(fx->st, 1, &fx->e))
        fail_msg("the batch's second set: %s", fx->e.msg);
    assert_int_equal(verify(fx), before + 2);
    assert_int_equal(store_history(fx->st, "mission", "M9", &list, &fx->e),
                     ST_OK);
    assert_int_equal(list.n, 1);
    assert_string_equal(list.items[0].recorded, "2021-03-02T00:00:00Z");
    change_list_release(&list);

    /* A set that fails: the set before it in the batch goes too. */
    c.index = add_row(&other, ENT_MISSION,
                      "M10,Consulate,RUS,USA,USA,Houston,consulate,,");
    if (store_batch_begin(fx->st, &fx->e) ||
        store_apply_at(fx->st, &other, &c, 1, &META, "2021-03-03T00:00:00Z",
                       &fx->e))
        fail_msg("the batch's first set: %s", fx->e.msg);
    c.index = snapshot_find(&other, ENT_MISSION, "M8");
    assert_int_equal(store_apply_at(fx->st, &other, &c, 1, &META,
                                    "2021-03-04T00:00:00Z", &fx->e),
                     ST_INVALID);
    assert_int_equal(store_batch_end(fx->st, 1, &fx->e), ST_ERROR);
    assert_int_equal(verify(fx), before + 2);
    assert_int_equal(store_history(fx->st, "mission", "M10", &list, &fx->e),
                     ST_OK);
    assert_int_equal(list.n, 0);
    change_list_release(&list);
    snapshot_release(&other);

    /* The store is still usable. */
    end_t2(fx);
    assert_int_equal(verify(fx), before + 3);
}

/* 1 when SQLite's plan for the statement scans a table (reads every row
 * of one rather than seeking by a key). */
static int plan_scans(sqlite3 *db, const char *sql)
{
    char *explain = xasprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *q;
    int scans = 0;

    if (sqlite3_prepare_v2(db, explain, -1, &q, NULL) != SQLITE_OK)
        fail_msg("%s: %s", explain, sqlite3_errmsg(db));
    while (sqlite3_step(q) == SQLITE_ROW)
        scans |=
            strncmp((const char *)sqlite3_column_text(q, 3), "SCAN ", 5) == 0;
    sqlite3_finalize(q);
    free(explain);
    return scans;
}

/* An update that keeps the record's key (every update but a rename)
 * seeks its row and nothing else: with the key among the columns it sets,
 * SQLite would look for the rows of every table that refers to the record
 * (the dependents of a posting, the postings and visas of a person), and
 * with no index on those columns scan them, once per update. */
static void test_update_in_place_scans_nothing(void **state)
{
    struct fixture *fx = *state;

    open_new(fx);
    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity_statements *q = db_entity_stmts(fx->st, k, NULL);
        const char *sql;

        assert_non_null(q);
        sql = sqlite3_sql(q->update_in_place->lite);

        assert_non_null(sql);
        if (plan_scans(fx->st->db, sql))
            fail_msg("%s: %s scans a table", ENTITIES[k]->name, sql);
    }
}

/* Opening prepares no statement: a read from the image needs none of an
 * entity's, and a whole-process read paid for all of them. */
static void test_statements_prepared_on_use(void **state)
{
    struct fixture *fx = *state;

    open_new(fx);
    for (int k = 0; k < ENT__COUNT; k++)
        assert_null(fx->st->stmts[k].select);
    assert_null(fx->st->log_insert);
    assert_non_null(db_entity_stmts(fx->st, ENT_POSTING, NULL));
    assert_non_null(fx->st->stmts[ENT_POSTING].select);
    assert_non_null(fx->st->stmts[ENT_POSTING].delete);
    assert_null(fx->st->stmts[ENT_PERSON].select);
}

static void test_as_known_on(void **state)
{
    struct fixture *fx = *state;
    struct snapshot got;

    open_new(fx);
    write_fixture(fx);
    end_t2(fx);

    load(fx, "2021-03-01", &got);
    assert_int_equal(snapshot_count(&got, ENT_POSTING), N_OF(POSTINGS));
    assert_int_equal(
        snap_posting(&got, snapshot_find(&got, ENT_POSTING, "T2"))->ended,
        DATE_NONE);
    assert_int_equal(snapshot_count(&got, ENT_DEPENDENT), N_OF(DEPENDENTS));
    snapshot_release(&got);

    /* Known "on" a day means by the end of it. */
    load(fx, "2021-06-01", &got);
    expect_same_records(&fx->s, &got);
    snapshot_release(&got);
    load(fx, "2021-05-31", &got);
    assert_int_equal(
        snap_posting(&got, snapshot_find(&got, ENT_POSTING, "T2"))->ended,
        DATE_NONE);
    snapshot_release(&got);

    /* Before the first write the registry was empty. */
    load(fx, "2020-12-31", &got);
    for (int k = 0; k < ENT__COUNT; k++)
        assert_int_equal(snapshot_count(&got, k), 0);
    snapshot_release(&got);

    /* Looking back wrote nothing: today's registry is intact. */
    load(fx, NULL, &got);
    expect_same_records(&fx->s, &got);
    assert_int_equal(snap_posting(&got, 1)->ended, day_of("2021-06-30"));
    snapshot_release(&got);
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES + 1);
}

static void test_delete_and_look_back(void **state)
{
    struct fixture *fx = *state;
    struct change_list list = { 0 };
    struct change c = { OP_DELETE, ENT_DEPENDENT, 1, NULL };
    struct snapshot got;

    open_new(fx);
    write_fixture(fx);
    set_today("2021-09-01");
    assert_int_equal(store_apply(fx->st, &fx->s, &c, 1, &META, &fx->e), ST_OK);
    load(fx, NULL, &got);
    assert_int_equal(snapshot_count(&got, ENT_DEPENDENT), 1);
    assert_int_equal(snapshot_find(&got, ENT_DEPENDENT, "P3/T2"), IDMAP_NONE);
    snapshot_release(&got);

    assert_int_equal(store_history(fx->st, "dependent", "P3/T2", &list, &fx->e),
                     ST_OK);
    assert_int_equal(list.n, 2);
    assert_string_equal(list.items[1].op, "delete");
    assert_string_equal(list.items[1].before, list.items[0].after);
    assert_null(list.items[1].after);
    change_list_release(&list);

    /* Before the deletion, the dependent is there as it was. */
    load(fx, "2021-08-31", &got);
    expect_same_records(&fx->s, &got);
    snapshot_release(&got);
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES + 1);
}

/* Runs sql on the registry through a connection of its own, as someone
 * editing the file behind chancery's back would. */
static void tamper(const struct fixture *fx, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;

    assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* What verify says of an entry whose after image is its record's row. */
#define ROW_CHANGED(seq, what)                                          \
    "change " #seq " (" what "): hash does not match its content, the " \
    "chain before it and the record's present row: one of them was "    \
    "rewritten"

static void expect_broken(struct fixture *fx, const char *msg, int64_t n_ok)
{
    int64_t n = -1;

    assert_int_equal(store_verify(fx->st, &n, &fx->e), ST_INVALID);
    assert_string_equal(fx->e.msg, msg);
    assert_int_equal(n, n_ok);
}

/* Tampers with sql, expects verify to report msg after n_ok good entries,
 * then undoes it and expects the chain whole again. */
static void expect_caught_and_undo(struct fixture *fx, const char *sql,
                                   const char *msg, int64_t n_ok,
                                   const char *undo)
{
    tamper(fx, sql);
    expect_broken(fx, msg, n_ok);
    tamper(fx, undo);
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES + 1);
}

static void test_verify_detects_tampering(void **state)
{
    struct fixture *fx = *state;

    open_new(fx);
    write_fixture(fx);
    end_t2(fx);
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES + 1);

    /* Rewriting one past entry breaks its link. */
    expect_caught_and_undo(fx, "UPDATE changes SET before = '{}' WHERE seq = 5",
                           ROW_CHANGED(5, "mission 'M1'"), 4,
                           "UPDATE changes SET before = NULL WHERE seq = 5");

    /* So does rewriting when, by whom or why a change set was recorded. */
    expect_caught_and_undo(
        fx, "UPDATE change_sets SET actor = 'nobody' WHERE id = 1",
        ROW_CHANGED(1, "state 'USA'"), 0,
        "UPDATE change_sets SET actor = 'tester' WHERE id = 1");

    /* A row edited behind the log no longer matches the entry that wrote
     * it last, whose after image it is. */
    expect_caught_and_undo(
        fx, "UPDATE missions SET city = 'Boston' WHERE id = 'M1'",
        ROW_CHANGED(5, "mission 'M1'"), 4,
        "UPDATE missions SET city = 'Washington' WHERE id = 'M1'");

    /* A row removed or added behind the log is found missing, or extra. */
    tamper(fx, "PRAGMA foreign_keys = OFF; DELETE FROM dependents");
    expect_broken(fx,
                  "change 14 (dependent 'P2/T1'): the record is missing from "
                  "table dependents",
                  13);
    tamper(fx, "INSERT INTO persons (id, family_name) VALUES ('P9', 'Nobody')");
    expect_broken(fx,
                  "change 14 (dependent 'P2/T1'): the record is missing from "
                  "table dependents",
                  13);

    /* And removing an entry from the middle of the log. */
    tamper(fx, "DELETE FROM changes WHERE seq = 9");
    expect_broken(fx,
                  "change 9: missing: the log goes from change 8 to change 10 "
                  "(entries were deleted)",
                  8);
}

static void test_verify_counts_rows(void **state)
{
    struct fixture *fx = *state;

    open_new(fx);
    write_fixture(fx);
    tamper(fx, "INSERT INTO persons (id, family_name) VALUES ('P9', 'Nobody')");
    expect_broken(fx,
                  "table persons holds 4 rows, but the change log accounts "
                  "for 3",
                  N_FIXTURE_CHANGES);
}

/* The bulk path (50,000 changes or more) checks references once at the
 * end instead of row by row: a dangling one still rejects everything. */
static void test_bulk_checks_references(void **state)
{
    struct fixture *fx = *state;
    enum { N_PERSONS = 50000 };
    struct change *changes = xcalloc(N_PERSONS + 1, sizeof(*changes));
    struct snapshot got;
    char line[96];

    open_new(fx);
    write_fixture(fx);
    /* M9 is in the snapshot but never written, so T9 refers to nothing. */
    add_row(&fx->s, ENT_MISSION, "M9,Ghost mission,RUS,USA,USA,,embassy,,");
    for (int i = 0; i < N_PERSONS; i++) {
        snprintf(line, sizeof(line), "Q%d,Person %d,,F,,RUS,", i, i);
        changes[i] = (struct change){ OP_INSERT, ENT_PERSON,
                                      add_row(&fx->s, ENT_PERSON, line), NULL };
    }
    changes[N_PERSONS] = (struct change){
        OP_INSERT, ENT_POSTING,
        add_row(&fx->s, ENT_POSTING,
                "T9,Q1,M9,,,diplomatic_agent,false,,2020-01-01,,,,"),
        NULL
    };
    set_today("2021-03-01");
    assert_int_equal(
        store_apply(fx->st, &fx->s, changes, N_PERSONS + 1, &META, &fx->e),
        ST_INVALID);
    assert_string_equal(fx->e.msg,
                        "postings row 4 refers to a missing row of missions");
    free(changes);

    /* Nothing was written, and row-by-row checks are back on. */
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES);
    load(fx, NULL, &got);
    assert_int_equal(snapshot_count(&got, ENT_PERSON), N_OF(PERSONS));
    snapshot_release(&got);
    changes = xcalloc(1, sizeof(*changes));
    changes[0] =
        (struct change){ OP_INSERT, ENT_POSTING,
                         (uint32_t)snapshot_find(&fx->s, ENT_POSTING, "T9"),
                         NULL };
    assert_int_equal(store_apply(fx->st, &fx->s, changes, 1, &META, &fx->e),
                     ST_INVALID);
    assert_non_null(strstr(fx->e.msg, "FOREIGN KEY"));
    free(changes);
}

/* An import's feed vouches in memory for the references of the records it
 * hands over (store/write.c, ref_guard) instead of foreign_key_check: a
 * record of the snapshot that is neither loaded nor handed over, referred
 * to, still rejects everything; handed over, the same set commits. */
static void feed_ghost(struct fixture *fx, int feed_ghost_mission)
{
    enum { N_PERSONS = 50000 };
    struct store_feed *f;
    uint32_t ghost, first, posting;
    char line[96];

    assert_int_equal(
        store_feed_start(fx->st, &fx->s, &META, N_PERSONS + 2, &f, &fx->e),
        ST_OK);
    ghost =
        add_row(&fx->s, ENT_MISSION, "M9,Ghost mission,RUS,USA,USA,,embassy,,");
    first = (uint32_t)snapshot_count(&fx->s, ENT_PERSON);
    for (int i = 0; i < N_PERSONS; i++) {
        snprintf(line, sizeof(line), "Q%d,Person %d,,F,,RUS,", i, i);
        add_row(&fx->s, ENT_PERSON, line);
    }
    posting = add_row(&fx->s, ENT_POSTING,
                      "T9,Q1,M9,,,diplomatic_agent,false,,2020-01-01,,,,");
    if (feed_ghost_mission)
        store_feed_insert(f, ENT_MISSION, ghost, ghost + 1);
    store_feed_insert(f, ENT_PERSON, first, first + N_PERSONS);
    store_feed_insert(f, ENT_POSTING, posting, posting + 1);
    store_feed_finish(f, 1, &fx->e);
}

static void test_feed_checks_references(void **state)
{
    struct fixture *fx = *state;
    struct snapshot got;

    open_new(fx);
    write_fixture(fx);
    set_today("2021-03-01");
    feed_ghost(fx, 0);
    assert_int_equal(fx->e.status, ST_INVALID);
    assert_string_equal(fx->e.msg,
                        "postings row 4 refers to a missing row of missions");
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES);

    snapshot_release(&fx->s);
    load(fx, NULL, &fx->s);
    err_clear(&fx->e);
    feed_ghost(fx, 1);
    assert_int_equal(fx->e.status, ST_OK);
    load(fx, NULL, &got);
    assert_int_equal(snapshot_count(&got, ENT_PERSON), N_OF(PERSONS) + 50000);
    assert_int_not_equal(snapshot_find(&got, ENT_POSTING, "T9"), IDMAP_NONE);
    snapshot_release(&got);
}

/* A write checked against a snapshot that another writer has since moved
 * past is refused, rather than overwriting what it never saw. */
static void test_stale_snapshot_refused(void **state)
{
    struct fixture *fx = *state;
    struct store *other = NULL;
    struct snapshot theirs, mine;
    struct change c = { OP_UPDATE, ENT_POSTING, 0, NULL };
    struct posting before;

    open_new(fx);
    write_fixture(fx);
    load(fx, NULL, &mine);
    if (store_open(fx->path, STORE_OPEN_EXISTING, &other, &fx->e))
        fail_msg("store_open: %s", fx->e.msg);
    snapshot_init(&theirs);
    assert_int_equal(store_load(other, DATE_NONE, &theirs, &fx->e), ST_OK);

    /* They end T1; then I, still holding the registry from before, try to. */
    before = *snap_posting(&theirs, 0);
    c.before = &before;
    snap_posting(&theirs, 0)->ended = day_of("2021-05-01");
    snap_posting(&theirs, 0)->end_reason = END_RECALLED;
    assert_int_equal(store_apply(other, &theirs, &c, 1, &META, &fx->e), ST_OK);
    before = *snap_posting(&mine, 0);
    snap_posting(&mine, 0)->ended = day_of("2021-06-01");
    snap_posting(&mine, 0)->end_reason = END_TOUR_COMPLETED;
    assert_int_equal(store_apply(fx->st, &mine, &c, 1, &META, &fx->e),
                     ST_ERROR);
    assert_non_null(strstr(fx->e.msg, "the registry changed while this "
                                      "command ran (posting 'T1' was changed "
                                      "meanwhile)"));
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES + 1);

    /* A change to another record, from the same stale snapshot, is
     * independent of theirs and goes through. */
    c.index = 1;
    before = *snap_posting(&mine, 1);
    snap_posting(&mine, 1)->ended = day_of("2021-06-01");
    snap_posting(&mine, 1)->end_reason = END_TOUR_COMPLETED;
    assert_int_equal(store_apply(fx->st, &mine, &c, 1, &META, &fx->e), ST_OK);
    assert_int_equal(verify(fx), N_FIXTURE_CHANGES + 2);

    snapshot_release(&theirs);
    snapshot_release(&mine);
    store_close(other);
}

/* A record renamed by an update (its key changed) cannot be folded into
 * an image, which would keep the old record beside the new: the load
 * reads the tables instead. */
static void test_rename_not_folded(void **state)
{
    struct fixture *fx = *state;
    struct snapshot mine, again;
    struct posting before;
    struct change c = { OP_UPDATE, ENT_POSTING, 0, NULL };

    open_new(fx);
    write_fixture(fx);
    load(fx, NULL, &mine);
    /* A posting no dependent refers to (a foreign key would refuse). */
    while (mine.dependents_by_posting.start[c.index + 1] !=
           mine.dependents_by_posting.start[c.index])
        c.index++;
    before = *snap_posting(&mine, c.index);
    c.before = &before;
    snap_posting(&mine, c.index)->id = "T1-renamed";
    if (store_apply(fx->st, &mine, &c, 1, &META, &fx->e))
        fail_msg("store_apply: %s", fx->e.msg);
    load(fx, NULL, &again);
    assert_string_equal(store_load_source(fx->st), "tables");
    assert_int_equal(snapshot_find(&again, ENT_POSTING, before.id), IDMAP_NONE);
    assert_int_not_equal(snapshot_find(&again, ENT_POSTING, "T1-renamed"),
                         IDMAP_NONE);
    assert_int_equal(snapshot_count(&again, ENT_POSTING),
                     snapshot_count(&mine, ENT_POSTING));
    snapshot_release(&mine);
    snapshot_release(&again);
}

/* The indexes of two snapshots are the same arrays. */
static void expect_same_indexes(const struct snapshot *a,
                                const struct snapshot *b)
{
    const struct adjacency *x[] = { &a->postings_by_mission,
                                    &a->postings_by_person,
                                    &a->dependents_by_posting,
                                    &a->missions_by_sending },
                           *y[] = { &b->postings_by_mission,
                                    &b->postings_by_person,
                                    &b->dependents_by_posting,
                                    &b->missions_by_sending };
    const enum entity_kind group[] = { ENT_MISSION, ENT_PERSON, ENT_POSTING,
                                       ENT_STATE };

    assert_true(a->indexed && b->indexed);
    for (size_t i = 0; i < N_OF(x); i++) {
        size_t n = snapshot_count(a, group[i]);

        assert_memory_equal(x[i]->start, y[i]->start,
                            (n + 1) * sizeof(*x[i]->start));
        if (x[i]->start[n])
            assert_memory_equal(x[i]->items, y[i]->items,
                                x[i]->start[n] * sizeof(*x[i]->items));
    }
    assert_true(presence_equal(a->presence, b->presence));
}

/* A snapshot kept resident (mapped from the image, as the server holds
 * one) and brought up to date with the change set another writer
 * committed, from the change log's after images, equals the registry
 * loaded afresh: records, keys and every index. */
/* The fixture with enough persons that their rows fill whole pages of
 * the image, which the first append moves rather than copies
 * (snapshot_own), loaded into out from the image. */
static void load_filled_image(struct fixture *fx, struct snapshot *out)
{
    open_new(fx);
    write_fixture(fx);
    for (int i = 0; i < 400; i++) {
        char line[64];

        snprintf(line, sizeof(line), "PX%d,Filler,,F,,RUS,", i);
        add_row(&fx->s, ENT_PERSON, line);
    }
    insert_range(fx, ENT_PERSON, N_OF(PERSONS),
                 (uint32_t)snapshot_count(&fx->s, ENT_PERSON));
    load(fx, NULL, out); /* from the tables; writes the image */
    snapshot_release(out);
    load(fx, NULL, out);
    assert_string_equal(store_load_source(fx->st), "image+0 changes");
}

static void test_change_set_applied_like_a_load(void **state)
{
    static const struct record_ref refs[] = {
        { "person", "P4" },
        { "posting", "T4" },
        { "posting", "T2" },
        { "dependent", "P2/T4" },
    };
    struct fixture *fx = *state;
    struct snapshot resident, writer, fresh;
    struct change_image set[N_OF(refs)];
    struct change_list logs[N_OF(refs)];
    struct change c[N_OF(refs)];
    struct posting before;
    uint32_t t2;

    load_filled_image(fx, &resident);

    load(fx, NULL, &writer);
    c[0] = (struct change){
        OP_INSERT, ENT_PERSON,
        add_row(&writer, ENT_PERSON, "P4,Orlov,Pavel,M,1970-01-01,RUS,"), NULL
    };
    c[1] = (struct change){ OP_INSERT, ENT_POSTING,
                            add_row(&writer, ENT_POSTING,
                                    "T4,P4,M2,Counsellor,counselor,"
                                    "diplomatic_agent,false,,2021-02-01,,,,"),
                            NULL };
    t2 = snapshot_find(&writer, ENT_POSTING, "T2");
    before = *snap_posting(&writer, t2);
    snap_posting(&writer, t2)->ended = day_of("2021-03-01");
    snap_posting(&writer, t2)->end_reason = END_RECALLED;
    c[2] = (struct change){ OP_UPDATE, ENT_POSTING, t2, &before };
    c[3] = (struct change){
        OP_INSERT, ENT_DEPENDENT,
        add_row(&writer, ENT_DEPENDENT, "P2,T4,spouse,2021-02-01,,,"), NULL
    };
    if (store_apply(fx->st, &writer, c, N_OF(c), &META, &fx->e))
        fail_msg("store_apply: %s", fx->e.msg);

    for (size_t i = 0; i < N_OF(refs); i++) {
        memset(&logs[i], 0, sizeof(logs[i]));
        if (store_history(fx->st, refs[i].entity, refs[i].key, &logs[i],
                          &fx->e))
            fail_msg("store_history: %s", fx->e.msg);
        set[i].kind = entity_by_name(refs[i].entity)->kind;
        set[i].after = logs[i].items[logs[i].n - 1].after;
    }
    assert_int_equal(
        snapshot_apply_change_set(&resident, set, N_OF(set), &fx->e), ST_OK);
    assert_non_null(resident.tables[ENT_PERSON].rows_map);
    load(fx, NULL, &fresh);
    expect_same_records(&fresh, &resident);
    expect_same_indexes(&fresh, &resident);
    assert_int_equal(snapshot_find(&resident, ENT_DEPENDENT, "P2/T4"),
                     snapshot_find(&fresh, ENT_DEPENDENT, "P2/T4"));
    for (size_t i = 0; i < N_OF(refs); i++)
        change_list_release(&logs[i]);
    snapshot_release(&resident);
    snapshot_release(&writer);
    snapshot_release(&fresh);
}

/* Rows moved out of the image's mapping (snapshot_own) leave their old
 * range mapped: a hole there would take the next mapping anyone makes,
 * and the image's munmap at release would then unmap it from under its
 * owner (a sanitizer's, in `serve` under make asan). */
static void test_moved_rows_leave_no_hole(void **state)
{
    struct fixture *fx = *state;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    struct snapshot s;
    uintptr_t old, first;
    void *probe;

    load_filled_image(fx, &s);
    old = (uintptr_t)s.tables[ENT_PERSON].rows;
    first = (old + page - 1) / page * page;
    snapshot_own(&s, ENT_PERSON);
    assert_non_null(s.tables[ENT_PERSON].rows_map);
    probe = mmap((void *)first, page, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (probe != MAP_FAILED)
        munmap(probe, page);
    assert_true(probe == MAP_FAILED);
    snapshot_release(&s);
}

static void expect_same_adjacency(const struct adjacency *a,
                                  const struct adjacency *b, size_t groups)
{
    assert_memory_equal(a->start, b->start, (groups + 1) * sizeof(*a->start));
    if (a->start[groups])
        assert_memory_equal(a->items, b->items,
                            a->start[groups] * sizeof(*a->items));
}

/* The image keeps the derived indexes: a load maps them, checked on touch
 * or whole, and they are those a load from the tables builds. */
static void test_image_indexes(void **state)
{
    static const char *const modes[] = { "always", "never" };
    struct fixture *fx = *state;
    struct snapshot tables, image, warm;

    open_new(fx);
    write_fixture(fx);
    setenv("CHANCERY_SNAPSHOT_CACHE", "never", 1);
    load(fx, NULL, &tables);
    unsetenv("CHANCERY_SNAPSHOT_CACHE");
    load(fx, NULL, &warm); /* writes the image */
    snapshot_release(&warm);
    for (int i = 0; i < 2; i++) {
        setenv("CHANCERY_SNAPSHOT_LAZY", modes[i], 1);
        load(fx, NULL, &image);
        assert_string_equal(store_load_source(fx->st), "image+0 changes");
        assert_true(image.indexes_mapped);
        expect_same_adjacency(&tables.postings_by_mission,
                              &image.postings_by_mission,
                              snapshot_count(&tables, ENT_MISSION));
        expect_same_adjacency(&tables.postings_by_person,
                              &image.postings_by_person,
                              snapshot_count(&tables, ENT_PERSON));
        expect_same_adjacency(&tables.dependents_by_posting,
                              &image.dependents_by_posting,
                              snapshot_count(&tables, ENT_POSTING));
        expect_same_adjacency(&tables.missions_by_sending,
                              &image.missions_by_sending,
                              snapshot_count(&tables, ENT_STATE));
        for (uint32_t m = 0; m < snapshot_count(&tables, ENT_MISSION); m++)
            for (int32_t d = day_of("2015-01-01"); d < day_of("2023-01-01");
                 d += 61)
                assert_int_equal(presence_count(tables.presence, m, d),
                                 presence_count(image.presence, m, d));
        assert_null(snapshot_index_stale(&image)); /* audit verify's check */
        assert_false(image.indexes_mapped);
        snapshot_release(&image);
    }
    unsetenv("CHANCERY_SNAPSHOT_LAZY");
    snapshot_release(&tables);
}

static int cmp_pointer(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (const char *const *)a,
              y = (uintptr_t) * (const char *const *)b;

    return (x > y) - (x < y);
}

/* Whether the n strings at p[] lie one after the other, with nothing
 * between them (p is sorted). */
static int adjoining(const char **p, size_t n)
{
    qsort(p, n, sizeof(*p), cmp_pointer);
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i + 1] != p[i] + strlen(p[i]) + 1)
            return 0;
    return 1;
}

/* The image writes a mission's postings' strings together, and the
 * persons' strings in the order of their postings, so that a command on
 * one mission reads a few blocks of strings, not one per record (issue
 * 11); a key index's key is its record's id, not a copy. The postings
 * are appended alternately to two missions, so in the rows' own order
 * each mission's strings would be interleaved with the other's. */
static void test_image_strings_by_mission(void **state)
{
    struct fixture *fx = *state;
    struct snapshot image;
    const char *ids[200], *names[200];
    size_t n = 0;
    uint32_t m1, first = (uint32_t)N_OF(POSTINGS);

    open_new(fx);
    write_fixture(fx);
    for (int i = 0; i < 300; i++) {
        char line[128];

        snprintf(line, sizeof(line), "PY%d,Family%d,Given,F,,RUS,", i, i);
        add_row(&fx->s, ENT_PERSON, line);
        snprintf(line, sizeof(line),
                 "TY%d,PY%d,%s,Attache,attache,diplomatic_agent,false,,"
                 "2019-01-10,,,,",
                 i, i, i % 2 ? "M2" : "M1");
        add_row(&fx->s, ENT_POSTING, line);
    }
    insert_range(fx, ENT_PERSON, N_OF(PERSONS),
                 (uint32_t)snapshot_count(&fx->s, ENT_PERSON));
    insert_range(fx, ENT_POSTING, first,
                 (uint32_t)snapshot_count(&fx->s, ENT_POSTING));
    load(fx, NULL, &image); /* from the tables; writes the image */
    snapshot_release(&image);
    setenv("CHANCERY_SNAPSHOT_LAZY", "never", 1);
    load(fx, NULL, &image);
    unsetenv("CHANCERY_SNAPSHOT_LAZY");
    assert_string_equal(store_load_source(fx->st), "image+0 changes");
    m1 = snapshot_find(&image, ENT_MISSION, "M1");
    ADJ_FOR_EACH(image.postings_by_mission, m1, t)
    {
        const struct posting *p = snap_posting(&image, t);

        assert_true(n < N_OF(ids));
        ids[n] = p->id;
        names[n++] = snap_person(&image, p->person)->family_name;
    }
    assert_int_equal(n, 152); /* T1, T2 and 150 of the 300 */
    assert_true(adjoining(ids, n));
    assert_true(adjoining(names, n));
    {
        const struct idmap *keys = &image.tables[ENT_POSTING].by_key;
        size_t shared = 0;

        for (size_t i = 0; i <= keys->mask; i++)
            if (keys->slots[i].key)
                shared += keys->slots[i].key ==
                          snap_posting(&image, keys->slots[i].value)->id;
        assert_int_equal(shared, snapshot_count(&image, ENT_POSTING));
    }
    snapshot_release(&image);
}

/* Appends 300 persons and their postings, alternately to M1 and M2, so
 * that in the rows' own order the two missions' postings interleave. */
static void add_interleaved_postings(struct fixture *fx)
{
    uint32_t first = (uint32_t)N_OF(POSTINGS);

    for (int i = 0; i < 300; i++) {
        char line[128];

        snprintf(line, sizeof(line), "PY%d,Family%d,Given,F,,RUS,", i, i);
        add_row(&fx->s, ENT_PERSON, line);
        snprintf(line, sizeof(line),
                 "TY%d,PY%d,%s,Attache,attache,diplomatic_agent,false,,"
                 "2019-01-%02d,,,,",
                 i, i, i % 2 ? "M2" : "M1", 1 + i % 28);
        add_row(&fx->s, ENT_POSTING, line);
    }
    insert_range(fx, ENT_PERSON, N_OF(PERSONS),
                 (uint32_t)snapshot_count(&fx->s, ENT_PERSON));
    insert_range(fx, ENT_POSTING, first,
                 (uint32_t)snapshot_count(&fx->s, ENT_POSTING));
}

/* Whether every posting read in mission order is the row it copies. */
static void expect_mission_postings(const struct snapshot *s)
{
    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        const struct posting *t;

        MISSION_POSTINGS_FOR_EACH(s, m, ti, t)
        {
            assert_memory_equal(t, snap_posting(s, ti), sizeof(*t));
            assert_int_equal(t->mission, m);
        }
    }
}

/* The image holds the posting rows a second time, in postings_by_mission's
 * order (CHIMG006), so that a mission's postings lie together (issue 11):
 * loaded either way, the copy is each posting's row; a fold that changes
 * a posting drops it, one that changes only persons keeps it. */
static void test_image_mission_postings(void **state)
{
    static const char *const modes[] = { "always", "never" };
    struct fixture *fx = *state;
    struct snapshot image;
    uint32_t m1, m2, k;
    const struct posting *t;

    open_new(fx);
    write_fixture(fx);
    add_interleaved_postings(fx);
    load(fx, NULL, &image); /* from the tables; writes the image */
    assert_null(image.mission_postings);
    snapshot_release(&image);
    for (int i = 0; i < 2; i++) {
        setenv("CHANCERY_SNAPSHOT_LAZY", modes[i], 1);
        load(fx, NULL, &image);
        assert_string_equal(store_load_source(fx->st), "image+0 changes");
        assert_non_null(image.mission_postings);
        expect_mission_postings(&image);
        m1 = snapshot_find(&image, ENT_MISSION, "M1");
        k = image.mission_postings_at[m1];
        MISSION_POSTINGS_FOR_EACH(&image, m1, ti, t)
        {
            (void)ti;
            assert_ptr_equal(t, &image.mission_postings[k++]); /* together */
        }
        assert_int_equal(k - image.mission_postings_at[m1], 152);
        /* M1 (RUS in USA) after M2 (RUS in UN): the missions in the order
         * of sending state and host */
        m2 = snapshot_find(&image, ENT_MISSION, "M2");
        assert_int_equal(image.mission_postings_at[m2], 0);
        assert_int_equal(image.mission_postings_at[m1], 150);
        snapshot_release(&image);
    }

    add_row(&fx->s, ENT_PERSON, "PZ1,Zeta,Given,F,,RUS,");
    insert_range(fx, ENT_PERSON,
                 (uint32_t)snapshot_count(&fx->s, ENT_PERSON) - 1,
                 (uint32_t)snapshot_count(&fx->s, ENT_PERSON));
    load(fx, NULL, &image);
    assert_string_equal(store_load_source(fx->st), "image+1 changes");
    assert_non_null(image.mission_postings); /* no posting changed */
    expect_mission_postings(&image);
    snapshot_release(&image);

    /* A posting ended: its copy is written again, the copies kept. */
    end_t2(fx);
    load(fx, NULL, &image);
    assert_string_equal(store_load_source(fx->st), "image+2 changes");
    assert_non_null(image.mission_postings);
    expect_mission_postings(&image);
    assert_int_equal(
        snap_posting(&image, snapshot_find(&image, ENT_POSTING, "T2"))->ended,
        day_of("2021-06-30"));
    snapshot_release(&image);
    /* The same change applied to a snapshot in memory (a resident one). */
    load(fx, NULL, &image);
    {
        uint32_t i = snapshot_find(&image, ENT_POSTING, "T1");
        struct posting before = *snap_posting(&image, i);
        struct snapshot_change c = { ENT_POSTING, i, &before };

        snap_posting(&image, i)->ended = day_of("2021-07-01");
        snapshot_reindex(&image, &c, 1);
        assert_non_null(image.mission_postings);
        expect_mission_postings(&image);
        /* moved to another mission: the copies are dropped */
        before = *snap_posting(&image, i);
        snap_posting(&image, i)->mission =
            snapshot_find(&image, ENT_MISSION, "M2");
        snapshot_reindex(&image, &c, 1);
        assert_null(image.mission_postings);
        expect_mission_postings(&image);
    }
    snapshot_release(&image);

    add_row(
        &fx->s, ENT_POSTING,
        "TZ1,PZ1,M1,Attache,attache,diplomatic_agent,false,,2020-01-01,,,,");
    insert_range(fx, ENT_POSTING,
                 (uint32_t)snapshot_count(&fx->s, ENT_POSTING) - 1,
                 (uint32_t)snapshot_count(&fx->s, ENT_POSTING));
    load(fx, NULL, &image);
    assert_string_equal(store_load_source(fx->st), "image+3 changes");
    assert_null(image.mission_postings); /* a posting appended: dropped */
    m1 = snapshot_find(&image, ENT_MISSION, "M1");
    assert_int_equal(image.postings_by_mission.start[m1 + 1] -
                         image.postings_by_mission.start[m1],
                     153);
    expect_mission_postings(&image);
    unsetenv("CHANCERY_SNAPSHOT_LAZY");
    snapshot_release(&image);
}

/* The image of the fixture's registry with interleaved postings, read
 * whole into *data (*n bytes). */
static char *read_image(struct fixture *fx, size_t *n)
{
    struct snapshot s;
    char *path = xasprintf("%s.snapshot", fx->path), *data;
    FILE *f;

    open_new(fx);
    write_fixture(fx);
    add_interleaved_postings(fx);
    load(fx, NULL, &s);
    snapshot_release(&s);
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    data = xmalloc(*n);
    assert_int_equal(fread(data, 1, *n, f), *n);
    fclose(f);
    free(path);
    return data;
}

static void write_image(struct fixture *fx, const char *data, size_t n)
{
    char *path = xasprintf("%s.snapshot", fx->path);
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    free(path);
}

/* A copy of the posting rows in mission order that differs from the rows
 * is never trusted: with its checksums left as they were, the image is
 * ignored (the tables answer); resealed (a forgery), the whole check
 * refuses it, and `audit verify` names it when the image is checked on
 * touch, by its sums only. */
static void test_image_mission_postings_damaged(void **state)
{
    struct fixture *fx = *state;
    struct snapshot image;
    const struct image_header *h;
    struct posting *t;
    uint32_t *at;
    int64_t records = 0;
    size_t n;
    char *data = read_image(fx, &n);

    h = (const void *)data;
    assert_memory_equal(h->magic, "CHIMG006", 8);
    assert_int_equal(h->sec[SEC_MISSION_POSTINGS].count,
                     snapshot_count(&fx->s, ENT_POSTING));
    /* the last posting of the copy: a date a day later */
    t = (struct posting *)(void *)(data + h->sec[SEC_MISSION_POSTINGS].offset) +
        (h->sec[SEC_MISSION_POSTINGS].count - 1);
    t->arrived++;

    setenv("CHANCERY_SNAPSHOT_LAZY", "never", 1);
    write_image(fx, data, n);
    load(fx, NULL, &image);
    assert_string_equal(store_load_source(fx->st), "tables");
    expect_mission_postings(&image);
    snapshot_release(&image);

    image_seal(data, n);
    write_image(fx, data, n);
    load(fx, NULL, &image);
    assert_string_equal(store_load_source(fx->st), "tables");
    assert_null(image.mission_postings);
    snapshot_release(&image);

    setenv("CHANCERY_SNAPSHOT_LAZY", "always", 1);
    write_image(fx, data, n);
    assert_int_equal(store_verify_image(fx->st, &records, &fx->e), ST_INVALID);
    assert_non_null(strstr(fx->e.msg, "postings by mission differ from its "
                                      "posting rows at posting"));

    /* A mission's group placed past the copies, sums resealed: refused. */
    t->arrived--;
    at = (uint32_t *)(void *)(data + h->sec[SEC_MISSION_AT].offset);
    at[0] = (uint32_t)h->sec[SEC_MISSION_POSTINGS].count - 1;
    image_seal(data, n);
    setenv("CHANCERY_SNAPSHOT_LAZY", "never", 1);
    write_image(fx, data, n);
    load(fx, NULL, &image);
    assert_string_equal(store_load_source(fx->st), "tables");
    expect_mission_postings(&image);
    snapshot_release(&image);
    unsetenv("CHANCERY_SNAPSHOT_LAZY");
    free(data);
}

/* A write to a page with no access (not a null pointer, which UBSan
 * would stop at first). */
static void raise_segv(void)
{
    volatile int *p =
        mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        _exit(5);
    *p = 1;
}

/* In a child: loads the image lazily twice, releasing it between (as
 * `serve` does after each reload), then crashes for real. */
static void crash_after_two_lazy_loads(struct fixture *fx)
{
    struct snapshot image;

    signal(SIGSEGV, SIG_DFL); /* not cmocka's, which would catch it */
    alarm(20);                /* a fault repeated forever ends here */
    for (int i = 0; i < 2; i++) {
        load(fx, NULL, &image);
        if (strcmp(store_load_source(fx->st), "image+0 changes") ||
            !image.tables[ENT_POSTING].mapped)
            _exit(3);
        snapshot_release(&image);
    }
    load(fx, NULL, &image);
    raise_segv();
    _exit(4);
}

/* The image's fault handler lets a crash that is not the image's crash,
 * however many images the process mapped before (it once put itself back
 * as the previous handler when installed a second time, and a genuine
 * crash then faulted forever). */
static void test_image_crash_still_crashes(void **state)
{
    struct fixture *fx = *state;
    struct snapshot warm;
    pid_t pid;
    int status;

    open_new(fx);
    write_fixture(fx);
    load(fx, NULL, &warm); /* writes the image */
    snapshot_release(&warm);
    setenv("CHANCERY_SNAPSHOT_LAZY", "always", 1);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        crash_after_two_lazy_loads(fx);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    unsetenv("CHANCERY_SNAPSHOT_LAZY");
    /* Killed by the fault, or (under ASan) reported and exit 1; a fault
     * repeated forever ends by the alarm. */
    if (WIFEXITED(status) && WEXITSTATUS(status) != 1)
        fail_msg("the child exited %d", WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        assert_int_equal(WTERMSIG(status), SIGSEGV);
}

/* Threads reading one lazily mapped image at once each see its records
 * (the blocks they touch first are checked and opened under them). */
struct reader {
    const struct snapshot *s;
    unsigned long sum;
};

static void *read_all(void *arg)
{
    struct reader *r = arg;

    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];

        for (size_t i = 0; i < snapshot_count(r->s, k); i++) {
            const void *row = snapshot_row(r->s, k, i);

            for (int j = 0; j < ent->n_fields; j++) {
                char buf[FIELD_BUF];
                const char *text = field_text(r->s, &ent->fields[j], row, buf);

                for (; *text; text++)
                    r->sum = r->sum * 31 + (unsigned char)*text;
                r->sum = r->sum * 31 + 1;
            }
        }
    }
    return NULL;
}

static void test_image_read_by_threads(void **state)
{
    struct fixture *fx = *state;
    struct snapshot warm, image;
    struct reader want = { 0 }, got[4];
    pthread_t t[4];

    open_new(fx);
    write_fixture(fx);
    load(fx, NULL, &warm); /* writes the image */
    want.s = &warm;
    read_all(&want);
    setenv("CHANCERY_SNAPSHOT_LAZY", "always", 1);
    load(fx, NULL, &image);
    unsetenv("CHANCERY_SNAPSHOT_LAZY");
    assert_true(image.tables[ENT_POSTING].mapped);
    for (int i = 0; i < 4; i++) {
        got[i].s = &image;
        got[i].sum = 0;
        assert_int_equal(pthread_create(&t[i], NULL, read_all, &got[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_true(got[i].sum == want.sum);
    }
    snapshot_release(&image);
    snapshot_release(&warm);
}

/* Adds enough persons to the fixture for an image of many blocks. */
static void add_many_persons(struct fixture *fx)
{
    for (int i = 0; i < 4000; i++) {
        char line[128];

        snprintf(line, sizeof(line),
                 "X%d,Family name %d,Given names %d,F,1980-01-01,RUS,", i, i,
                 i);
        add_row(&fx->s, ENT_PERSON, line);
    }
    insert_range(fx, ENT_PERSON, (uint32_t)N_OF(PERSONS),
                 (uint32_t)snapshot_count(&fx->s, ENT_PERSON));
}

/* `serve`'s compactor opens the rest of a lazily mapped image, so that no
 * request pays for a first touch: afterwards every block is open, and
 * the records read the same. */
static void test_image_opened_rest(void **state)
{
    struct fixture *fx = *state;
    struct snapshot warm, image;
    struct reader want = { 0 }, got = { 0 };
    uint64_t open, blocks;

    open_new(fx);
    write_fixture(fx);
    add_many_persons(fx);
    load(fx, NULL, &warm); /* writes the image */
    want.s = &warm;
    read_all(&want);
    setenv("CHANCERY_SNAPSHOT_LAZY", "always", 1);
    load(fx, NULL, &image);
    unsetenv("CHANCERY_SNAPSHOT_LAZY");
    image_lazy_count(&open, &blocks);
    assert_true(blocks > 16);
    assert_true(open < blocks);
    store_image_open_rest();
    image_lazy_count(&open, &blocks);
    assert_int_equal(open, blocks);
    got.s = &image;
    read_all(&got);
    assert_true(got.sum == want.sum);
    snapshot_release(&image);
    image_lazy_count(&open, &blocks);
    assert_int_equal(blocks, 0);
    snapshot_release(&warm);
}

/* A damaged block that no read touched is found by opening the rest, with
 * the outcome of a touched one (here, having begun to write: exit 1). */
static void test_image_opened_rest_finds_damage(void **state)
{
    struct fixture *fx = *state;
    struct snapshot warm, image;
    char *path;
    FILE *f;
    pid_t pid;
    int status, c;

    open_new(fx);
    write_fixture(fx);
    add_many_persons(fx);
    load(fx, NULL, &warm); /* writes the image */
    snapshot_release(&warm);
    path = xasprintf("%s.snapshot", fx->path);
    f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 2 * 16384 + 8000, SEEK_SET), 0);
    c = fgetc(f);
    assert_int_equal(fseek(f, 2 * 16384 + 8000, SEEK_SET), 0);
    fputc(c ^ 0x40, f);
    assert_int_equal(fclose(f), 0);
    setenv("CHANCERY_SNAPSHOT_LAZY", "always", 1);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        load(fx, NULL, &image);
        cache_writing(); /* a damaged block: exit 1, no new start */
        store_image_open_rest();
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    unsetenv("CHANCERY_SNAPSHOT_LAZY");
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    assert_true(access(path, F_OK) != 0); /* removed, to be rebuilt */
    free(path);
}

/* Splits an untouched anonymous region into mappings of one page until
 * the process may have no more (vm.max_map_count). */
static void use_up_mappings(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 1 << 18;
    char *region = mmap(NULL, n * page, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (region == MAP_FAILED)
        _exit(5);
    for (size_t i = 1; i < n; i += 2)
        if (mprotect(region + i * page, page, PROT_READ))
            return;
    _exit(6); /* no limit met */
}

/* A lazily mapped image whose blocks, opened apart, would need more
 * mappings than the process may have is opened whole instead: the reads
 * go on (before, mprotect's ENOMEM was taken for a damaged block). */
static void test_image_past_the_mapping_limit(void **state)
{
    struct fixture *fx = *state;
    struct snapshot warm, image;
    struct reader want = { 0 }, got = { 0 };
    pid_t pid;
    int status;

    open_new(fx);
    write_fixture(fx);
    add_many_persons(fx);  /* an image of many blocks */
    load(fx, NULL, &warm); /* writes the image */
    want.s = &warm;
    read_all(&want);
    setenv("CHANCERY_SNAPSHOT_LAZY", "always", 1);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        load(fx, NULL, &image);
        cache_writing(); /* a damaged block: exit 1, no new start */
        use_up_mappings();
        got.s = &image;
        /* The last person first: a block apart from any open one. */
        (void)*(volatile const char *)snapshot_row(
            &image, ENT_PERSON, snapshot_count(&image, ENT_PERSON) - 1);
        read_all(&got);
        _exit(got.sum == want.sum ? 0 : 2);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    unsetenv("CHANCERY_SNAPSHOT_LAZY");
    snapshot_release(&warm);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* An image edited with its checksums recomputed passes the loader's checks
 * (they guard against accidents); `audit verify` compares it with the
 * tables and names the record that differs. */
static void test_forged_image_fails_audit(void **state)
{
    struct fixture *fx = *state;
    struct snapshot s;
    char *path, *data, *at;
    size_t n;
    FILE *f;
    int64_t records = 0;

    open_new(fx);
    write_fixture(fx);
    load(fx, NULL, &s);
    snapshot_release(&s);
    assert_int_equal(store_verify_image(fx->st, &records, &fx->e), ST_OK);
    assert_true(records > 0);

    path = xasprintf("%s.snapshot", fx->path);
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = (size_t)ftell(f);
    rewind(f);
    data = xmalloc(n);
    assert_int_equal(fread(data, 1, n, f), n);
    fclose(f);
    at = NULL;
    for (size_t i = 0; i + 11 <= n && !at; i++)
        if (!memcmp(data + i, "Switzerland", 11))
            at = data + i;
    /* cmocka's failing assertions are not declared noreturn: without the
     * return, clang-tidy's analyzer sees `at` dereferenced when NULL. */
    assert_non_null(at);
    if (!at) {
        free(data);
        free(path);
        return;
    }
    at[10] = 'x';
    image_seal(data, n);
    f = fopen(path, "wb");
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);

    assert_int_equal(store_verify_image(fx->st, &records, &fx->e), ST_INVALID);
    assert_non_null(
        strstr(fx->e.msg, "differs from the tables at state 'CHE'"));

    /* Without the resealing, the edit is caught by the checksum: the image
     * is not used and the audit says so. */
    at[10] = 'y';
    f = fopen(path, "wb");
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    assert_int_equal(store_verify_image(fx->st, &records, &fx->e), ST_OK);
    assert_int_equal(records, -1);
    free(data);
    free(path);
}

/* A snapshot loaded at one head of the change log follows it to the
 * next (store_follow): the records later change sets wrote, updates and
 * inserts, applied in memory, equal a fresh load, records and indexes,
 * and the head it now holds is the log's; a delete cannot be followed. */
static void test_follow(void **state)
{
    struct fixture *fx = *state;
    struct snapshot resident, fresh;
    struct change del = { OP_DELETE, ENT_DEPENDENT, 1, NULL };
    int64_t from, head = -1, seq;
    uint32_t first;

    open_new(fx);
    write_fixture(fx);
    load(fx, NULL, &resident);
    assert_int_equal(store_log_head(fx->st, DATE_NONE, &from, &fx->e), ST_OK);
    assert_int_equal(store_follow(fx->st, from, &resident, &head, &fx->e),
                     ST_OK);
    assert_int_equal(head, from); /* nothing to follow */

    end_t2(fx);
    first = add_row(&fx->s, ENT_PERSON, "P4,Orlov,Pavel,M,1970-01-01,RUS,");
    insert_range(fx, ENT_PERSON, first, first + 1);
    if (store_follow(fx->st, from, &resident, &head, &fx->e))
        fail_msg("store_follow: %s", fx->e.msg);
    assert_int_equal(store_log_head(fx->st, DATE_NONE, &seq, &fx->e), ST_OK);
    assert_int_equal(head, seq);
    assert_int_equal(head, from + 2);
    load(fx, NULL, &fresh);
    expect_same_records(&fresh, &resident);
    expect_same_indexes(&fresh, &resident);
    snapshot_release(&fresh);

    assert_int_equal(store_apply(fx->st, &fx->s, &del, 1, &META, &fx->e),
                     ST_OK);
    assert_int_equal(store_follow(fx->st, head, &resident, &head, &fx->e),
                     ST_ERROR);
    assert_non_null(strstr(fx->e.msg, "deleted"));
    snapshot_release(&resident);
}

/* The writer of the server submits a notification on the snapshot it
 * keeps and takes the payload's records back out of it (restore): a
 * termination's update is undone with its indexes record by record, and
 * the snapshot is then the registry as loaded afresh, the notification
 * included, records and indexes. */
static void test_submission_restored(void **state)
{
    static const char TERM[] = "{\"kind\":\"termination\",\"mission\":"
                               "\"M1\",\"posting\":\"T2\",\"ended\":"
                               "\"2021-12-31\",\"end_reason\":"
                               "\"tour_completed\"}";
    struct fixture *fx = *state;
    struct snapshot s, fresh;
    struct holidays h;
    struct notice_args a = {
        .file = "term.json", .text = TERM, .len = sizeof(TERM) - 1, .restore = 1
    };
    struct notice_outcome out;
    struct problems p;

    open_new(fx);
    write_fixture(fx);
    set_today("2021-06-01");
    a.today = day_of("2021-06-01");
    holidays_init(&h);
    a.holidays = &h;
    problems_init(&p);
    load(fx, NULL, &s);
    if (notice_submit(fx->st, &s, &a, &p, &out, &fx->e))
        fail_msg("notice_submit: %s", fx->e.msg);
    assert_int_equal(
        snap_posting(&s, snapshot_find(&s, ENT_POSTING, "T2"))->ended,
        DATE_NONE);
    load(fx, NULL, &fresh);
    assert_int_equal(snapshot_count(&fresh, ENT_NOTIFICATION), 1);
    expect_same_records(&fresh, &s);
    expect_same_indexes(&fresh, &s);
    problems_release(&p);
    holidays_release(&h);
    snapshot_release(&s);
    snapshot_release(&fresh);
}

/* Checks the tree the store keeps against itself: every entry's
 * inclusion proof verifies against the head's root, and so does the
 * consistency proof from the tree of *last entries. */
static void check_tree(struct fixture *fx, uint64_t *last)
{
    unsigned char root[STORE_TREE_HASH], old[STORE_TREE_HASH];
    unsigned char leaf[STORE_TREE_HASH], proof[MERKLE_PROOF_MAX][32];
    const unsigned char(*kept)[32] = (const unsigned char(*)[32])proof;
    uint64_t size;
    size_t n;

    if (store_tree_head(fx->st, &size, root, &fx->e) ||
        store_tree_root(fx->st, *last, old, &fx->e))
        fail_msg("tree head: %s", fx->e.msg);
    assert_int_equal(verify(fx), (int64_t)size);
    for (uint64_t seq = 1; seq <= size; seq++) {
        if (store_inclusion_proof(fx->st, (int64_t)seq, size, leaf, proof, &n,
                                  &fx->e))
            fail_msg("inclusion of %llu: %s", (unsigned long long)seq,
                     fx->e.msg);
        assert_true(
            merkle_verify_inclusion(leaf, seq - 1, size, kept, n, root));
    }
    if (store_consistency_proof(fx->st, *last, size, proof, &n, &fx->e))
        fail_msg("consistency: %s", fx->e.msg);
    assert_true(*last == 0 ||
                merkle_verify_consistency(*last, size, old, root, kept, n));
    *last = size;
}

/* The tree's leaves are kept 32 to a row (store/tlog.c): change sets that
 * end inside a chunk, fill one exactly, span several, and sets batched in
 * one transaction, each leave a tree that `audit verify` and the proofs
 * accept. */
static void test_tree_chunks(void **state)
{
    static const uint32_t SETS[] = { 1, 30, 1, 33, 64, 5, 26, 70 };
    struct fixture *fx = *state;
    char code[4];
    uint32_t at = 0, total = 0;
    uint64_t last = 0;

    for (size_t i = 0; i < sizeof(SETS) / sizeof(*SETS); i++)
        total += SETS[i];
    for (uint32_t i = 0; i < total + 40; i++) {
        snprintf(code, sizeof(code), "%c%c%c", 'A' + (int)(i / 676),
                 'A' + (int)(i / 26 % 26), 'A' + (int)(i % 26));
        add_state(&fx->s, code, "Some state");
    }
    open_new(fx);
    for (size_t i = 0; i < sizeof(SETS) / sizeof(*SETS); i++) {
        insert_range(fx, ENT_STATE, at, at + SETS[i]);
        at += SETS[i];
        check_tree(fx, &last);
    }
    /* Forty sets of one entry in a batch: one transaction, a chunk
     * filled and another begun across its sets. */
    if (store_batch_begin(fx->st, &fx->e))
        fail_msg("batch: %s", fx->e.msg);
    for (uint32_t i = 0; i < 40; i++, at++)
        insert_range(fx, ENT_STATE, at, at + 1);
    if (store_batch_end(fx->st, 1, &fx->e))
        fail_msg("batch: %s", fx->e.msg);
    check_tree(fx, &last);
    assert_int_equal(last % 32 != 0, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_rows_leave_no_hole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_submission_restored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_then_reopen, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_set_durable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_and_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_and_history, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_apply_writes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_as_known_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_in_place_scans_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_statements_prepared_on_use, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_image_crash_still_crashes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_image_read_by_threads, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_image_opened_rest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_image_opened_rest_finds_damage,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_past_the_mapping_limit,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorded_at, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_and_look_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_detects_tampering, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_counts_rows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_image_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_strings_by_mission, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bulk_checks_references, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_feed_checks_references, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stale_snapshot_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_forged_image_fails_audit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_change_set_applied_like_a_load,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename_not_folded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_image_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_mission_postings, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_image_mission_postings_damaged,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_tree_chunks, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
