/*
 * The enumerations of DESIGN.md with their text names, which are the values
 * of the interchange files, the database and the JSON output. Each is a
 * plain C enum plus a name table; enum_from_name and enum_name convert, so
 * no module spells a name twice. Declaration order is meaningful where the
 * domain orders values (ranks by precedence).
 */
#ifndef CORE_ENUMS_H
#define CORE_ENUMS_H

/* A value that is absent (an empty field). */
#define ENUM_NONE (-1)

enum mission_kind {
    MK_EMBASSY,
    MK_CONSULATE_GENERAL,
    MK_CONSULATE,
    MK_VICE_CONSULATE,
    MK_CONSULAR_AGENCY,
    MK_PERMANENT_MISSION,
    MK_DELEGATION,
    MK_TRADE_MISSION,
    MK_INTERESTS_SECTION,
    MK_OTHER,
    MK__COUNT
};

enum staff_category {
    CAT_DIPLOMATIC_AGENT,
    CAT_ADMIN_TECHNICAL,
    CAT_SERVICE_STAFF,
    CAT_PRIVATE_SERVANT,
    CAT_CONSULAR_OFFICER,
    CAT_CONSULAR_EMPLOYEE,
    CAT_HONORARY_CONSUL,
    CAT_LOCAL_STAFF,
    CAT__COUNT
};

/* In order of precedence on the Diplomatic List, highest first. */
enum rank {
    RANK_AMBASSADOR,
    RANK_MINISTER,
    RANK_MINISTER_COUNSELOR,
    RANK_COUNSELOR,
    RANK_FIRST_SECRETARY,
    RANK_SECOND_SECRETARY,
    RANK_THIRD_SECRETARY,
    RANK_ATTACHE,
    RANK_CONSUL_GENERAL,
    RANK_CONSUL,
    RANK_VICE_CONSUL,
    RANK_NONE,
    RANK__COUNT
};

enum end_reason {
    END_TOUR_COMPLETED,
    END_RECALLED,
    END_PERSONA_NON_GRATA,
    END_ORDERED_DEPARTURE,
    END_ACCREDITATION_WITHDRAWN,
    END_TRANSFERRED,
    END_DECEASED,
    END_OTHER,
    END__COUNT
};

enum relation {
    REL_SPOUSE,
    REL_CHILD,
    REL_PARENT,
    REL_HOUSEHOLD_MEMBER,
    REL__COUNT
};

enum sex { SEX_F, SEX_M, SEX_X, SEX__COUNT };

/* The kinds of policy (DESIGN.md, "Policies"). */
enum policy_kind {
    PK_TENURE_CAP,
    PK_HEADCOUNT_CAP,
    PK_DEPARTURE_ORDER,
    PK_DEPENDENT_RULE,
    PK_LOCAL_STAFF_BAN,
    PK_VISA_SLA,
    PK__COUNT
};

/* What a visa case is for (DESIGN.md, "visa purpose"). */
enum visa_purpose {
    VP_POSTING,
    VP_DEPENDENT,
    VP_DELEGATE,
    VP_TDY,
    VP_PRIVATE,
    VP__COUNT
};

/* Where a visa case stands. admin_processing is not a decision: the case
 * is still open (docs/visas.md); annulled and revoked are acts on an
 * issued visa, recorded as a new case linked to it by previous. */
enum visa_outcome {
    VO_PENDING,
    VO_ADMIN_PROCESSING,
    VO_ISSUED,
    VO_REFUSED,
    VO_WITHDRAWN,
    VO_ANNULLED,
    VO_REVOKED,
    VO__COUNT
};

enum consular_service {
    CS_NONIMMIGRANT_VISA,
    CS_IMMIGRANT_VISA,
    CS_DIPLOMATIC_VISA,
    CS_CITIZEN_SERVICES,
    CS__COUNT
};

/* From most to least available. */
enum consular_status {
    CST_OPEN,
    CST_LIMITED,
    CST_EMERGENCY_ONLY,
    CST_SUSPENDED,
    CST_CLOSED,
    CST__COUNT
};

/* A notification's kind and where it stands (DESIGN.md, "notification"). */
enum notification_kind {
    NK_APPOINTMENT,
    NK_ARRIVAL,
    NK_CHANGE,
    NK_DEPENDENT_JOIN,
    NK_DEPENDENT_LEAVE,
    NK_TERMINATION,
    NK_TRANSFER,           /* an end and a new posting, in one change set */
    NK_DEPENDENT_ACCREDIT, /* a dependent accredited later */
    NK_CORRECTION,         /* a person's particulars corrected */
    NK__COUNT
};

enum notification_state {
    NS_SUBMITTED,
    NS_RETURNED,
    NS_ACCEPTED,
    NS_REFUSED,
    NS_WITHDRAWN,
    NS__COUNT
};

/* A name table: names[i] is the text of value i. */
struct enum_names {
    const char *what; /* "mission kind", for messages */
    const char *const *names;
    int count;
};

extern const struct enum_names ENUM_MISSION_KIND;
extern const struct enum_names ENUM_STAFF_CATEGORY;
extern const struct enum_names ENUM_RANK;
extern const struct enum_names ENUM_END_REASON;
extern const struct enum_names ENUM_RELATION;
extern const struct enum_names ENUM_SEX;
extern const struct enum_names ENUM_POLICY_KIND;
extern const struct enum_names ENUM_VISA_PURPOSE;
extern const struct enum_names ENUM_VISA_OUTCOME;
extern const struct enum_names ENUM_CONSULAR_SERVICE;
extern const struct enum_names ENUM_CONSULAR_STATUS;
extern const struct enum_names ENUM_NOTIFICATION_KIND;
extern const struct enum_names ENUM_NOTIFICATION_STATE;

/* The value named name, or ENUM_NONE when no value has that name. */
int enum_from_name(const struct enum_names *t, const char *name);
/* The name of value v, or "" for ENUM_NONE. */
const char *enum_name(const struct enum_names *t, int v);
/* Writes "a, b, c" (every name) into out, for error messages. */
void enum_list(const struct enum_names *t, char *out, unsigned long size);

#endif
