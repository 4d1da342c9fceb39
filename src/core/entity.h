/*
 * Entity descriptors: one table per kind of record naming its fields, their
 * types and where they sit in the C struct. Every generic path reads them:
 * CSV import and export, the SQL schema and statements, the change log's
 * JSON images and the command output. Adding a column means adding one line
 * here, not editing six codecs.
 */
#ifndef CORE_ENTITY_H
#define CORE_ENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "base/problems.h"
#include "base/status.h"
#include "core/enums.h"

enum entity_kind {
    ENT_STATE,
    ENT_ORGANIZATION,
    ENT_MISSION,
    ENT_PERSON,
    ENT_POSTING,
    ENT_DEPENDENT,
    ENT_POLICY,
    ENT_VISA,
    ENT_CONSULAR,
    ENT_NOTIFICATION,
    ENT__COUNT
};

enum field_type {
    FT_TEXT, /* const char * in the arena; NULL when absent */
    FT_CODE, /* state_code inline; a known state when ref is ENT_STATE */
    FT_HOST, /* const char *: a state code or an organization code */
    FT_DATE, /* int32_t days, DATE_NONE when absent */
    FT_ENUM, /* int, ENUM_NONE when absent */
    FT_BOOL, /* int 0/1, "true"/"false" in text */
    FT_REF,  /* uint32_t index of a record of another entity */
    FT_INT,  /* int32_t, non-negative; FIELD_INT_NONE when absent */
};

#define FIELD_INT_NONE (-1)

#define FIELD_REQUIRED 1u
#define FIELD_KEY      2u /* part of the record's key */
/* A column added after the registry's first schema (postings' credentials):
 * left out of a change-log image when absent, so that the images and hashes
 * of records written before it stay what they were, and out of an export
 * when no record has it, so that a registry that never used it exports the
 * files it imported. Always optional. */
#define FIELD_ADDED 4u
#define FIELD_JSON  8u /* a JSON document, checked as such: no text limits */

/* The limits of a value (docs/registry.md, "Limits"): an id (a key part)
 * is 1 to FIELD_ID_MAX printable ASCII bytes; any other text is at most
 * FIELD_TEXT_MAX bytes of UTF-8 without control characters (tab aside). */
#define FIELD_ID_MAX   64
#define FIELD_TEXT_MAX 1024

struct field {
    const char *name;
    enum field_type type;
    size_t offset;
    unsigned flags;
    const struct enum_names *names; /* FT_ENUM */
    enum entity_kind ref; /* FT_REF, FT_CODE: the entity referred to */
};

struct snapshot;

struct entity {
    enum entity_kind kind;
    const char *name;  /* "posting": messages, change log, history */
    const char *table; /* "postings": SQL table and CSV file stem */
    size_t size;       /* sizeof the record */
    const struct field *fields;
    int n_fields;
    /* Record-level rules (date order, a mission open on arrival...): each
     * broken rule is added to p as "WHERE: column 'X': message". */
    void (*check)(const struct snapshot *s, const void *rec, const char *where,
                  struct problems *p);
    /* SQL CHECK constraints beyond those the field types imply. */
    const char *sql_checks;
};

extern const struct entity *const ENTITIES[ENT__COUNT];

struct posting;
/* 1 when two postings are the same tour: one person at one mission in one
 * category, rank and title. Two such tours may not overlap. */
int posting_same_tour(const struct posting *a, const struct posting *b);

/* The entity whose table (or CSV stem) or name is text; NULL if none. */
const struct entity *entity_by_table(const char *table);
const struct entity *entity_by_name(const char *name);
/* The field named name, or NULL. */
const struct field *entity_field(const struct entity *ent, const char *name);

/* Bytes field_text may need for a formatted value (dates, booleans). */
#define FIELD_BUF 16

/* ST_INVALID unless text is at most max bytes without a control or
 * invisible character (tab aside): the rule of text fields (FIELD_TEXT_MAX),
 * which the change log's reason and actor obey too. */
enum status field_check_text(const char *text, size_t max, struct err *e);
/* Sets field f of rec from text, resolving references and codes in s
 * (strings are copied into s's arena). Empty text is "absent", an error for
 * a required field. ST_INVALID with a message naming the problem, not the
 * column (the caller knows where it is). */
enum status field_parse(struct snapshot *s, const struct field *f, void *rec,
                        const char *text, struct err *e);
/* The text of field f of rec: "" when absent. The result is borrowed from
 * rec, s, or buf. */
const char *field_text(const struct snapshot *s, const struct field *f,
                       const void *rec, char buf[FIELD_BUF]);
/* Sets FT_REF field f of rec to record index i of its entity. */
void field_set_ref(const struct field *f, void *rec, uint32_t i);
/* The record index FT_REF field f of rec holds (IDMAP_NONE: none). */
uint32_t field_ref(const struct field *f, const void *rec);
/* 1 when field f of rec is absent (SQL NULL, JSON null). */
int field_is_absent(const struct field *f, const void *rec);
/* Sets every field of rec to absent (NULL, DATE_NONE, ENUM_NONE, 0). */
void record_clear(const struct entity *ent, void *rec);

/* The record's key: its text id (borrowed), or for a compound key the
 * key fields in descriptor order joined by '/' ("P1/T2" for a dependent)
 * written into buf of size bytes (at least FIELD_BUF). */
const char *record_key(const struct snapshot *s, const struct entity *ent,
                       const void *rec, char *buf, size_t size);

#endif
