/*
 * Readers of JSON fields for the policy parser (rules/policy.c and the
 * kinds' parameters in rules/params.c). Each reader takes an object, a key
 * and the path of the object ("params.select"), reads and checks one value,
 * and on a problem adds "WHERE: field 'PATH.KEY': message" to the parser's
 * list and goes on, so that a policy's every problem is reported at once.
 *
 * A reader returns 1 when it read a value into *out, 0 when the value was
 * absent (JSON null counts as absent) or bad; a required value that is
 * absent is a problem "a value is required".
 */
#ifndef RULES_PARSE_H
#define RULES_PARSE_H

#include "rules/policy.h"

struct parser {
    const struct snapshot *s;
    struct arena *a;
    struct problems *p;
    const char *where; /* "FILE: policy 'ID'" */
    size_t n_problems;
};

#define PARSE_REQUIRED 1
#define PARSE_OPTIONAL 0

/* Adds "WHERE: field 'PATH': message" (a printf format). */
void parse_problem(struct parser *ps, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes "prefix.key" (or "key" when prefix is empty) into out. */
void parse_path(char *out, size_t size, const char *prefix, const char *key);
/* Reports each key of obj that allowed (NULL-terminated) does not list, as
 * "unknown WHAT" ("unknown field", "unknown param for tenure_cap"). */
void parse_known_keys(struct parser *ps, json_t *obj, const char *prefix,
                      const char *const *allowed, const char *what);
/* The object at obj[key], reported when it is something else; NULL when
 * absent or bad. */
json_t *parse_object(struct parser *ps, json_t *obj, const char *prefix,
                     const char *key, int required);

int parse_string(struct parser *ps, json_t *obj, const char *prefix,
                 const char *key, int required, const char **out);
int parse_date(struct parser *ps, json_t *obj, const char *prefix,
               const char *key, int required, int32_t *out);
/* A period that is not negative. */
int parse_period(struct parser *ps, json_t *obj, const char *prefix,
                 const char *key, int required, struct period *out);
/* A whole number in min..max. */
int parse_int(struct parser *ps, json_t *obj, const char *prefix,
              const char *key, int required, long min, long max, long *out);
int parse_bool(struct parser *ps, json_t *obj, const char *prefix,
               const char *key, int *out);
/* One name of the table. */
int parse_enum(struct parser *ps, json_t *obj, const char *prefix,
               const char *key, int required, const struct enum_names *names,
               int *out);
/* An array of names of the table, as a mask of 1 << value. */
int parse_enum_mask(struct parser *ps, json_t *obj, const char *prefix,
                    const char *key, const struct enum_names *names,
                    unsigned *out);
/* 1 when text is a state code known in the snapshot; else reports it at
 * path. */
int parse_known_state(struct parser *ps, const char *path, const char *text);
/* A state code known in the snapshot, or "*" when star is 1. */
int parse_state(struct parser *ps, json_t *obj, const char *prefix,
                const char *key, int star, char out[4]);
/* An array of ids of records of entity kind known in the snapshot, as
 * indexes (in the arena). */
int parse_refs(struct parser *ps, json_t *obj, const char *prefix,
               const char *key, enum entity_kind kind, uint32_t **out,
               size_t *n);
/* A scope object's mission_kinds, categories and missions at obj[key];
 * extra names one more key the caller reads itself (or NULL). */
void parse_scope(struct parser *ps, json_t *obj, const char *prefix,
                 const char *key, const char *extra, struct policy_scope *out);

/* Gives each problem p->msgs[from..] that starts "FILE: " a line: that of
 * the field it names ("field 'PATH'") in the JSON text, else that of the
 * object it is about, as "FILE:LINE: ...". Jansson keeps no positions of
 * values, so the text is scanned for the path. item: the element of the
 * root array the problems are about, or -1 when the root is the object.
 * Each scan may read the whole text: *budget counts the scans left, so
 * that a hostile file of many bad policies costs a bounded time (the
 * problems past it have no line). */
#define PARSE_LINE_SCANS 50
void parse_add_lines(struct problems *p, size_t from, const char *file,
                     const char *text, size_t len, long item, int *budget);

/* Reads the kind's params object into r (rules/params.c). */
void parse_params(struct parser *ps, json_t *params, struct policy_rule *r);

#endif
