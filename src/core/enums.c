/*
 * Name tables for the enumerations. The arrays are indexed by the enum
 * values, and a static assertion keeps each table as long as its enum.
 */
#include "core/enums.h"

#include <stdio.h>
#include <string.h>

#include "base/status.h"

#define TABLE(var, what, arr, n)                                        \
    _Static_assert(sizeof(arr) / sizeof(arr[0]) == (n), what " names"); \
    const struct enum_names var = { what, arr, (n) }

static const char *const mission_kind[] = {
    "embassy",        "consulate_general", "consulate",
    "vice_consulate", "consular_agency",   "permanent_mission",
    "delegation",     "trade_mission",     "interests_section",
    "other",
};
TABLE(ENUM_MISSION_KIND, "mission kind", mission_kind, MK__COUNT);

static const char *const staff_category[] = {
    "diplomatic_agent", "admin_technical",  "service_staff",
    "private_servant",  "consular_officer", "consular_employee",
    "honorary_consul",  "local_staff",
};
TABLE(ENUM_STAFF_CATEGORY, "staff category", staff_category, CAT__COUNT);

static const char *const rank[] = {
    "ambassador",      "minister",         "minister_counselor", "counselor",
    "first_secretary", "second_secretary", "third_secretary",    "attache",
    "consul_general",  "consul",           "vice_consul",        "none",
};
TABLE(ENUM_RANK, "rank", rank, RANK__COUNT);

static const char *const end_reason[] = {
    "tour_completed",
    "recalled",
    "persona_non_grata",
    "ordered_departure",
    "accreditation_withdrawn",
    "transferred",
    "deceased",
    "other",
};
TABLE(ENUM_END_REASON, "end reason", end_reason, END__COUNT);

static const char *const relation[] = {
    "spouse",
    "child",
    "parent",
    "household_member",
};
TABLE(ENUM_RELATION, "relation", relation, REL__COUNT);

static const char *const sex[] = { "F", "M", "X" };
TABLE(ENUM_SEX, "sex", sex, SEX__COUNT);

static const char *const policy_kind[] = {
    "tenure_cap",     "headcount_cap",   "departure_order",
    "dependent_rule", "local_staff_ban", "visa_sla",
};
TABLE(ENUM_POLICY_KIND, "policy kind", policy_kind, PK__COUNT);

static const char *const visa_purpose[] = {
    "posting", "dependent", "delegate", "tdy", "private",
};
TABLE(ENUM_VISA_PURPOSE, "visa purpose", visa_purpose, VP__COUNT);

static const char *const visa_outcome[] = {
    "pending",   "admin_processing", "issued",  "refused",
    "withdrawn", "annulled",         "revoked",
};
TABLE(ENUM_VISA_OUTCOME, "visa outcome", visa_outcome, VO__COUNT);

static const char *const consular_service[] = {
    "nonimmigrant_visa",
    "immigrant_visa",
    "diplomatic_visa",
    "citizen_services",
};
TABLE(ENUM_CONSULAR_SERVICE, "consular service", consular_service, CS__COUNT);

static const char *const consular_status[] = {
    "open", "limited", "emergency_only", "suspended", "closed",
};
TABLE(ENUM_CONSULAR_STATUS, "consular status", consular_status, CST__COUNT);

static const char *const notification_kind[] = {
    "appointment",     "arrival",     "change",   "dependent_join",
    "dependent_leave", "termination", "transfer", "dependent_accredit",
    "correction",
};
TABLE(ENUM_NOTIFICATION_KIND, "notification kind", notification_kind,
      NK__COUNT);

static const char *const notification_state[] = {
    "submitted", "returned", "accepted", "refused", "withdrawn",
};
TABLE(ENUM_NOTIFICATION_STATE, "notification state", notification_state,
      NS__COUNT);

int enum_from_name(const struct enum_names *t, const char *name)
{
    for (int i = 0; i < t->count; i++) {
        if (!strcmp(t->names[i], name))
            return i;
    }
    return ENUM_NONE;
}

const char *enum_name(const struct enum_names *t, int v)
{
    if (v == ENUM_NONE)
        return "";
    if (v < 0 || v >= t->count)
        BUG("%s value %d out of range", t->what, v);
    return t->names[v];
}

void enum_list(const struct enum_names *t, char *out, unsigned long size)
{
    size_t len = 0;

    out[0] = '\0';
    for (int i = 0; i < t->count && len < size; i++) {
        int n =
            snprintf(out + len, size - len, "%s%s", i ? ", " : "", t->names[i]);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}
