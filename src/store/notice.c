/*
 * Submitting and deciding notifications (store/notice.h): the steps the
 * `notify` and `notification` commands and the server's write routes
 * share. Accepting writes the notification's records (rules/notify.h,
 * recomputed on the registry as it is now, warnings included) and its new
 * state in one change set whose reason names the notification; the store
 * refuses a write on a snapshot older than the change log's head, so two
 * officers deciding at once never both write. The messages are those the
 * commands have always printed.
 */
#include "store/notice.h"

#include <jansson.h>
#include <string.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "core/apply.h"
#include "core/enums.h"
#include "rules/notify.h"

static const char *actor_of(const struct store *st, const struct notice_args *a)
{
    return a->actor && *a->actor ? a->actor : store_actor(st);
}

/* The notification record of a draft d, submitted now by the actor. */
static enum status fill(struct snapshot *s, const char *actor,
                        const struct notify_draft *d, const struct findings *w,
                        struct notification *n, struct err *e)
{
    char now[TIMESTAMP_BUF];
    char *warnings;

    if (clock_timestamp(now, e))
        return e->status;
    warnings = notify_warnings_json(w);
    n->kind = d->kind;
    n->mission = d->mission;
    n->payload = arena_strdup(&s->strings, d->payload);
    n->replaces = d->replaces;
    n->justification = d->justification;
    n->submitted_by = arena_strdup(&s->strings, actor);
    n->submitted_at = arena_strdup(&s->strings, now);
    n->state = NS_SUBMITTED;
    n->warnings = arena_strdup(&s->strings, warnings);
    n->decided_by = n->decided_at = n->grounds = NULL;
    n->change_set = FIELD_INT_NONE;
    free(warnings);
    return ST_OK;
}

/* Writes the notification of draft d: a new one, or returned
 * notification a->id submitted again (an update: the change log keeps
 * what it was). */
static enum status write_notification(struct store *st, struct snapshot *s,
                                      const struct notice_args *a,
                                      const struct notify_draft *d,
                                      const struct findings *w,
                                      struct notice_outcome *out, struct err *e)
{
    struct notification n, before;
    struct change ch = { OP_INSERT, ENT_NOTIFICATION, 0, NULL };
    struct change_meta meta = { a->actor, NULL };
    char reason[96], next[16];

    if (a->id) {
        ch.op = OP_UPDATE;
        ch.index = snapshot_find(s, ENT_NOTIFICATION, a->id);
        before =
            *(struct notification *)snapshot_row(s, ENT_NOTIFICATION, ch.index);
        ch.before = &before;
        n = before;
    } else {
        notify_next_id(s, next);
        n.id = arena_strdup(&s->strings, next);
    }
    if (fill(s, actor_of(st, a), d, w, &n, e))
        return e->status;
    if (a->id)
        *(struct notification *)snapshot_row(s, ENT_NOTIFICATION, ch.index) = n;
    else if (snapshot_add(s, ENT_NOTIFICATION, &n, &ch.index, e))
        return e->status;
    snprintf(reason, sizeof(reason), "notification %s %s", n.id,
             a->id ? "resubmitted" : "submitted");
    meta.reason = reason;
    if (store_apply(st, s, &ch, 1, &meta, e))
        return e->status;
    out->index = ch.index;
    out->n_changes = 1;
    return ST_OK;
}

/* ST_INVALID with the count of p's problems, when it has any. */
static enum status problems_status(const struct problems *p, struct err *e)
{
    if (!p->n_total)
        return ST_OK;
    return err_set(e, ST_INVALID, "%zu error%s: nothing was written",
                   p->n_total, p->n_total == 1 ? "" : "s");
}

/* Refuses to resubmit a notification that is not returned. */
static enum status resubmittable(const struct snapshot *s, const char *id,
                                 struct notice_outcome *out, struct err *e)
{
    uint32_t i = snapshot_find(s, ENT_NOTIFICATION, id);
    const struct notification *n;

    if (i == IDMAP_NONE)
        return err_set(e, ST_INVALID, "unknown notification '%s'", id);
    n = snapshot_row(s, ENT_NOTIFICATION, i);
    if (n->state == NS_RETURNED)
        return ST_OK;
    out->conflict = 1;
    return err_set(e, ST_ERROR,
                   "notification '%s' is %s: only a returned one can be "
                   "resubmitted",
                   id, enum_name(&ENUM_NOTIFICATION_STATE, n->state));
}

/* Gives update c its earlier image back, and the indexes with it: the
 * record is reindexed from the draft's image (core/apply.h), nothing is
 * rebuilt. */
static void undo_update(struct snapshot *s, const struct notify_change *c)
{
    const struct entity *ent = ENTITIES[c->entity];
    void *row = snapshot_row(s, c->entity, c->index),
         *draft = xmalloc(ent->size);
    struct snapshot_change sc = { c->entity, c->index, draft };

    memcpy(draft, row, ent->size);
    memcpy(row, c->before, ent->size);
    snapshot_reindex(s, &sc, 1);
    free(draft);
}

/* Takes the draft's records back out of s, last first: an update gets
 * its earlier image back, an insert (the last row of its table by then)
 * leaves the table and its key index. A draft of updates alone (a
 * termination, an arrival) keeps the indexes record by record; one that
 * inserted records (which no index takes out) indexes s again. */
static void undo_draft(struct snapshot *s, const struct notify_draft *d)
{
    int inserted = 0;

    for (size_t i = 0; i < d->n_changes; i++)
        inserted |= !d->changes[i].update;
    for (size_t i = d->n_changes; i-- > 0;) {
        const struct notify_change *c = &d->changes[i];
        const struct entity *ent = ENTITIES[c->entity];
        struct record_table *t = &s->tables[c->entity];
        void *row = snapshot_row(s, c->entity, c->index);
        char buf[256];

        if (c->update && !inserted) {
            undo_update(s, c);
            continue;
        }
        if (c->update) {
            memcpy(row, c->before, ent->size);
            continue;
        }
        if (c->index + 1 != t->n)
            BUG("notification record %u is not the last of %zu", c->index,
                t->n);
        idmap_remove(&t->by_key, record_key(s, ent, row, buf, sizeof(buf)));
        t->n--;
    }
    if (inserted) {
        snapshot_touch(s);
        snapshot_index(s);
    }
}

enum status notice_submit(struct store *st, struct snapshot *s,
                          const struct notice_args *a, struct problems *p,
                          struct notice_outcome *out, struct err *e)
{
    struct notify_draft d;
    struct findings w;
    enum status rc;

    out->conflict = 0;
    if (a->id && resubmittable(s, a->id, out, e))
        return e->status;
    notify_draft_init(&d);
    findings_init(&w);
    rc = notify_prepare(s, a->file, a->text, a->len, a->today, a->holidays, &d,
                        &w, p, e);
    if (!rc)
        rc = problems_status(p, e);
    if (!rc)
        rc = write_notification(st, s, a, &d, &w, out, e);
    if (!rc && a->restore)
        undo_draft(s, &d);
    findings_release(&w);
    notify_draft_release(&d);
    return rc;
}

enum status notice_preview(struct snapshot *s, const struct notice_args *a,
                           struct findings *w, struct problems *p,
                           int *restored, struct err *e)
{
    struct notify_draft d;
    enum status rc;

    *restored = 0;
    notify_draft_init(&d);
    rc = notify_prepare(s, a->file, a->text, a->len, a->today, a->holidays, &d,
                        w, p, e);
    if (!rc)
        rc = problems_status(p, e);
    if (!rc) {
        undo_draft(s, &d);
        *restored = 1;
    }
    notify_draft_release(&d);
    return rc;
}

/* A decision being written: the changes of the records, then the
 * notification's own update. */
struct decision {
    struct store *st;
    struct snapshot *s;
    const struct notice_args *a;
    uint32_t index;
    struct notification before;
    struct change *changes;
    size_t n;
};

/* Refuses a decision on a notification no longer submitted. */
static enum status decidable(const struct notification *n, int withdrawing,
                             struct notice_outcome *out, struct err *e)
{
    if (n->state == NS_SUBMITTED || (withdrawing && n->state == NS_RETURNED))
        return ST_OK;
    out->conflict = 1;
    return err_set(e, ST_ERROR,
                   "notification '%s' already decided: %s by %s "
                   "at %s",
                   n->id, enum_name(&ENUM_NOTIFICATION_STATE, n->state),
                   n->decided_by ? n->decided_by : "?",
                   n->decided_at ? n->decided_at : "?");
}

/* The past participle that names a decision in the change log. */
static const char *verb_of(int state)
{
    switch (state) {
    case NS_ACCEPTED:
        return "accepted";
    case NS_REFUSED:
        return "refused";
    case NS_RETURNED:
        return "returned";
    default:
        return "withdrawn";
    }
}

/* Writes the notification's new state (and d's record changes). */
static enum status write_decision(struct decision *d,
                                  struct notice_outcome *out, struct err *e)
{
    struct notification *n = snapshot_row(d->s, ENT_NOTIFICATION, d->index);
    char now[TIMESTAMP_BUF], reason[96];
    struct change_meta meta = { d->a->actor, reason };

    if (clock_timestamp(now, e))
        return e->status;
    n->state = d->a->state;
    n->decided_by = arena_strdup(&d->s->strings, actor_of(d->st, d->a));
    n->decided_at = arena_strdup(&d->s->strings, now);
    n->grounds =
        d->a->grounds ? arena_strdup(&d->s->strings, d->a->grounds) : NULL;
    if (d->a->state == NS_ACCEPTED)
        n->change_set = (int32_t)(store_known_head(d->st) + 1);
    if (!d->changes) /* room for the update: accept_records makes it */
        d->changes = xcalloc(1, sizeof(*d->changes));
    d->changes[d->n++] =
        (struct change){ OP_UPDATE, ENT_NOTIFICATION, d->index, &d->before };
    snprintf(reason, sizeof(reason), "notification %s %s", n->id,
             verb_of(d->a->state));
    if (store_apply(d->st, d->s, d->changes, d->n, &meta, e)) {
        if (strstr(e->msg, "changed while")) {
            char msg[ERR_MSG_MAX];

            out->conflict = 1;
            snprintf(msg, sizeof(msg), "%s", e->msg);
            return err_set(e, ST_ERROR,
                           "notification '%s' may be already decided: %s",
                           n->id, msg);
        }
        return e->status;
    }
    out->index = d->index;
    out->n_changes = d->n;
    return ST_OK;
}

/* Moves the draft's record changes into d. */
static void take_changes(struct decision *d, struct notify_draft *draft)
{
    d->changes = xcalloc(draft->n_changes + 1, sizeof(*d->changes));
    for (size_t i = 0; i < draft->n_changes; i++) {
        const struct notify_change *c = &draft->changes[i];

        d->changes[d->n++] = (struct change){ c->update ? OP_UPDATE : OP_INSERT,
                                              c->entity, c->index, c->before };
        draft->changes[i].before = NULL; /* now d's */
    }
}

/* Applies the payload again on the registry as it is now: its records
 * become d's changes, its warnings the notification's. */
static enum status accept_records(struct decision *d, struct problems *p,
                                  struct err *e)
{
    struct notification *n = snapshot_row(d->s, ENT_NOTIFICATION, d->index);
    struct notify_draft draft;
    struct findings w;
    char where[64], *warnings;
    enum status rc;

    notify_draft_init(&draft);
    draft.accepting = 1;
    findings_init(&w);
    snprintf(where, sizeof(where), "notification %s", n->id);
    rc = notify_prepare(d->s, where, n->payload, strlen(n->payload),
                        d->a->today, d->a->holidays, &draft, &w, p, e);
    if (!rc)
        rc = problems_status(p, e);
    if (!rc) {
        /* The row may have moved as records were appended. */
        n = snapshot_row(d->s, ENT_NOTIFICATION, d->index);
        warnings = notify_warnings_json(&w);
        n->warnings = arena_strdup(&d->s->strings, warnings);
        free(warnings);
        take_changes(d, &draft);
    }
    findings_release(&w);
    notify_draft_release(&draft);
    return rc;
}

static void decision_release(struct decision *d)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->changes[i].entity != ENT_NOTIFICATION)
            free((void *)d->changes[i].before);
    }
    free(d->changes);
}

/* ST_INVALID when the grounds are no text the notification's field takes
 * (at most FIELD_TEXT_MAX bytes, nothing invisible), so that an export
 * of the decision imports again. */
static enum status check_grounds(struct snapshot *s, const char *grounds,
                                 struct err *e)
{
    const struct field *f = entity_field(ENTITIES[ENT_NOTIFICATION], "grounds");
    struct notification scratch;

    if (!grounds || !field_parse(s, f, &scratch, grounds, e))
        return ST_OK;
    err_prefix(e, "grounds");
    return e->status = ST_INVALID;
}

enum status notice_decide(struct store *st, struct snapshot *s,
                          const struct notice_args *a, struct problems *p,
                          struct notice_outcome *out, struct err *e)
{
    struct decision d = { st, s, a, 0, { 0 }, NULL, 0 };
    enum status rc;

    out->conflict = 0;
    d.index = snapshot_find(s, ENT_NOTIFICATION, a->id);
    if (d.index == IDMAP_NONE)
        return err_set(e, ST_INVALID, "unknown notification '%s'", a->id);
    if (check_grounds(s, a->grounds, e))
        return e->status;
    d.before =
        *(struct notification *)snapshot_row(s, ENT_NOTIFICATION, d.index);
    if (decidable(&d.before, a->state == NS_WITHDRAWN, out, e))
        return e->status;
    rc = a->state == NS_ACCEPTED ? accept_records(&d, p, e) : ST_OK;
    if (!rc)
        rc = write_decision(&d, out, e);
    decision_release(&d);
    return rc;
}

enum status notice_history_load(struct store *st, const char *id,
                                struct notice_history *h, struct err *e)
{
    memset(h, 0, sizeof(*h));
    if (store_history(st, "notification", id, &h->list, e)) {
        change_list_release(&h->list);
        return e->status;
    }
    h->steps = xcalloc(h->list.n + 1, sizeof(*h->steps));
    h->images = xcalloc(h->list.n + 1, sizeof(*h->images));
    for (size_t i = 0; i < h->list.n; i++) {
        const struct change_entry *c = &h->list.items[i];
        json_t *after = c->after ? json_loads(c->after, 0, NULL) : NULL;
        const char *state = json_string_value(json_object_get(after, "state"));

        h->images[i] = after;
        if (state)
            h->steps[h->n_steps++] =
                (struct notification_step){ c->recorded, c->actor, state,
                                            c->reason };
    }
    return ST_OK;
}

void notice_history_release(struct notice_history *h)
{
    for (size_t i = 0; i < h->list.n; i++)
        json_decref(h->images[i]);
    free(h->images);
    free(h->steps);
    change_list_release(&h->list);
}
