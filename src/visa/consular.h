/*
 * Consular availability (consular.csv): what a post offers one nationality
 * for one service on a date, and where a national can apply.
 *
 * The answer of `consular where` follows 9 FAM's "homeless nationality"
 * practice: an applicant applies at the issuing state's posts in the
 * country where they live (the home posts; a post accepts applicants
 * resident in its district); when none of them is open for the service,
 * at the posts they designate; when they designate none, at any open post
 * of the issuing state abroad. A post with no row for the nationality and
 * service is taken as open, with no known wait: the registry records
 * restrictions, not every post's normal service.
 */
#ifndef VISA_CONSULAR_H
#define VISA_CONSULAR_H

#include <stdint.h>

#include "core/snapshot.h"

/* The consular row of post, nationality and service in effect on date, or
 * IDMAP_NONE. */
uint32_t consular_row_on(const struct snapshot *s, uint32_t post,
                         const char *nationality, int service, int32_t date);

/* 1 when mission m can take visa applications (an embassy, a consulate of
 * any rank, an interests section) and is open on date. */
int consular_post_open(const struct snapshot *s, uint32_t m, int32_t date);

/* 1 when a post with row r (IDMAP_NONE: no row) takes applications. */
int consular_accepts(const struct snapshot *s, uint32_t r);

enum where_basis {
    WHERE_HOME,        /* a post in the country of residence, open */
    WHERE_HOME_CLOSED, /* a post there that does not take the service */
    WHERE_DESIGNATED,  /* designated by the closed home posts */
    WHERE_ANY_POST,    /* no designation: any open post abroad */
};

struct where_row {
    char issuing[4];
    uint32_t post; /* IDMAP_NONE: "any other post of the state abroad" */
    uint32_t row;  /* the consular row in effect, or IDMAP_NONE */
    enum where_basis basis;
};

struct where_query {
    const char *nationality;
    int service;           /* enum consular_service */
    const char *residence; /* the country of residence */
    int32_t date;
    const char *issuing; /* NULL: every state with consular rows */
};

struct where_answer {
    struct where_row *rows;
    size_t n, alloc;
};

/* Where nationals of q->nationality living in q->residence can apply.
 * OUT: out, released with where_answer_release. */
void consular_where(const struct snapshot *s, const struct where_query *q,
                    struct where_answer *out);
void where_answer_release(struct where_answer *a);

#endif
