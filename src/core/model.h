/*
 * The records of the registry (DESIGN.md, "Data model"). A record refers to
 * another by its index in the snapshot's table of that entity (uint32_t), so
 * that joins in the pure modules are array lookups; ids are text and live in
 * the snapshot's arena. Dates are days since 1970 (base/date.h), DATE_NONE
 * when absent; enumerations are ints, ENUM_NONE when absent. Status (present,
 * ended, ...) is never stored: it is derived from the dates (core/presence.h).
 */
#ifndef CORE_MODEL_H
#define CORE_MODEL_H

#include <stdint.h>

#include "core/enums.h"

/* An ISO 3166-1 alpha-3 code with its NUL. */
typedef char state_code[4];

struct state {
    state_code code;
    const char *name;
};

struct organization {
    const char *code;
    const char *name;
    state_code seat;
};

struct mission {
    const char *id;
    const char *name;
    state_code sending;
    const char *host; /* a state code or an organization code */
    state_code country;
    const char *city;
    int kind; /* enum mission_kind */
    int32_t opened;
    int32_t closed;
};

struct person {
    const char *id;
    const char *family_name;
    const char *given_names;
    int sex; /* enum sex */
    int32_t birth_date;
    state_code nationality;
    const char *passport;
};

struct posting {
    const char *id;
    uint32_t person;
    uint32_t mission;
    const char *title;
    int rank;     /* enum rank */
    int category; /* enum staff_category */
    int head_of_mission;
    int32_t notified;
    int32_t arrived;
    int32_t accredited;
    int32_t refused;
    int32_t ended;
    int end_reason; /* enum end_reason */
    /* The day a head of mission took up functions (VCDR art. 13): the
     * precedence date of art. 16 (publish/dlist.h). */
    int32_t credentials;
};

struct dependent {
    uint32_t person;
    uint32_t posting;
    int relation; /* enum relation */
    int32_t joined;
    int32_t left;
    int32_t accredited;
    int32_t revoked;
};

/* A policy as recorded: the columns that select it (kind, parties, period
 * of effect, condition) beside its full JSON text, from which the rules
 * parse the kind's parameters (rules/policy.h). The columns repeat what the
 * body says, so that the registry can be queried without parsing JSON. */
struct policy {
    const char *id;
    int kind; /* enum policy_kind */
    state_code issuer;
    const char *target; /* a state code, or "*" for every state */
    int32_t from;
    int32_t to; /* the last day in effect; DATE_NONE: open-ended */
    const char *unless;
    const char *title;
    const char *body; /* the policy's JSON object, compact */
};

/* A visa case: one application by a person to an issuing state at one of
 * its posts, and what became of it. Renewals, extensions, annulments and
 * revocations are new cases whose previous names the case they follow (as
 * in the Schengen VIS), so a case's own dates never change meaning. */
struct visa {
    const char *id;
    uint32_t person;
    state_code issuing;
    uint32_t post;      /* a mission of the issuing state */
    const char *vclass; /* "A-1", "G-1", "B1/B2": the column 'class' */
    int purpose;        /* enum visa_purpose */
    int32_t meeting;    /* the meeting a delegate travels to */
    int32_t applied;
    int32_t decided; /* DATE_NONE while pending */
    int outcome;     /* enum visa_outcome */
    int32_t valid_until;
    uint32_t previous; /* a visa index, IDMAP_NONE for none */
};

/* What a post offers one nationality for one service over a period: the
 * rows of one post, nationality and service do not overlap. */
struct consular {
    uint32_t post; /* a mission */
    state_code nationality;
    int service; /* enum consular_service */
    int status;  /* enum consular_status */
    int32_t from;
    int32_t to;             /* the last day; DATE_NONE: open-ended */
    int32_t wait_days;      /* FIELD_INT_NONE when unknown */
    const char *designated; /* mission ids joined by ';', or NULL */
};

/* A notification from a sending state's mission to the protocol office
 * (DESIGN.md, "notification"): what it would write (payload, JSON in the
 * interchange column names) and what the office decided. The records it
 * names are written only when it is accepted, in the same change set as
 * its new state (rules/notify.h). Timestamps are text as the change log
 * writes them. */
struct notification {
    const char *id;            /* "N000001", assigned on submission */
    int kind;                  /* enum notification_kind */
    uint32_t mission;          /* a mission index */
    const char *payload;       /* the submitted JSON object, compact */
    const char *replaces;      /* posting id of the person replaced */
    const char *justification; /* for a new position */
    const char *submitted_by;
    const char *submitted_at;
    int state;              /* enum notification_state */
    const char *warnings;   /* JSON array of findings, or NULL */
    const char *decided_by; /* NULL until decided */
    const char *decided_at;
    const char *grounds;
    int32_t change_set; /* the change set accepting it wrote, else none */
};

#endif
