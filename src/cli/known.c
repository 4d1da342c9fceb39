/*
 * Checking the ids and codes a command line names against the registry,
 * and suggesting the closest known ones when one is unknown: a match that
 * differs only in case first ("rus" -> RUS), then the keys that start with
 * the text ("RU" -> RUS), then those within a small edit distance. A typo
 * should cost the user one look at the message, not a silent empty table.
 * Only the closest (up to three tied) are named.
 * Conditions have no table of their own: they are the `unless` names of
 * the recorded policies, so an unknown one lists all of them.
 */
#include <ctype.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "cli/opts.h"
#include "core/snapshot.h"

#define N_SUGGEST 3
#define KEY_MAX   256 /* longer keys are never suggested */

struct suggest {
    const char *text;
    char best[N_SUGGEST][KEY_MAX];
    int score[N_SUGGEST];
    int n;
};

static const char *const NOUNS[] = {
    "", "state", "mission", "person", "posting", "policy", "visa", "condition"
};

static int lower(int c)
{
    return tolower((unsigned char)c);
}

/* Case-insensitive Levenshtein distance; 99 for keys too long to suggest. */
static int distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    int row[KEY_MAX];

    if (na >= KEY_MAX || nb >= KEY_MAX)
        return 99;
    for (size_t j = 0; j <= nb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        int diag = row[0];

        row[0] = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int up = row[j];
            int cost = lower(a[i - 1]) != lower(b[j - 1]);
            int best = diag + cost;

            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

static int starts_with(const char *key, const char *text)
{
    size_t n = strlen(text);

    if (!n || strlen(key) <= n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(key[i]) != lower(text[i]))
            return 0;
    return 1;
}

/* How close key is to the text (lower is closer), or -1 for too far: twice
 * the edit distance, less one when the key starts with the text, so that
 * "RU" is RUS before NRU. */
static int score(const char *key, const char *text)
{
    int d = distance(key, text);
    int most = strlen(text) <= 3 ? 1 : (int)strlen(text) / 3 + 1;

    if (d > most)
        return -1;
    return 2 * d - (d > 0 && starts_with(key, text));
}

static void consider(struct suggest *sg, const char *key)
{
    int sc = score(key, sg->text), at;

    if (sc < 0)
        return;
    for (at = 0; at < sg->n; at++)
        if (!strcmp(sg->best[at], key))
            return;
    for (at = sg->n; at > 0 && sg->score[at - 1] > sc; at--)
        ;
    if (at >= N_SUGGEST)
        return;
    if (sg->n < N_SUGGEST)
        sg->n++;
    memmove(sg->best[at + 1], sg->best[at],
            (size_t)(sg->n - 1 - at) * sizeof(sg->best[0]));
    memmove(&sg->score[at + 1], &sg->score[at],
            (size_t)(sg->n - 1 - at) * sizeof(sg->score[0]));
    snprintf(sg->best[at], KEY_MAX, "%s", key);
    sg->score[at] = sc;
}

static void consider_kind(struct suggest *sg, const struct snapshot *s,
                          enum entity_kind kind)
{
    char buf[KEY_MAX];

    for (uint32_t i = 0; i < snapshot_count(s, kind); i++)
        consider(sg, record_key(s, ENTITIES[kind], snapshot_row(s, kind, i),
                                buf, sizeof(buf)));
}

/* Appends " (did you mean A, B or C?)" for the closest of sg, if any. */
static void name_closest(struct suggest *sg, struct buf *b)
{
    while (sg->n > 1 && sg->score[sg->n - 1] > sg->score[0])
        sg->n--; /* only the closest: "RU" is RUS, not also NRU */
    for (int i = 0; i < sg->n; i++)
        buf_addf(b, "%s%s",
                 i == 0           ? " (did you mean "
                 : i + 1 == sg->n ? " or "
                                  : ", ",
                 sg->best[i]);
    if (sg->n)
        buf_addstr(b, "?)");
}

void opts_closest(const char *text, const char *const *keys, size_t n,
                  struct buf *b)
{
    struct suggest sg = { .text = text };

    for (size_t i = 0; i < n; i++)
        consider(&sg, keys[i]);
    name_closest(&sg, b);
}

static const enum entity_kind REF_KIND[] = { ENT__COUNT,  ENT_STATE,
                                             ENT_MISSION, ENT_PERSON,
                                             ENT_POSTING, ENT_POLICY,
                                             ENT_VISA,    ENT__COUNT };

static int is_known(const struct snapshot *s, enum opt_ref ref,
                    const char *text)
{
    if (ref == REF_STATE)
        return snapshot_find(s, ENT_STATE, text) != IDMAP_NONE ||
               snapshot_find(s, ENT_ORGANIZATION, text) != IDMAP_NONE;
    if (ref == REF_CONDITION) {
        for (uint32_t i = 0; i < snapshot_count(s, ENT_POLICY); i++) {
            const struct policy *p = snapshot_row(s, ENT_POLICY, i);

            if (p->unless && !strcmp(p->unless, text))
                return 1;
        }
        return 0;
    }
    return snapshot_find(s, REF_KIND[ref], text) != IDMAP_NONE;
}

void opts_conditions(const struct snapshot *s, struct buf *b)
{
    size_t start = b->len;

    for (uint32_t i = 0; i < snapshot_count(s, ENT_POLICY); i++) {
        const struct policy *p = snapshot_row(s, ENT_POLICY, i);
        int seen = 0;

        if (!p->unless)
            continue;
        for (uint32_t j = 0; j < i && !seen; j++) {
            const struct policy *q = snapshot_row(s, ENT_POLICY, j);

            seen = q->unless && !strcmp(q->unless, p->unless);
        }
        if (!seen)
            buf_addf(b, "%s%s", b->len > start ? ", " : "", p->unless);
    }
    if (b->len == start)
        buf_addstr(b, "none");
}

static void describe_suggestions(const struct snapshot *s, enum opt_ref ref,
                                 enum entity_kind kind, const char *text,
                                 struct buf *b)
{
    struct suggest sg = { .text = text };

    if (ref == REF_CONDITION) {
        buf_addstr(b, " (conditions named by policies: ");
        opts_conditions(s, b);
        buf_addch(b, ')');
        return;
    }
    consider_kind(&sg, s, kind);
    if (ref == REF_STATE)
        consider_kind(&sg, s, ENT_ORGANIZATION);
    name_closest(&sg, b);
}

static enum status unknown(const struct snapshot *s, enum opt_ref ref,
                           enum entity_kind kind, const char *option,
                           const char *text, struct err *e)
{
    struct buf b;
    enum status rc;

    buf_init(&b, ERR_MSG_MAX);
    if (option)
        buf_addf(&b, "%s: ", option);
    buf_addf(&b, "unknown %s '%s'", ref ? NOUNS[ref] : ENTITIES[kind]->name,
             text);
    describe_suggestions(s, ref, kind, text, &b);
    rc = err_set(e, ST_INVALID, "%s", b.data);
    buf_release(&b);
    return rc;
}

enum status opts_known(const struct snapshot *s, enum opt_ref ref,
                       const char *option, const char *text, struct err *e)
{
    if (ref == REF_NONE || !text || is_known(s, ref, text))
        return ST_OK;
    return unknown(s, ref, REF_KIND[ref], option, text, e);
}

enum status opts_known_record(const struct snapshot *s, enum entity_kind kind,
                              const char *option, const char *text,
                              struct err *e)
{
    if (!text || snapshot_find(s, kind, text) != IDMAP_NONE)
        return ST_OK;
    return unknown(s, REF_NONE, kind, option, text, e);
}

static enum status check_option(const struct opt *o, const void *args,
                                const char *text, const struct snapshot *s,
                                struct err *e)
{
    char name[64];
    const char *p;

    snprintf(name, sizeof(name), "--%s", o->name);
    if (!args || o->kind == OPT_TEXT)
        return opts_known(
            s, o->ref, name,
            args ? *(const char *const *)(const void *)((const char *)args +
                                                        o->offset)
                 : text,
            e);
    if (o->kind != OPT_LIST)
        return ST_OK;
    p = (const char *)args + o->offset;
    for (int i = 0; i < ((const struct opt_list *)(const void *)p)->n; i++)
        if (opts_known(s, o->ref, name,
                       ((const struct opt_list *)(const void *)p)->v[i], e))
            return e->status;
    return ST_OK;
}

enum status opts_check(const struct cmd_spec *c, const void *args,
                       const char **text, const struct opts_rest *rest,
                       const struct snapshot *s, struct err *e)
{
    for (int i = 0; c->opts && c->opts[i].name; i++)
        if (c->opts[i].ref &&
            check_option(&c->opts[i], args, text ? text[i] : NULL, s, e))
            return e->status;
    for (int i = 0; rest && i < rest->n && i < 2; i++)
        if (opts_known(s, c->operand_refs[i], NULL, rest->v[i], e))
            return e->status;
    return ST_OK;
}
