/*
 * The published lists of a receiving state (DESIGN.md, "Published lists"):
 * the Diplomatic List and the consular list of one host on one date, and
 * the order of precedence of the heads of mission (VCDR arts. 14, 16) or
 * of consular posts. This module only computes the structure, over an
 * indexed snapshot; report/dlist.h renders it.
 *
 * A list is three flat arrays that point into each other by position:
 * sending states in alphabetical order of their short names, each with a
 * run of its missions, each with a run of its staff in Diplomatic-List
 * order (head first, then rank, then arrival); and the heads in order of
 * precedence. Entries name records by their snapshot index, so the list
 * borrows the snapshot and must not outlive it.
 */
#ifndef PUBLISH_DLIST_H
#define PUBLISH_DLIST_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/snapshot.h"

enum dlist_kind {
    DLIST_DIPLOMATIC, /* missions but consular posts; diplomatic agents */
    DLIST_CONSULAR,   /* consular posts, and embassies' consular sections;
                         consular officers and honorary consuls */
};

/* A member of a mission's staff on the list. */
struct dlist_member {
    uint32_t posting;
    uint32_t spouse; /* the person of the spouse in the household on the
                        date, or IDMAP_NONE */
};

/* A mission on the list: its staff are members[first .. first + n). */
struct dlist_mission {
    uint32_t mission;
    int consular_section; /* an embassy listed for its consular officers */
    size_t first, n;
};

/* A sending state: its missions are missions[first .. first + n). */
struct dlist_state {
    const char *code; /* borrowed from the snapshot */
    const char *name;
    size_t first, n;
};

/* The precedence classes of VCDR art. 14 (for the consular list, of the
 * heads of consular posts), read from the rank. */
enum precedence_class {
    PREC_AMBASSADOR,        /* the consular list: consul general */
    PREC_MINISTER,          /* consul */
    PREC_CHARGE_D_AFFAIRES, /* vice consul */
    PREC_OTHER,             /* the consular list only: any other rank */
};

/* A head of mission (or of a consular post) in the order of precedence. */
struct dlist_head {
    uint32_t posting;
    enum precedence_class class;
};

struct dlist {
    enum dlist_kind kind;
    const char *host; /* borrowed from the caller */
    int32_t as_of;
    int32_t as_known_on; /* DATE_NONE: the registry as it is now */
    /* The checkpoint the list was produced from (DESIGN.md, "Verifiable
     * log"): the tree size, which is the change log's last entry the
     * snapshot holds, and the root hash of that tree in base64 ("" when not
     * known, and then neither is named). */
    int64_t checkpoint_seq;
    char checkpoint_root[48];
    struct dlist_state *states;
    size_t n_states;
    struct dlist_mission *missions;
    size_t n_missions;
    struct dlist_member *members;
    size_t n_members;
    struct dlist_head *heads;
    size_t n_heads;
};

/* Builds the list of kind for host (a state or organization code known in
 * s) on date as_of into out, which the caller releases with
 * dlist_release. s must be indexed; the list borrows s and host.
 * ST_NOT_FOUND when host is neither a state nor an organization of s. */
enum status dlist_build(const struct snapshot *s, enum dlist_kind kind,
                        const char *host, int32_t as_of, struct dlist *out,
                        struct err *e);
void dlist_release(struct dlist *l);

/* The precedence class of a head of rank on a list of kind. */
enum precedence_class precedence_class(enum dlist_kind kind, int rank);

/* Orders heads a and b (postings of s) by precedence: class, then the day
 * they took up functions (a head without one follows those of the class
 * that have one), then arrival, then posting id. Negative when a comes
 * first. */
int precedence_compare(const struct snapshot *s, enum dlist_kind kind,
                       uint32_t a, uint32_t b);

/* The class's name as the lists print it ("ambassador", "minister",
 * "charge_d_affaires", and for the consular list "consul_general",
 * "consul", "vice_consul", "other"). */
const char *precedence_class_name(enum dlist_kind kind,
                                  enum precedence_class c);

#endif
