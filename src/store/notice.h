/*
 * Submitting a notification and deciding one (DESIGN.md, "notification"),
 * for every caller: the `notify` and `notification` commands and the
 * server's write routes run the same steps here, so that a notification
 * submitted or decided over HTTP is written exactly as one from the
 * command line. Nothing here prints: the caller renders the notification
 * it gets back, or reports the error and the payload's problems.
 *
 * Each function takes a snapshot loaded from st (the registry as the
 * write sees it) and changes it: the payload's records are applied to it
 * (rules/notify.h), and the notification is added or updated in it before
 * the change set is written. After a success s matches the registry
 * (with a submission's restore set); a caller that keeps the snapshot
 * after a failure must load it again.
 */
#ifndef STORE_NOTICE_H
#define STORE_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "base/problems.h"
#include "core/holidays.h"
#include "core/snapshot.h"
#include "report/notification.h"
#include "store/store.h"

/* What a submission or a decision is about, and who makes it. */
struct notice_args {
    const char *id;      /* the notification decided, or resubmitted;
                            NULL: a new notification */
    int state;           /* a decision's new state (enum
                            notification_state): accepted, refused,
                            returned or withdrawn */
    const char *grounds; /* why (a refusal or a return); may be NULL */
    const char *file;    /* names the payload in messages */
    const char *text;    /* the payload: one notification object */
    size_t len;
    int32_t today;                   /* dates a change that names no day */
    const struct holidays *holidays; /* for the warnings' deadlines */
    const char *actor;               /* who; NULL: store_actor(st) */
    /* A submission: take the payload's records back out of s once the
     * notification is written, so that s still matches the registry (a
     * caller that keeps s: the server's writer). */
    int restore;
};

/* What came of it. */
struct notice_outcome {
    uint32_t index;   /* the notification's index in s, on success */
    size_t n_changes; /* the change-log entries written, on success */
    /* On failure: 1 when the notification's state forbids the step (not
     * returned for a resubmission, already decided, or decided meanwhile
     * by another writer), so that the server answers 409. */
    int conflict;
};

/* Submits the payload a->text as a new notification (a->id NULL) or as
 * returned notification a->id again, keeping its id and history: it is
 * validated as an import validates the same records, its warnings are
 * computed, and only the notification is written, in state submitted.
 * An invalid payload is ST_INVALID with its problems in p (nothing
 * written); an unknown a->id is ST_INVALID, one not returned ST_ERROR
 * with out->conflict set. */
enum status notice_submit(struct store *st, struct snapshot *s,
                          const struct notice_args *a, struct problems *p,
                          struct notice_outcome *out, struct err *e);

struct findings;

/* The warnings a submission of a->text would bring, into w, computed on s
 * as notice_submit computes them, writing nothing (a form's preview).
 * The payload's records are applied to s to check it; when it has no
 * problem they are taken back out, so that s matches the registry again
 * (OUT: *restored 1), else s must be loaded again (*restored 0). An
 * invalid payload is ST_INVALID with its problems in p. */
enum status notice_preview(struct snapshot *s, const struct notice_args *a,
                           struct findings *w, struct problems *p,
                           int *restored, struct err *e);

/* Decides notification a->id: a->state accepted, refused or returned (a
 * submitted one), or withdrawn (a submitted or returned one). Accepting
 * applies the payload again to the registry as it is now and writes its
 * records and the notification's new state in one change set (problems
 * into p, as notice_submit); a->holidays is only read then. An unknown
 * a->id is ST_INVALID; one already decided ST_ERROR with out->conflict. */
enum status notice_decide(struct store *st, struct snapshot *s,
                          const struct notice_args *a, struct problems *p,
                          struct notice_outcome *out, struct err *e);

/* A notification's states as its change-log entries record them, for
 * notification_render; the strings lie in list and images. */
struct notice_history {
    struct change_list list;
    struct notification_step *steps;
    size_t n_steps;
    void **images; /* the entries' after images (json_t), owned */
};

/* The history of notification id, oldest first. OUT: h, released with
 * notice_history_release. */
enum status notice_history_load(struct store *st, const char *id,
                                struct notice_history *h, struct err *e);
void notice_history_release(struct notice_history *h);

#endif
