/*
 * The read commands' compute-and-render steps (report/views.h), moved out
 * of cli/ so that the CLI and `chancery serve` call the same code and print
 * the same bytes. Counting and ordering are core's; this file groups rows
 * into grids and renders them.
 */
#include "report/views.h"

#include <assert.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/presence.h"
#include "core/roster.h"
#include "report/docket.h"
#include "report/parity_render.h"
#include "report/record.h"
#include "report/visastats_render.h"
#include "rules/check.h"
#include "rules/docket.h"
#include "rules/postview.h"

const struct view_scope VIEW_SCOPE_ALL = { NULL, NULL, 0 };

int view_mission_visible(const struct snapshot *s, const struct view_scope *vs,
                         uint32_t m)
{
    const struct mission *x = snap_mission(s, m);

    if (vs->mission)
        return !strcmp(x->id, vs->mission);
    return !vs->sending || !strcmp(x->sending, vs->sending);
}

/* 1 when record i of kind is within scope: a mission, or a posting or
 * dependent of one, of the scope's state or mission; a person with a
 * posting there. Other kinds (states, policies...) are public enough. */
static int record_visible(const struct snapshot *s, enum entity_kind kind,
                          uint32_t i, const struct view_scope *vs)
{
    if (!vs->sending && !vs->mission)
        return 1;
    if (kind == ENT_MISSION)
        return view_mission_visible(s, vs, i);
    if (kind == ENT_POSTING)
        return view_mission_visible(s, vs, snap_posting(s, i)->mission);
    if (kind == ENT_PERSON) {
        ADJ_FOR_EACH(s->postings_by_person, i, t)
        if (view_mission_visible(s, vs, snap_posting(s, t)->mission))
            return 1;
        return 0;
    }
    return 0;
}

void view_records_init(struct grid *g, const struct entity *ent)
{
    const char **names = xcalloc((size_t)ent->n_fields, sizeof(*names));

    for (int i = 0; i < ent->n_fields; i++)
        names[i] = ent->fields[i].type == FT_BOOL
                       ? xasprintf("%s:b", ent->fields[i].name)
                   : ent->fields[i].type == FT_INT
                       ? xasprintf("%s:n", ent->fields[i].name)
                       : xstrdup(ent->fields[i].name);
    grid_init(g, names, (size_t)ent->n_fields);
    for (int i = 0; i < ent->n_fields; i++)
        free((char *)names[i]);
    free(names);
}

static int withheld(const struct entity *ent, int k)
{
    return ent->kind == ENT_PERSON &&
           (!strcmp(ent->fields[k].name, "birth_date") ||
            !strcmp(ent->fields[k].name, "passport"));
}

void view_records_add(struct grid *g, const struct snapshot *s,
                      const struct entity *ent, uint32_t i,
                      const struct view_scope *vs)
{
    const void *rec = snapshot_row(s, ent->kind, i);
    char bufs[64][FIELD_BUF];
    const char *cells[64];

    if (ent->n_fields > 64)
        BUG("entity '%s' has too many fields", ent->name);
    for (int k = 0; k < ent->n_fields; k++)
        cells[k] = vs->withhold_personal && withheld(ent, k)
                       ? ""
                       : field_text(s, &ent->fields[k], rec, bufs[k]);
    grid_add_row(g, cells);
}

static int mission_matches(const struct mission *m,
                           const struct mission_filter *f)
{
    if (f->sending && strcmp(m->sending, f->sending))
        return 0;
    if (f->host && strcmp(m->host, f->host))
        return 0;
    if (f->country && strcmp(m->country, f->country))
        return 0;
    if (f->open_on == DATE_NONE)
        return 1;
    return (m->opened == DATE_NONE || m->opened <= f->open_on) &&
           (m->closed == DATE_NONE || f->open_on < m->closed);
}

void view_missions(const struct snapshot *s, const struct mission_filter *f,
                   const struct view_scope *vs, enum out_format fmt,
                   struct buf *b)
{
    const struct entity *ent = ENTITIES[ENT_MISSION];
    struct grid g;

    view_records_init(&g, ent);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_MISSION); i++)
        if (mission_matches(snap_mission(s, i), f) &&
            view_mission_visible(s, vs, i))
            view_records_add(&g, s, ent, i, vs);
    grid_render(&g, fmt, b);
    grid_release(&g);
}

enum status view_record(const struct snapshot *s, enum entity_kind kind,
                        const char *key, const struct view_scope *vs,
                        enum out_format fmt, struct buf *b, struct err *e)
{
    const struct entity *ent = ENTITIES[kind];
    uint32_t i = snapshot_find(s, kind, key);
    struct grid g;

    if (i == IDMAP_NONE || !record_visible(s, kind, i, vs))
        return err_set(e, ST_NOT_FOUND, "unknown %s '%s'", ent->name, key);
    view_records_init(&g, ent);
    view_records_add(&g, s, ent, i, vs);
    grid_render_record(&g, 0, fmt, b);
    grid_release(&g);
    return ST_OK;
}

/* --name matches a case-sensitive part of the family or given names. */
static int person_matches(const struct person *p, const char *nationality,
                          const char *name)
{
    if (nationality && strcmp(p->nationality, nationality) != 0)
        return 0;
    return !name || strstr(p->family_name, name) ||
           (p->given_names && strstr(p->given_names, name));
}

void view_persons(const struct snapshot *s, const char *nationality,
                  const char *name, const struct view_scope *vs,
                  enum out_format fmt, struct buf *b)
{
    const struct entity *ent = ENTITIES[ENT_PERSON];
    struct grid g;

    view_records_init(&g, ent);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_PERSON); i++)
        if (person_matches(snap_person(s, i), nationality, name) &&
            record_visible(s, ENT_PERSON, i, vs))
            view_records_add(&g, s, ent, i, vs);
    grid_render(&g, fmt, b);
    grid_release(&g);
}

/* The spouse present in posting ti's household on date, or "". */
static const char *spouse(const struct snapshot *s, uint32_t ti, int32_t date)
{
    ADJ_FOR_EACH(s->dependents_by_posting, ti, di)
    {
        const struct dependent *d = snap_dependent(s, di);

        if (d->relation == REL_SPOUSE &&
            (d->joined == DATE_NONE || d->joined <= date) &&
            (d->left == DATE_NONE || date < d->left))
            return snap_person(s, d->person)->family_name;
    }
    return "";
}

/* Posting ti, t, on mission m's roster on date. */
static void add_row(struct grid *g, const struct snapshot *s,
                    const struct posting *t, uint32_t ti, int32_t date,
                    int with_mission)
{
    const struct person *p = snap_person(s, t->person);
    char arrived[DATE_BUF];
    const char *row[9];
    const char **cells = row + !!with_mission;

    date_format(t->arrived, arrived);
    row[0] = snap_mission(s, t->mission)->id;
    cells[0] = t->id;
    cells[1] = p->family_name;
    cells[2] = p->given_names ? p->given_names : "";
    cells[3] = enum_name(&ENUM_RANK, t->rank);
    cells[4] = t->title ? t->title : "";
    cells[5] = enum_name(&ENUM_STAFF_CATEGORY, t->category);
    cells[6] = arrived;
    cells[7] = spouse(s, ti, date);
    grid_add_row(g, row);
}

static const char *const COLUMNS[] = {
    "mission", "posting",  "family_name", "given_names", "rank",
    "title",   "category", "arrived",     "spouse",
};

/* Adds mission m's roster on date to g. */
static void add_mission(struct grid *g, const struct snapshot *s, uint32_t m,
                        int32_t date, int with_mission)
{
    struct roster_entry *list =
        xmalloc((roster_capacity(s, m) + 1) * sizeof(*list));
    size_t n = roster_entries(s, m, date, list);

    for (size_t i = 0; i < n; i++)
        add_row(g, s, list[i].t, list[i].ti, date, with_mission);
    free(list);
}

static _Thread_local const struct snapshot *order_snapshot;

/* Embassies first, then by kind and id: the order of the Diplomatic List's
 * entries for one sending state. */
static int by_kind(const void *x, const void *y)
{
    const struct mission *a =
        snap_mission(order_snapshot, *(const uint32_t *)x);
    const struct mission *b =
        snap_mission(order_snapshot, *(const uint32_t *)y);

    if (a->kind != b->kind)
        return (a->kind > b->kind) - (a->kind < b->kind);
    return strcmp(a->id, b->id);
}

/* The missions of sending accredited to host and open on date. OUT: *n;
 * returns a new array the caller frees. */
static uint32_t *missions_to(const struct snapshot *s, const char *sending,
                             const char *host, int32_t date, size_t *n)
{
    struct mission_list ml = snapshot_missions_sent(s, sending);
    uint32_t *out = xcalloc(ml.n + 1, sizeof(*out));

    if (!host)
        BUG("a roster of missions without a host");
    *n = 0;
    for (size_t i = 0; i < ml.n; i++) {
        uint32_t m = mission_list_at(&ml, i);
        const struct mission *x = snap_mission(s, m);

        if (x->host && !strcmp(x->host, host) &&
            (x->opened == DATE_NONE || x->opened <= date) &&
            (x->closed == DATE_NONE || date < x->closed))
            out[(*n)++] = m;
    }
    order_snapshot = s;
    qsort(out, *n, sizeof(*out), by_kind);
    return out;
}

void view_roster(const struct snapshot *s, uint32_t m, int32_t date,
                 enum out_format fmt, struct buf *b)
{
    struct grid g;

    grid_init(&g, COLUMNS + 1, 8);
    add_mission(&g, s, m, date, 0);
    grid_render(&g, fmt, b);
    grid_release(&g);
}

void view_roster_missions(const struct snapshot *s, const char *sending,
                          const char *host, int32_t date, enum out_format fmt,
                          struct buf *b)
{
    struct grid g;
    uint32_t *ms;
    size_t n;

    ms = missions_to(s, sending, host, date, &n);
    grid_init(&g, COLUMNS, 9);
    for (size_t i = 0; i < n; i++)
        add_mission(&g, s, ms[i], date, 1);
    grid_render(&g, fmt, b);
    grid_release(&g);
    free(ms);
}

struct tally {
    char *key; /* "SENDING PLACE [CATEGORY]": the index key, the sort order */
    const char *cells[3]; /* sending, place, mission or category */
    uint32_t n;
};

struct tallies {
    struct tally *items;
    size_t n, alloc;
    struct idmap by_key;
};

static void tally_add(struct tallies *t, const char *const *cells, uint32_t n)
{
    char *key =
        xasprintf("%s %s %s", cells[0], cells[1], cells[2] ? cells[2] : "");
    uint32_t i = idmap_get(&t->by_key, key);

    if (i == IDMAP_NONE) {
        i = (uint32_t)t->n++;
        XGROW(t->items, t->n, t->alloc);
        memset(&t->items[i], 0, sizeof(t->items[i]));
        t->items[i].key = key;
        memcpy(t->items[i].cells, cells, 3 * sizeof(*cells));
        idmap_put(&t->by_key, key, i);
    } else {
        free(key);
        assert(i < t->n); /* the map only holds rows already added */
    }
    t->items[i].n += n;
}

static void tallies_release(struct tallies *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i].key);
    free(t->items);
    idmap_release(&t->by_key);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct tally *)a)->key,
                  ((const struct tally *)b)->key);
}

static void count_categories(const struct snapshot *s, uint32_t m,
                             const struct headcount_args *a, struct tallies *t,
                             const char *place)
{
    uint32_t per[CAT__COUNT] = { 0 };

    const struct posting *p;

    MISSION_POSTINGS_FOR_EACH(s, m, i, p)
    {
        if (scope_has_posting(&a->scope, p) && posting_present(p, a->date))
            per[p->category]++;
    }
    for (int c = 0; c < CAT__COUNT; c++) {
        const char *cells[3] = { snap_mission(s, m)->sending, place,
                                 enum_name(&ENUM_STAFF_CATEGORY, c) };

        if (per[c])
            tally_add(t, cells, per[c]);
    }
}

static void tally_missions(const struct snapshot *s,
                           const struct headcount_args *a, struct tallies *t)
{
    /* The sending state's missions alone when the scope names one: the
     * tallies are sorted after, so the order they are added in does not
     * matter. */
    struct mission_list sent = snapshot_missions_sent(s, a->scope.sending);

    for (size_t k = 0; k < sent.n; k++) {
        uint32_t m = mission_list_at(&sent, k);
        const struct mission *ms = snap_mission(s, m);
        const char *place = a->scope.country ? ms->country : ms->host;
        const char *cells[3] = { ms->sending, place, NULL };

        if (!scope_has_mission(&a->scope, ms))
            continue;
        if (a->by == BY_CATEGORY) {
            count_categories(s, m, a, t, place);
            continue;
        }
        if (a->by == BY_MISSION)
            cells[2] = ms->id;
        tally_add(t, cells, count_mission(s, m, &a->scope, a->date));
    }
}

static void render_tallies(const struct headcount_args *a, struct tallies *t,
                           enum out_format fmt, struct buf *b)
{
    const char *cols[4] = { "sending", a->scope.country ? "country" : "host",
                            a->by == BY_MISSION ? "mission" : "category",
                            "present:n" };
    int with_third = a->by != BY_PLACE;
    struct grid g;

    if (!with_third)
        cols[2] = cols[3];
    if (t->n) /* the map goes stale: it is not used again */
        qsort(t->items, t->n, sizeof(*t->items), by_key);
    grid_init(&g, cols, with_third ? 4 : 3);
    for (size_t i = 0; i < t->n; i++) {
        char n[16];
        const char *cells[4] = { t->items[i].cells[0], t->items[i].cells[1],
                                 t->items[i].cells[2], n };

        snprintf(n, sizeof(n), "%u", t->items[i].n);
        if (!with_third)
            cells[2] = n;
        grid_add_row(&g, cells);
    }
    grid_render(&g, fmt, b);
    grid_release(&g);
}

/*
 * The headcount of every pair as a table, the common question (62,000
 * rows on a million postings): the same bytes as tallies and a grid, at a
 * fraction of their cost. The codes of sending states and places are
 * numbered densely (an idmap lookup per code met, none when a mission's
 * code is the string met just before), the counts summed in a square of
 * code numbers, and the rows printed in the order of the codes' ranks,
 * which is the tallies' order ("SENDING PLACE ", strcmp) as long as every
 * code is printable ASCII above the space; otherwise, or for another
 * format, the general path runs.
 */
/* Codes of up to three capital letters (ISO 3166's, most organizations')
 * are numbered through a direct table, base 27, no hashing; others
 * through the idmap. */
#define SHORT_CODES (27 * 27 * 27)

struct codes {
    struct idmap map;
    uint32_t *short_code; /* SHORT_CODES slots: number + 1, 0 when none */
    const char **names;
    size_t n, alloc;
};

/* x's slot in short_code, or -1 when it is not a short code. */
static int short_slot(const char *x)
{
    int slot = 0, k = 0;

    for (; k < 3 && x[k]; k++) {
        if (x[k] < 'A' || x[k] > 'Z')
            return -1;
        slot = slot * 27 + (x[k] - 'A' + 1);
    }
    for (; k < 3; k++)
        slot *= 27;
    return x[k] ? -1 : slot;
}

static uint32_t code_new(struct codes *c, const char *x, int slot)
{
    uint32_t i = (uint32_t)c->n++;

    XGROW(c->names, c->n, c->alloc);
    c->names[i] = x;
    if (slot >= 0)
        c->short_code[slot] = i + 1;
    else
        idmap_put(&c->map, x, i);
    return i;
}

/* The number of code x, *last caching the string met last; IDMAP_NONE
 * when x cannot be printed as is. */
static uint32_t code_of(struct codes *c, const char *x, const char **last,
                        uint32_t *last_i)
{
    uint32_t i;
    int slot;

    if (!x)
        return IDMAP_NONE;
    if (x == *last)
        return *last_i;
    slot = short_slot(x);
    i = slot >= 0 ? c->short_code[slot] - 1 : idmap_get(&c->map, x);
    if (i == IDMAP_NONE) {
        for (const char *p = x; *p; p++)
            if ((unsigned char)*p <= ' ' || (unsigned char)*p > '~')
                return IDMAP_NONE;
        i = code_new(c, x, slot);
    }
    *last = x;
    *last_i = i;
    return i;
}

/* More codes than this (never in a registry of the world's states and
 * organizations) take the general path: the square would be too large. */
#define MAX_CODES 4096

static _Thread_local const char *const *rank_names;

static int by_name(const void *x, const void *y)
{
    return strcmp(rank_names[*(const uint32_t *)x],
                  rank_names[*(const uint32_t *)y]);
}

static size_t digits(uint32_t v)
{
    size_t d = 1;

    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

/* Appends s (n bytes) to line at *at, padded to w with spaces on the left
 * (right) or on the right. */
static void put(char *line, size_t *at, const char *s, size_t n, size_t w,
                int right)
{
    size_t fill = n < w ? w - n : 0;

    if (right) {
        memset(line + *at, ' ', fill);
        *at += fill;
    }
    memcpy(line + *at, s, n);
    *at += n;
    if (!right) {
        memset(line + *at, ' ', fill);
        *at += fill;
    }
}

/* Prints the pairs' counts: n[si * k + pi], seen[] marking the pairs a
 * mission is in, in the codes' order; the columns as wide as a grid's.
 * Each line is put together apart and added to b at once. */
static void print_pairs(const struct headcount_args *a, const struct codes *c,
                        const uint32_t *n, const unsigned char *seen,
                        struct buf *b)
{
    size_t k = c->n, *len = xcalloc(k + 1, sizeof(*len)), at;
    const char *place = a->scope.country ? "country" : "host";
    size_t w0 = strlen("sending"), w1 = strlen(place), wn = strlen("present");
    uint32_t *order = xcalloc(k + 1, sizeof(*order));
    char num[16], *line;

    for (size_t i = 0; i < k; i++) {
        order[i] = (uint32_t)i;
        len[i] = strlen(c->names[i]);
    }
    for (size_t i = 0; i < k * k; i++) {
        if (!seen[i])
            continue;
        w0 = len[i / k] > w0 ? len[i / k] : w0;
        w1 = len[i % k] > w1 ? len[i % k] : w1;
        wn = digits(n[i]) > wn ? digits(n[i]) : wn;
    }
    rank_names = c->names;
    qsort(order, k, sizeof(*order), by_name);
    line = xmalloc(w0 + w1 + wn + 8);
    at = 0;
    put(line, &at, "sending  ", 9, w0 + 2, 0);
    put(line, &at, place, strlen(place), w1, 0);
    put(line, &at, "  ", 2, 2, 0);
    put(line, &at, "present\n", 8, wn + 1, 1);
    if (buf_add(b, line, at))
        BUG("output too large");
    for (size_t x = 0; x < k; x++)
        for (size_t y = 0; y < k; y++) {
            size_t i = order[x] * k + order[y];
            char *end = num + sizeof(num) - 1;
            uint32_t v = n[i];

            if (!seen[i])
                continue;
            *end = '\n';
            do
                *--end = (char)('0' + v % 10);
            while (v /= 10);
            at = 0;
            put(line, &at, c->names[order[x]], len[order[x]], w0, 0);
            put(line, &at, "  ", 2, 2, 0);
            put(line, &at, c->names[order[y]], len[order[y]], w1, 0);
            put(line, &at, "  ", 2, 2, 0);
            put(line, &at, end, (size_t)(num + sizeof(num) - end), wn + 1, 1);
            if (buf_add(b, line, at))
                BUG("output too large");
        }
    free(line);
    free(order);
    free(len);
}

/* The every-pair table into b; 0 when done, 1 when the general path must
 * run (a code that is not plain ASCII, a mission with no place). */
static int pairs_table(const struct snapshot *s, const struct headcount_args *a,
                       struct buf *b)
{
    struct mission_list sent = snapshot_missions_sent(s, a->scope.sending);
    uint32_t *pair = xcalloc(2 * sent.n + 1, sizeof(*pair)), *n;
    uint32_t *count = xcalloc(sent.n + 1, sizeof(*count));
    const char *last[2] = { NULL, NULL };
    uint32_t last_i[2] = { 0, 0 };
    struct codes c = { { NULL, 0, 0 }, NULL, NULL, 0, 0 };
    unsigned char *seen;
    size_t used = 0;
    int rc = 0;

    idmap_init(&c.map);
    c.short_code = xcalloc(SHORT_CODES, sizeof(*c.short_code));
    for (size_t k = 0; k < sent.n && !rc; k++) {
        uint32_t m = mission_list_at(&sent, k);
        const struct mission *ms = snap_mission(s, m);

        if (!scope_has_mission(&a->scope, ms))
            continue;
        pair[2 * used] = code_of(&c, ms->sending, &last[0], &last_i[0]);
        pair[2 * used + 1] =
            code_of(&c, a->scope.country ? ms->country : ms->host, &last[1],
                    &last_i[1]);
        rc = pair[2 * used] == IDMAP_NONE || pair[2 * used + 1] == IDMAP_NONE ||
             c.n > MAX_CODES;
        count[used++] = count_mission(s, m, &a->scope, a->date);
    }
    if (!rc) {
        n = xcalloc(c.n * c.n + 1, sizeof(*n));
        seen = xcalloc(c.n * c.n + 1, 1);
        for (size_t i = 0; i < used; i++) {
            n[pair[2 * i] * c.n + pair[2 * i + 1]] += count[i];
            seen[pair[2 * i] * c.n + pair[2 * i + 1]] = 1;
        }
        print_pairs(a, &c, n, seen, b);
        free(n);
        free(seen);
    }
    idmap_release(&c.map);
    free(c.short_code);
    free(c.names);
    free(pair);
    free(count);
    return rc;
}

void view_headcount(const struct snapshot *s, const struct headcount_args *a,
                    enum out_format fmt, struct buf *b)
{
    struct tallies t = { NULL, 0, 0, { NULL, 0, 0 } };

    if (fmt == OUT_TABLE && a->by == BY_PLACE && !pairs_table(s, a, b))
        return;
    tally_missions(s, a, &t);
    render_tallies(a, &t, fmt, b);
    tallies_release(&t);
}

static const char *const WHERE_COLUMNS[] = {
    "issuing", "post", "city", "country", "status", "wait_days:n", "basis",
};

static const char *const BASIS[] = {
    "home post",
    "home post, not taking this service",
    "designated for this nationality",
    "any open post abroad (none designated)",
};

static void add_post_row(struct grid *g, const struct snapshot *s,
                         const struct where_row *w);

static void add_where_row(struct grid *g, const struct snapshot *s,
                          const struct where_row *w)
{
    const char *any[7] = { w->issuing,
                           "*",
                           "",
                           "",
                           "open",
                           "",
                           "any other post abroad (none designated)" };

    if (w->post == IDMAP_NONE) {
        grid_add_row(g, any);
        return;
    }
    add_post_row(g, s, w);
}

static void add_post_row(struct grid *g, const struct snapshot *s,
                         const struct where_row *w)
{
    const struct mission *m = snap_mission(s, w->post);
    const struct consular *c =
        w->row == IDMAP_NONE ? NULL : snap_consular(s, w->row);
    char wait[16] = "";
    const char *row[7] = {
        w->issuing,
        m->id,
        m->city ? m->city : "",
        m->country,
        c ? enum_name(&ENUM_CONSULAR_STATUS, c->status) : "open (no record)",
        wait,
        BASIS[w->basis],
    };

    if (c && c->wait_days != FIELD_INT_NONE)
        snprintf(wait, sizeof(wait), "%ld", (long)c->wait_days);
    grid_add_row(g, row);
}

void view_consular_where(const struct snapshot *s, const struct where_query *q,
                         enum out_format fmt, struct buf *b)
{
    struct where_answer a;
    struct grid g;

    consular_where(s, q, &a);
    grid_init(&g, WHERE_COLUMNS, 7);
    for (size_t i = 0; i < a.n; i++)
        add_where_row(&g, s, &a.rows[i]);
    grid_render(&g, fmt, b);
    grid_release(&g);
    where_answer_release(&a);
}

enum status view_person(const struct snapshot *s, const char *key,
                        int32_t as_of, const struct view_scope *vs,
                        enum out_format fmt, struct buf *b, struct err *e)
{
    const struct entity *ent = ENTITIES[ENT_PERSON];
    uint32_t i = snapshot_find(s, ENT_PERSON, key);
    struct grid g;

    if (i == IDMAP_NONE || !record_visible(s, ENT_PERSON, i, vs))
        return err_set(e, ST_NOT_FOUND, "unknown person '%s'", key);
    view_records_init(&g, ent);
    view_records_add(&g, s, ent, i, vs);
    person_view_render(b, fmt, s, &g, i, as_of);
    grid_release(&g);
    return ST_OK;
}

static int posting_matches(const struct posting *t,
                           const struct posting_filter *f)
{
    return (f->mission == IDMAP_NONE || t->mission == f->mission) &&
           (f->person == IDMAP_NONE || t->person == f->person) &&
           (f->present_on == DATE_NONE || posting_present(t, f->present_on));
}

static void add_posting(struct grid *g, const struct snapshot *s, uint32_t t,
                        const struct posting_filter *f,
                        const struct view_scope *vs)
{
    if (posting_matches(snap_posting(s, t), f) &&
        record_visible(s, ENT_POSTING, t, vs))
        view_records_add(g, s, ENTITIES[ENT_POSTING], t, vs);
}

void view_postings(const struct snapshot *s, const struct posting_filter *f,
                   const struct view_scope *vs, enum out_format fmt,
                   struct buf *b)
{
    const struct adjacency *by = f->mission != IDMAP_NONE
                                     ? &s->postings_by_mission
                                     : &s->postings_by_person;
    uint32_t owner = f->mission != IDMAP_NONE ? f->mission : f->person;
    struct grid g;

    view_records_init(&g, ENTITIES[ENT_POSTING]);
    if (owner == IDMAP_NONE) {
        for (uint32_t i = 0; i < snapshot_count(s, ENT_POSTING); i++)
            add_posting(&g, s, i, f, vs);
    } else {
        ADJ_FOR_EACH(*by, owner, t)
        add_posting(&g, s, t, f, vs);
    }
    grid_render(&g, fmt, b);
    grid_release(&g);
}

enum status view_posting(const struct snapshot *s, const char *key,
                         int32_t as_of, const struct holidays *h,
                         const struct view_scope *vs, enum out_format fmt,
                         struct buf *b, struct err *e)
{
    struct check_options o = { as_of, NULL, NULL, NULL, 0, h };
    uint32_t i = snapshot_find(s, ENT_POSTING, key);
    struct postview v;
    struct grid g;
    enum status rc;

    if (i == IDMAP_NONE || !record_visible(s, ENT_POSTING, i, vs))
        return err_set(e, ST_NOT_FOUND, "unknown posting '%s'", key);
    if ((rc = postview_build(s, i, &o, &v, e)))
        return rc;
    view_records_init(&g, ENTITIES[ENT_POSTING]);
    view_records_add(&g, s, ENTITIES[ENT_POSTING], i, vs);
    posting_view_render(b, fmt, s, &g, &v);
    grid_release(&g);
    postview_release(&v);
    return ST_OK;
}

#define MAX_PARITY_STEPS 100000

enum status view_two_states(const struct snapshot *s,
                            const char *const states[2], const char *what,
                            struct err *e)
{
    for (int k = 0; k < 2; k++) {
        if (!states[k] || snapshot_find(s, ENT_STATE, states[k]) == IDMAP_NONE)
            return err_set(e, ST_USAGE, "unknown state '%s'",
                           states[k] ? states[k] : "");
    }
    if (!strcmp(states[0], states[1]))
        return err_set(e, ST_USAGE, "%s needs two different states", what);
    return ST_OK;
}

/* The dates asked for: the series, or the one date. */
static enum status parity_dates_of(const struct parity_query *q,
                                   int32_t **dates, size_t *n, struct err *e)
{
    if (q->from == DATE_NONE) {
        *dates = xmalloc(sizeof(**dates));
        (*dates)[0] = q->as_of;
        *n = 1;
        return ST_OK;
    }
    if (parity_dates(q->from, q->to, q->step, MAX_PARITY_STEPS, dates, n, e))
        return e->status = ST_USAGE;
    return ST_OK;
}

enum status view_parity_compute(const struct snapshot *s,
                                const struct parity_query *q, int32_t **dates,
                                size_t *n, struct parity *p, struct err *e)
{
    *dates = NULL;
    *n = 0;
    if (view_two_states(s, q->o.states, "parity", e) ||
        parity_dates_of(q, dates, n, e) ||
        parity_compute(s, &q->o, *dates, *n, p, e))
        return e->status;
    return ST_OK;
}

void view_parity_render(const struct parity_query *q, const struct parity *p,
                        enum out_format fmt, struct buf *b)
{
    if (q->from == DATE_NONE)
        parity_render_date(&q->o, q->as_of, p, fmt, b);
    else
        parity_render_series(&q->o, p, fmt, b);
}

enum status view_parity(const struct snapshot *s, const struct parity_query *q,
                        enum out_format fmt, struct buf *b, struct err *e)
{
    struct parity p;
    int32_t *dates;
    size_t n;
    enum status rc;

    parity_init(&p);
    if (!(rc = view_parity_compute(s, q, &dates, &n, &p, e)))
        view_parity_render(q, &p, fmt, b);
    free(dates);
    parity_release(&p);
    return rc;
}

void view_visa_stats(const struct snapshot *s, const struct visa_query *q,
                     enum out_format fmt, struct buf *b)
{
    struct visa_stats st;

    visa_stats_compute(s, q, &st);
    visa_stats_render(&st, q->by, fmt, b);
    visa_stats_release(&st);
}

static enum status state_option(const struct snapshot *s, const char *option,
                                const char *text, struct err *e)
{
    if (text && snapshot_find(s, ENT_STATE, text) == IDMAP_NONE &&
        snapshot_find(s, ENT_ORGANIZATION, text) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "%s: unknown state '%s'", option, text);
    return ST_OK;
}

/* Checks q's options against s. OUT: *kind, the finding kind asked for
 * (-1: any). */
static enum status check_options_valid(const struct snapshot *s,
                                       const struct check_query *q, int *kind,
                                       struct err *e)
{
    *kind = -1;
    if (state_option(s, "--issuer", q->o.issuer, e) ||
        state_option(s, "--target", q->o.target, e))
        return ST_USAGE;
    if (q->kind &&
        (*kind = enum_from_name(&ENUM_FINDING_KIND, q->kind)) == ENUM_NONE)
        return err_set(e, ST_USAGE,
                       "--kind: '%s' is not over_tenure, departure_due, "
                       "over_cap, dependent_status, local_staff, "
                       "visa_overdue or ambiguous",
                       q->kind);
    if (q->policy && snapshot_find(s, ENT_POLICY, q->policy) == IDMAP_NONE)
        return err_set(e, ST_INVALID, "--policy: unknown policy '%s'",
                       q->policy);
    return ST_OK;
}

/* view_findings, terse (rules/finding.h) when the caller shows no chain. */
static enum status findings_of(const struct snapshot *s,
                               const struct check_query *q, int terse,
                               struct findings *f, struct err *e)
{
    int kind;

    findings_init(f);
    f->terse = terse;
    if (check_options_valid(s, q, &kind, e))
        return e->status;
    if (rules_check(s, &q->o, f, e)) {
        findings_release(f);
        findings_init(f);
        return e->status;
    }
    findings_keep(f, kind, q->policy);
    return ST_OK;
}

enum status view_findings(const struct snapshot *s, const struct check_query *q,
                          struct findings *f, struct err *e)
{
    return findings_of(s, q, 0, f, e);
}

/* The docket of findings f (sorted) in fmt. */
static void check_render(const struct check_query *q, const struct findings *f,
                         enum out_format fmt, struct buf *b)
{
    const struct docket_head h = {
        q->o.as_of, q->as_of_given, q->as_known_on, q->o.issuer,    q->o.target,
        q->kind,    q->policy,      q->o.assumed,   q->o.n_assumed,
    };
    struct docket d;

    docket_summarize(f, &d);
    docket_render(b, fmt, &h, f, &d);
    docket_release(&d);
}

enum status view_check_options(const struct snapshot *s,
                               const struct check_query *q, struct err *e)
{
    int kind;

    return check_options_valid(s, q, &kind, e);
}

enum status view_check_of(const struct snapshot *s, const struct check_query *q,
                          struct findings *f, enum out_format fmt,
                          struct buf *b, size_t *n_findings, struct err *e)
{
    int kind;

    *n_findings = 0;
    if (check_options_valid(s, q, &kind, e))
        return e->status;
    findings_keep(f, kind, q->policy);
    check_render(q, f, fmt, b);
    *n_findings = f->n;
    return ST_OK;
}

enum status view_check(const struct snapshot *s, const struct check_query *q,
                       enum out_format fmt, struct buf *b, size_t *n_findings,
                       struct err *e)
{
    struct findings f;

    *n_findings = 0;
    /* Only JSON carries the explain chains (report/docket.h). */
    if (findings_of(s, q, fmt != OUT_JSON, &f, e)) {
        findings_release(&f);
        return e->status;
    }
    check_render(q, &f, fmt, b);
    *n_findings = f.n;
    findings_release(&f);
    return ST_OK;
}
