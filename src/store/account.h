/*
 * Accounts and sessions of `chancery serve` (DESIGN.md, "account"): who may
 * log in, in which role and scope, and the sessions their logins opened.
 * The store keeps only what it is given: password hashes come from
 * libsodium's crypto_pwhash_str in the caller, session tokens arrive
 * already hashed (crypto_generichash), so a copy of the database holds no
 * usable secret. Every change of an account is recorded, with its actor
 * and time, in the table account_changes; the password hash is never
 * recorded there, only that it changed.
 */
#ifndef STORE_ACCOUNT_H
#define STORE_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

struct store;

struct account {
    char *name, *role, *sending, *mission; /* sending, mission may be NULL */
    char *hash;                            /* the crypto_pwhash_str text */
    int disabled;
};

void account_release(struct account *a);

/* Adds an account; ST_INVALID when the name is taken. */
enum status store_account_add(struct store *st, const struct account *a,
                              const char *actor, struct err *e);
/* OUT: *a (released by the caller) and *found (0: no such account). */
enum status store_account_get(struct store *st, const char *name,
                              struct account *a, int *found, struct err *e);
/* Every account, by name; hashes are left out. OUT: *list, *n. */
enum status store_account_list(struct store *st, struct account **list,
                               size_t *n, struct err *e);
/* Disables an account and revokes its sessions; ST_NOT_FOUND without it. */
enum status store_account_disable(struct store *st, const char *name,
                                  const char *actor, struct err *e);
/* Replaces an account's password hash and revokes its sessions. */
enum status store_account_passwd(struct store *st, const char *name,
                                 const char *hash, const char *actor,
                                 struct err *e);

#define SESSION_HASH_BYTES 32

/* Opens a session for token_hash, valid until expires (Unix seconds). */
enum status store_session_add(struct store *st, const unsigned char *token_hash,
                              const char *account, int64_t now, int64_t expires,
                              struct err *e);
/* The account of a live session: not revoked, not expired, used within
 * idle seconds, its account enabled. Touches its last use. OUT: *a and
 * *found. */
enum status store_session_find(struct store *st,
                               const unsigned char *token_hash, int64_t now,
                               int64_t idle, struct account *a, int *found,
                               struct err *e);
enum status store_session_revoke(struct store *st,
                                 const unsigned char *token_hash,
                                 struct err *e);

/* The change log's last seq (0 when empty): what a resident snapshot
 * compares to know whether it is behind. */
enum status store_log_seq(struct store *st, int64_t *seq, struct err *e);

/* A number that changes whenever another connection (another process, or
 * another connection of this one) has committed a write to the database
 * since: SQLite's PRAGMA data_version; on PostgreSQL a sum of the logs'
 * heads and the sessions' counts (store/account.c), or with no query at
 * all the count of a watch attached to st (store/watch.h). Cheap; the
 * server asks it to know
 * when what it keeps (sessions, the resident registry) may be stale. */
enum status store_data_version(struct store *st, int64_t *version,
                               struct err *e);

#endif
