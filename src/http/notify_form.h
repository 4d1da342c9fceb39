/*
 * What the files of a liaison's notification forms share (notify_form.c
 * draws a form, notify_values.c reads one, pages_notify_submit.c sends
 * it, pages_notify.c shows what was sent): the fields of each kind of
 * notification, and a form's values and problems by field path.
 *
 * A form's fields are named by their path in the notification object
 * of the interchange ("person.family_name", "dependents[0].relation"), so
 * the payload is built from the form without a table of names, and each
 * problem the store's check reports ("form: person.sex: invalid sex")
 * goes back beside the field it names, the form kept as it was filled.
 */
#ifndef HTTP_NOTIFY_FORM_H
#define HTTP_NOTIFY_FORM_H

#include <jansson.h>

#include "base/problems.h"
#include "http/pages.h"

/* ---- the fields of each kind (notify_form.c) ---- */

struct nfield {
    const char *path, *label, *type, *options, *hint;
    int required;
};

struct kind_form {
    const char *kind, *title;
    const struct nfield *fields;
    int household; /* an appointment's spouse and child */
};

#define N_NOTIFY_KINDS 6
extern const struct kind_form NOTIFY_KINDS[N_NOTIFY_KINDS];

/* The form of a notification kind ("appointment"), or NULL. */
const struct kind_form *notify_kind_form(const char *kind);

/* ---- a form's values and problems (notify_values.c) ---- */

#define MAX_VALUES 64

struct form_state {
    char *paths[MAX_VALUES], *values[MAX_VALUES], *errors[MAX_VALUES];
    int n;
    int n_errors;  /* problems placed beside their fields */
    char *general; /* problems that name no field of the form */
};

/* Sets the value at path (copied); form_value, form_error: NULL if none. */
void form_set(struct form_state *f, const char *path, const char *v);
const char *form_value(const struct form_state *f, const char *path);
const char *form_error(const struct form_state *f, const char *path);
void form_state_release(struct form_state *f);
/* Fills f from a payload's values: a returned notification's form. */
void form_flatten(struct form_state *f, const json_t *v, const char *path);
/* Places each problem of a check beside the field it names. */
void form_place_problems(struct form_state *f, const struct problems *p);
/* The notification object the form describes (compact JSON, malloc'd). */
char *form_payload(const struct form_state *fs, const char *kind);

/* ---- drawing a form (notify_form.c) ---- */

/* The form of kind k posting to action, with its values, problems and,
 * when not NULL, the warnings (a JSON array) a preview found. */
void notify_render_form(struct page_rq *p, const struct kind_form *k,
                        const char *action, struct form_state *fs,
                        const char *warnings);
/* A new form's values: the caller's mission, free ids, today. */
void notify_defaults(struct page_rq *p, const struct kind_form *k,
                     struct form_state *fs);
/* The missions a liaison may notify for, as select options "A|B". */
void notify_mission_options(const struct page_rq *p, struct buf *opts);

/* ---- the pages (pages_notify.c, pages_notify_submit.c) ---- */

/* The notification id within the caller's scope; NULL and ST_NOT_FOUND. */
const struct notification *notify_visible(const struct page_rq *p,
                                          const char *id, struct err *e);
enum status pages_notify_kinds(struct page_rq *p, struct err *e);
enum status pages_notify_get(struct page_rq *p, struct err *e);
enum status pages_notify_post(struct page_rq *p, struct err *e);
enum status pages_resubmit_get(struct page_rq *p, struct err *e);
enum status pages_resubmit_post(struct page_rq *p, struct err *e);

#endif
