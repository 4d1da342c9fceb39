/*
 * What the parts of a notification's reading share, inside rules/ only
 * (rules/notify.h is the interface): notify.c reads the notification's
 * head and computes its warnings before and after, notify_records.c turns
 * its payload into records, notify_warnings.c says what it would bring,
 * notify_lines.c reads the registry's notifications.jsonl.
 */
#ifndef RULES_NOTIFY_INTERNAL_H
#define RULES_NOTIFY_INTERNAL_H

#include <jansson.h>

#include "rules/check.h"
#include "rules/notify.h"

#define DUMP_COMPACT (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* One notification being read: its records go to s, its problems to p. */
struct reader {
    struct snapshot *s;
    const char *file;
    struct problems *p;
    struct notify_draft *d;
    int32_t today;
};

/* The keys each kind may carry at its top level: the first three are
 * "kind", "mission" and the record the kind names, the rest its fields. */
extern const char *const NOTIFY_KEYS[NK__COUNT][12];
/* The key that dates each kind (NULL: "on", else today). */
extern const char *const NOTIFY_DATE_KEY[NK__COUNT];

/* 1 when key is in the NULL-terminated list (NULL: none). */
int notify_in_list(const char *const *list, const char *key);
/* The text of a scalar JSON value as a CSV field would hold it; NULL for
 * an object or array. tmp (size bytes) holds a number's text. */
const char *notify_value_text(const json_t *v, char *tmp, size_t size);

/* The kind's records, read from root into r's snapshot once the kind and
 * the mission are known (notify_records.c). */
void notify_read_kind(struct reader *r, json_t *root);

#endif
