/*
 * Idempotency keys of `chancery serve`'s writes (docs/api.md,
 * "Idempotency-Key"): a client names a write with a key of its own, and
 * the server records the key with the account, the route, a hash of the
 * body and the answer, in the transaction of the write itself, so that a
 * write and its record are committed together or not at all. A request
 * that comes again with the same key gets the recorded answer and writes
 * nothing: a client that lost an answer (or got "whether it was written
 * is unknown") retries safely. Keys live IDEM_TTL seconds; older ones are
 * ignored, and removed by the next record (no thread of its own).
 */
#ifndef STORE_IDEMPOTENCY_H
#define STORE_IDEMPOTENCY_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/status.h"
#include "store/store.h"

#define IDEM_KEY_MAX 64
#define IDEM_TTL     (24 * 60 * 60)

/* ST_USAGE unless key is 1 to IDEM_KEY_MAX characters of A-Z a-z 0-9
 * and - _ . : (a UUID, a ULID, a counter with a prefix...). */
enum status idem_key_check(const char *key, struct err *e);

/* What a key recorded before. */
struct idem_hit {
    int found;  /* 1: the key was used by this account within IDEM_TTL */
    int same;   /* 1: for the same route and the same body */
    int status; /* the HTTP status answered */
};

/* Looks up key of account at now (seconds): OUT: hit, and on a hit for
 * the same request, its recorded answer appended to body. */
enum status idem_lookup(struct store *st, const char *account, const char *key,
                        const char *route, const char *text, size_t len,
                        int64_t now, struct idem_hit *hit, struct buf *body,
                        struct err *e);

/* Opens the transaction that the write and its record share, unless st
 * is inside one already (a batch, store/write.c: the server's group
 * commit); OUT: *own, for idem_end. */
enum status idem_begin(struct store *st, int *own, struct err *e);
/* Records key (the request route, text and len; its answer status and
 * body) at now, removing the keys past IDEM_TTL first. Inside the write's
 * transaction (idem_begin). */
enum status idem_record(struct store *st, const char *account, const char *key,
                        const char *route, const char *text, size_t len,
                        int status, const struct buf *body, int64_t now,
                        struct err *e);
/* Commits (commit nonzero) or rolls back the transaction idem_begin
 * opened when *own; else leaves it to its batch. */
enum status idem_end(struct store *st, int own, int commit, struct err *e);

#endif
