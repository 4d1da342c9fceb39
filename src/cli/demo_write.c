/*
 * Writing the demo's replay (cli/demo_replay.h): the planned events day by
 * day, each day's records as one change set and each notification's
 * submission or decision as one of its own under the actor who made it
 * (DESIGN.md, "Actors"), all in one batch so the demo is recorded whole or
 * not at all. Apart from the planning (cli/demo.c) because this part
 * alone talks to the store.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/demo_replay.h"

/* An accepted notification names the change set its decision is in:
 * the one about to be written, whose first entry follows the log's head
 * (the demo writes alone: the store refuses a write that raced another). */
static void accepted_in(struct snapshot *s, uint32_t i, struct store *st)
{
    struct notification *n = snapshot_row(s, ENT_NOTIFICATION, i);

    if (n->state == NS_ACCEPTED)
        n->change_set = (int32_t)(store_known_head(st) + 1);
}

/* The posting a notification's payload names (an appointment's
 * posting object, a termination's id), or IDMAP_NONE. */
static uint32_t payload_posting(const struct snapshot *s,
                                const struct notification *n)
{
    json_t *p = n->payload ? json_loads(n->payload, 0, NULL) : NULL;
    json_t *t = json_object_get(p, "posting");
    const char *id =
        json_string_value(json_is_object(t) ? json_object_get(t, "id") : t);
    uint32_t i = id ? snapshot_find(s, ENT_POSTING, id) : IDMAP_NONE;

    json_decref(p);
    return i;
}

/* Which change set of its day event i goes in: the notification event
 * (an index into the day) whose change set it is, or SIZE_MAX for the
 * day's own. A notification's event is its own; an update of a posting
 * an accepted notification names on its day of decision joins that
 * notification's (accepting it wrote the posting's new dates). */
static void owners(const struct replay *r, size_t from, size_t to,
                   size_t *owner)
{
    for (size_t i = from; i < to; i++)
        owner[i - from] =
            r->events[i].kind == ENT_NOTIFICATION ? i - from : SIZE_MAX;
    for (size_t i = from; i < to; i++) {
        const struct event *x = &r->events[i];
        const struct notification *n;
        uint32_t t;

        if (x->kind != ENT_NOTIFICATION || !x->update)
            continue;
        n = replay_final(r, ENT_NOTIFICATION, x->index);
        if (n->state != NS_ACCEPTED ||
            (t = payload_posting(r->s, n)) == IDMAP_NONE)
            continue;
        for (size_t j = from; j < to; j++)
            if (r->events[j].kind == ENT_POSTING && r->events[j].update &&
                r->events[j].index == t && owner[j - from] == SIZE_MAX)
                owner[j - from] = i - from;
    }
}

/* Who records notification event x, and why: the embassy that submitted
 * it, or the office that decided it (DESIGN.md, "Actors"). */
static void notification_meta(const struct replay *r, const struct event *x,
                              struct change_meta *meta, char *reason,
                              size_t size)
{
    const struct notification *n =
        snapshot_row(r->s, ENT_NOTIFICATION, x->index);
    int decided = n->state != NS_SUBMITTED;

    meta->actor = decided ? n->decided_by : n->submitted_by;
    snprintf(reason, size, "notification %s %s", n->id,
             decided ? enum_name(&ENUM_NOTIFICATION_STATE, n->state)
                     : "submitted");
    meta->reason = reason;
}

/* Writes the events of the day [from, to) whose owner is g (owners()) as
 * one change set recorded at at; the notification's last, so that an
 * accepted one names this change set. */
static enum status write_set(struct replay *r, struct store *st, size_t from,
                             size_t to, const size_t *owner, size_t g,
                             char *befores, struct change *changes,
                             const char *at, struct err *e)
{
    struct change_meta meta = { NULL, "demo" };
    char reason[96];
    size_t n = 0;

    for (size_t i = from; i < to; i++) {
        const struct event *x = &r->events[i];
        char *before = befores + (i - from) * r->max_size;

        if (owner[i - from] != g || (g != SIZE_MAX && i - from == g))
            continue;
        changes[n++] =
            (struct change){ x->update ? OP_UPDATE : OP_INSERT, x->kind,
                             x->index, x->update ? before : NULL };
        if (x->update) {
            memcpy(before, snapshot_row(r->s, x->kind, x->index),
                   ENTITIES[x->kind]->size);
            replay_learn(r, x->kind, x->index, x->day);
        }
    }
    if (g != SIZE_MAX) {
        const struct event *x = &r->events[from + g];
        char *before = befores + g * r->max_size;

        changes[n++] =
            (struct change){ x->update ? OP_UPDATE : OP_INSERT, x->kind,
                             x->index, x->update ? before : NULL };
        if (x->update) {
            memcpy(before, snapshot_row(r->s, x->kind, x->index),
                   ENTITIES[x->kind]->size);
            replay_learn(r, x->kind, x->index, x->day);
        }
        accepted_in(r->s, x->index, st);
        notification_meta(r, x, &meta, reason, sizeof(reason));
    }
    if (!n)
        return ST_OK;
    return store_apply_at(st, r->s, changes, n, &meta, at, e);
}

/* Writes the events of one day, [from, to): the day's records as one
 * change set, then each notification's submission or decision as one of
 * its own, under the actor who made it. *n_sets counts them. */
static enum status write_day(struct replay *r, struct store *st, size_t from,
                             size_t to, char *befores, size_t *n_sets,
                             struct err *e)
{
    struct change *changes = xcalloc(to - from, sizeof(*changes));
    size_t *owner = xcalloc(to - from, sizeof(*owner));
    char at[40], day[DATE_BUF];
    enum status rc;

    date_format(r->events[from].day, day);
    snprintf(at, sizeof(at), "%sT00:00:00Z", day);
    if (strcmp(at, r->floor_at) < 0)
        snprintf(at, sizeof(at), "%s", r->floor_at);
    owners(r, from, to, owner);
    rc = write_set(r, st, from, to, owner, SIZE_MAX, befores, changes, at, e);
    for (size_t i = from; !rc && i < to; i++)
        if (r->events[i].kind == ENT_NOTIFICATION) {
            rc = write_set(r, st, from, to, owner, i - from, befores, changes,
                           at, e);
            ++*n_sets;
        }
    ++*n_sets;
    free(owner);
    free(changes);
    return rc;
}

/* Writes the events day by day. */
static enum status write_days(struct replay *r, struct store *st,
                              size_t *n_sets, struct err *e)
{
    char *befores = NULL;
    size_t alloc = 0;
    enum status rc = ST_OK;

    *n_sets = 0;
    for (size_t from = 0, to; !rc && from < r->n_events; from = to) {
        for (to = from;
             to < r->n_events && r->events[to].day == r->events[from].day; to++)
            ;
        XGROW(befores, (to - from) * r->max_size, alloc);
        rc = write_day(r, st, from, to, befores, n_sets, e);
    }
    free(befores);
    return rc;
}

/* Writes the days as one batch (store_batch_begin): the demo's thousands
 * of small change sets then cost one transaction's writes, not one each,
 * and the demo is recorded whole or not at all. Returns an exit code. */
int replay_write(struct replay *r, struct store *st, size_t *n_sets)
{
    struct err e;
    enum status rc = store_batch_begin(st, &e);

    if (!rc) {
        rc = write_days(r, st, n_sets, &e);
        if (rc)
            store_batch_end(st, 0, NULL);
        else
            rc = store_batch_end(st, 1, &e);
    }
    return rc ? cli_fail(&e) : 0;
}
