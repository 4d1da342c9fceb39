/*
 * Building the Diplomatic List and the consular list (publish/dlist.h).
 *
 * One pass over the missions picks those accredited to the host and open on
 * the date; they are sorted by their sending state's short name (then by
 * kind, name and id, so that an embassy comes before a state's other
 * missions); each one's staff come from the roster order of core/roster.h,
 * filtered to the categories the list publishes. Sorting compares
 * precomputed keys, never the snapshot, so nothing here keeps state
 * between calls. Work is linear in the host's missions and their
 * postings, which is what keeps a list of 190 missions within milliseconds.
 */
#include "publish/dlist.h"

#include "base/date.h"
#include "base/xalloc.h"
#include "core/presence.h"
#include "core/roster.h"

/* A mission that may go on the list, with its sort keys. */
struct candidate {
    uint32_t mission;
    const char *state_name;
    const struct mission *m;
    int consular_section;
};

/* A head's precedence keys. */
struct head_key {
    int class;
    int no_credentials; /* 1 follows 0 */
    int32_t credentials;
    int32_t arrived;
    const char *id;
    uint32_t posting;
};

static int is_consular_post(int kind)
{
    return kind == MK_CONSULATE_GENERAL || kind == MK_CONSULATE ||
           kind == MK_VICE_CONSULATE || kind == MK_CONSULAR_AGENCY;
}

/* Open on date: opened by then, and not yet closed (the day it closes is
 * the first day it is not open, as for a posting's end). */
static int mission_open(const struct mission *m, int32_t date)
{
    return (m->opened == DATE_NONE || m->opened <= date) &&
           (m->closed == DATE_NONE || date < m->closed);
}

static int listed_category(enum dlist_kind kind, int category)
{
    if (kind == DLIST_DIPLOMATIC)
        return category == CAT_DIPLOMATIC_AGENT;
    return category == CAT_CONSULAR_OFFICER || category == CAT_HONORARY_CONSUL;
}

enum precedence_class precedence_class(enum dlist_kind kind, int rank)
{
    if (kind == DLIST_DIPLOMATIC)
        return rank == RANK_AMBASSADOR ? PREC_AMBASSADOR
               : rank == RANK_MINISTER ? PREC_MINISTER
                                       : PREC_CHARGE_D_AFFAIRES;
    return rank == RANK_CONSUL_GENERAL ? PREC_AMBASSADOR
           : rank == RANK_CONSUL       ? PREC_MINISTER
           : rank == RANK_VICE_CONSUL  ? PREC_CHARGE_D_AFFAIRES
                                       : PREC_OTHER;
}

const char *precedence_class_name(enum dlist_kind kind, enum precedence_class c)
{
    static const char *const diplomatic[] = { "ambassador", "minister",
                                              "charge_d_affaires",
                                              "charge_d_affaires" };
    static const char *const consular[] = { "consul_general", "consul",
                                            "vice_consul", "other" };

    return kind == DLIST_DIPLOMATIC ? diplomatic[c] : consular[c];
}

static struct head_key head_key(const struct snapshot *s, enum dlist_kind kind,
                                uint32_t i)
{
    const struct posting *t = snap_posting(s, i);
    struct head_key k;

    k.class = (int)precedence_class(kind, t->rank);
    k.no_credentials = t->credentials == DATE_NONE;
    k.credentials = t->credentials;
    k.arrived = t->arrived;
    k.id = t->id;
    k.posting = i;
    return k;
}

static int cmp_date(int32_t a, int32_t b)
{
    return (a > b) - (a < b);
}

static int cmp_head_keys(const void *pa, const void *pb)
{
    const struct head_key *a = pa, *b = pb;

    if (a->class != b->class)
        return a->class - b->class;
    if (a->no_credentials != b->no_credentials)
        return a->no_credentials - b->no_credentials;
    if (a->credentials != b->credentials)
        return cmp_date(a->credentials, b->credentials);
    if (a->arrived != b->arrived)
        return cmp_date(a->arrived, b->arrived);
    return strcmp(a->id, b->id);
}

int precedence_compare(const struct snapshot *s, enum dlist_kind kind,
                       uint32_t a, uint32_t b)
{
    struct head_key x = head_key(s, kind, a), y = head_key(s, kind, b);

    return cmp_head_keys(&x, &y);
}

/* The letter a byte of text sorts as, folding the accented Latin letters
 * of U+00C0..U+00FF (two UTF-8 bytes, C3 xx) to their base letter, so that
 * "C\xc3\xb4te d'Ivoire" sorts between "Costa Rica" and "Croatia" as a
 * printed list has it. OUT: *len, the bytes taken. */
static int sort_letter(const unsigned char *p, size_t *len)
{
    /* U+00C0..U+00FF, upper and lower case alike; 0 keeps the byte. */
    static const char fold[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTs"
                               "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

    *len = 1;
    if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
        *len = 2;
        return fold[p[1] - 0x80];
    }
    return p[0];
}

/* Compares names letter by letter, accents folded; ties byte by byte. */
static int name_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *y) {
        size_t nx, ny;
        int cx = sort_letter(x, &nx), cy = sort_letter(y, &ny);

        if (cx != cy)
            return cx - cy;
        x += nx;
        y += ny;
    }
    if (*x || *y)
        return *x ? 1 : -1;
    return strcmp(a, b);
}

static int cmp_candidates(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;
    int c = name_cmp(a->state_name, b->state_name);

    if (c)
        return c;
    if ((c = strcmp(a->m->sending, b->m->sending)))
        return c;
    if (a->m->kind != b->m->kind)
        return a->m->kind - b->m->kind;
    if ((c = strcmp(a->m->name, b->m->name)))
        return c;
    return strcmp(a->m->id, b->m->id);
}

/* The person of the spouse in posting i's household on date, or
 * IDMAP_NONE. */
static uint32_t spouse_on(const struct snapshot *s, uint32_t i, int32_t date)
{
    ADJ_FOR_EACH(s->dependents_by_posting, i, di)
    {
        const struct dependent *d = snap_dependent(s, di);

        if (d->relation == REL_SPOUSE &&
            (d->joined == DATE_NONE || d->joined <= date) &&
            (d->left == DATE_NONE || date < d->left))
            return d->person;
    }
    return IDMAP_NONE;
}

static const char *state_name(const struct snapshot *s, const char *code)
{
    uint32_t i = snapshot_find(s, ENT_STATE, code);

    return i == IDMAP_NONE ? code : snap_state(s, i)->name;
}

/* 1 when mission m has staff of the list's categories present on date. */
static int has_listed_staff(const struct snapshot *s, enum dlist_kind kind,
                            uint32_t m, int32_t date)
{
    ADJ_FOR_EACH(s->postings_by_mission, m, i)
    {
        const struct posting *t = snap_posting(s, i);

        if (listed_category(kind, t->category) && posting_present(t, date))
            return 1;
    }
    return 0;
}

/* The missions of the list, sorted. OUT: *n. */
static struct candidate *candidates(const struct snapshot *s,
                                    enum dlist_kind kind, const char *host,
                                    int32_t date, size_t *n)
{
    struct candidate *c = NULL;
    size_t alloc = 0;

    *n = 0;
    for (uint32_t i = 0; i < snapshot_count(s, ENT_MISSION); i++) {
        const struct mission *m = snap_mission(s, i);
        int section = 0;

        if (strcmp(m->host, host) || !mission_open(m, date))
            continue;
        if (kind == DLIST_DIPLOMATIC ? is_consular_post(m->kind)
                                     : !is_consular_post(m->kind)) {
            /* An embassy's consular section goes on the consular list
             * when it has consular officers. */
            if (kind == DLIST_DIPLOMATIC || m->kind != MK_EMBASSY ||
                !has_listed_staff(s, kind, i, date))
                continue;
            section = 1;
        }
        XGROW(c, *n + 1, alloc);
        c[*n].mission = i;
        c[*n].m = m;
        c[*n].state_name = state_name(s, m->sending);
        c[(*n)++].consular_section = section;
    }
    if (c) /* NULL when no mission is listed */
        qsort(c, *n, sizeof(*c), cmp_candidates);
    return c;
}

/* What building a list carries from one mission to the next. */
struct builder {
    struct dlist *l;
    const struct snapshot *s;
    uint32_t *scratch; /* room for the largest roster */
    struct head_key *keys;
    size_t keys_alloc, members_alloc;
};

/* Appends candidate c's listed staff on the list's date, and its heads to
 * b's keys. */
static void add_mission(struct builder *b, const struct candidate *c)
{
    struct dlist *l = b->l;
    size_t n = roster_build(b->s, c->mission, l->as_of, b->scratch);
    struct dlist_mission *dm = &l->missions[l->n_missions++];

    dm->mission = c->mission;
    dm->consular_section = c->consular_section;
    dm->first = l->n_members;
    for (size_t k = 0; k < n; k++) {
        uint32_t i = b->scratch[k];
        const struct posting *t = snap_posting(b->s, i);

        if (!listed_category(l->kind, t->category))
            continue;
        XGROW(l->members, l->n_members + 1, b->members_alloc);
        l->members[l->n_members].posting = i;
        l->members[l->n_members++].spouse = spouse_on(b->s, i, l->as_of);
        /* A consular section's head is the embassy's, not a head of post. */
        if (t->head_of_mission && !c->consular_section) {
            XGROW(b->keys, l->n_heads + 1, b->keys_alloc);
            b->keys[l->n_heads++] = head_key(b->s, l->kind, i);
        }
    }
    dm->n = l->n_members - dm->first;
}

/* Groups the list's missions by sending state (they are sorted so). */
static void group_states(struct dlist *l, const struct snapshot *s)
{
    l->states = xcalloc(l->n_missions + 1, sizeof(*l->states));
    for (size_t i = 0; i < l->n_missions; i++) {
        const struct mission *m = snap_mission(s, l->missions[i].mission);
        struct dlist_state *st = &l->states[l->n_states - 1];

        if (!l->n_states || strcmp(st->code, m->sending)) {
            st = &l->states[l->n_states++];
            st->code = m->sending;
            st->name = state_name(s, m->sending);
            st->first = i;
        }
        st->n++;
    }
}

static size_t max_roster(const struct snapshot *s, const struct candidate *c,
                         size_t n)
{
    size_t most = 0;

    for (size_t i = 0; i < n; i++) {
        size_t k = roster_capacity(s, c[i].mission);

        most = k > most ? k : most;
    }
    return most;
}

enum status dlist_build(const struct snapshot *s, enum dlist_kind kind,
                        const char *host, int32_t as_of, struct dlist *out,
                        struct err *e)
{
    struct builder b = { out, s, NULL, NULL, 0, 0 };
    struct candidate *cand;
    size_t n_cand;

    memset(out, 0, sizeof(*out));
    out->kind = kind;
    out->host = host;
    out->as_of = as_of;
    out->as_known_on = DATE_NONE;
    if (snapshot_find(s, ENT_STATE, host) == IDMAP_NONE &&
        snapshot_find(s, ENT_ORGANIZATION, host) == IDMAP_NONE)
        return err_set(e, ST_NOT_FOUND, "unknown host '%s'", host);
    cand = candidates(s, kind, host, as_of, &n_cand);
    out->missions = xcalloc(n_cand + 1, sizeof(*out->missions));
    b.scratch = xmalloc((max_roster(s, cand, n_cand) + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < n_cand; i++)
        add_mission(&b, &cand[i]);
    group_states(out, s);
    out->heads = xcalloc(out->n_heads + 1, sizeof(*out->heads));
    if (b.keys) { /* NULL when there is no head */
        qsort(b.keys, out->n_heads, sizeof(*b.keys), cmp_head_keys);
        for (size_t i = 0; i < out->n_heads; i++) {
            out->heads[i].posting = b.keys[i].posting;
            out->heads[i].class = (enum precedence_class)b.keys[i].class;
        }
        free(b.keys);
    }
    free(b.scratch);
    free(cand);
    return ST_OK;
}

void dlist_release(struct dlist *l)
{
    free(l->states);
    free(l->missions);
    free(l->members);
    free(l->heads);
    memset(l, 0, sizeof(*l));
}
