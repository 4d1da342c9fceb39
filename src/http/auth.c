/*
 * Logging in and out, and the account behind a bearer token. A token is 32
 * random bytes (randombytes_buf) in hex; the store keeps only its BLAKE2b
 * hash (crypto_generichash), so a copy of the database opens no session.
 * A session ends after SESSION_TTL seconds, or SESSION_IDLE without use.
 * Failed logins are counted per account and per address in memory: past
 * the limits, logins are refused (429) until the window ends. An unknown
 * or disabled account is verified against a dummy argon2id hash made at
 * start, so the time of an answer does not tell whether an account exists.
 *
 * The account behind a token is kept in memory (SESSION_SLOTS, direct
 * mapped by the token's hash), so that a request does not query the
 * database: a kept account serves while no other connection has written
 * to the database (store_data_version) and for at most SESSION_RECHECK
 * seconds, after which the store is asked again (which also marks the
 * session used). So `user disable` by another process ends its sessions
 * at the next request, and a session's expiry or idle timeout is seen at
 * most SESSION_RECHECK seconds late. Logging out forgets the token here
 * first.
 *
 * Reading the data version is a statement with file locks under side_mu,
 * a good part of a kept answer's time: under load, requests share the
 * last reading, when it began after the request arrived (so it saw every
 * commit before then) or at most VERSION_SHARE_NS before. So another
 * process's write is seen by the requests that arrive a millisecond
 * after its commit, and a request under load neither queues for side_mu
 * nor runs a statement.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdatomic.h>

#include "base/xalloc.h"
#include "http/http.h"
#include "store/store.h"

#define SESSION_TTL       (12 * 3600)
#define SESSION_IDLE      (30 * 60)
#define FAIL_WINDOW       (15 * 60)
#define FAILS_PER_ACCOUNT 5
#define FAILS_PER_ADDRESS 20
#define FAIL_SLOTS        1024
#define SESSION_SLOTS     1024
#define SESSION_RECHECK   30
#define VERSION_SHARE_NS  1000000 /* 1 ms */

struct fail_slot {
    char key[160]; /* "u:NAME" or "a:ADDRESS"; "" when free */
    int fails;
    int64_t since;
};

static struct fail_slot slots[FAIL_SLOTS];
static pthread_mutex_t fail_mu = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[crypto_pwhash_STRBYTES];

struct session_slot {
    unsigned char hash[32];
    struct account a; /* name NULL: free */
    int64_t version;  /* the database's data version when checked */
    int64_t checked;  /* when, in seconds */
};

static struct session_slot sessions[SESSION_SLOTS];
static pthread_mutex_t session_mu = PTHREAD_MUTEX_INITIALIZER;

/* The readings of the data version for sessions, numbered from 1: how
 * many began; under session_mu, the last one finished: its number, what
 * it read and when it began (CLOCK_MONOTONIC, ns). */
static atomic_llong versions_begun;
static long long version_done;
static int64_t version_read, version_began;

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* A copy of a's public fields (no password hash). */
static void account_copy(struct account *to, const struct account *a)
{
    memset(to, 0, sizeof(*to));
    to->name = dup_or_null(a->name);
    to->role = dup_or_null(a->role);
    to->sending = dup_or_null(a->sending);
    to->mission = dup_or_null(a->mission);
    to->disabled = a->disabled;
}

static struct session_slot *session_slot(const unsigned char *hash)
{
    return &sessions[(hash[0] | (size_t)hash[1] << 8) % SESSION_SLOTS];
}

static int64_t monotonic_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Under session_mu: the kept account of hash into *a when still good at
 * data version version; 0 else. */
static int kept_at(const unsigned char *hash, int64_t version, int64_t now,
                   struct account *a)
{
    struct session_slot *s = session_slot(hash);
    int hit = s->a.name && !memcmp(s->hash, hash, sizeof(s->hash)) &&
              s->version == version && now - s->checked < SESSION_RECHECK;

    if (hit)
        account_copy(a, &s->a);
    return hit;
}

static int session_kept(const unsigned char *hash, int64_t version, int64_t now,
                        struct account *a)
{
    int hit;

    pthread_mutex_lock(&session_mu);
    hit = kept_at(hash, version, now, a);
    pthread_mutex_unlock(&session_mu);
    return hit;
}

/* The kept account of hash into *a, by the last reading of the data
 * version when it may be shared with a request that arrived when arrived
 * readings had begun, at arrived_ns; 0 else. */
static int session_shared(const unsigned char *hash, long long arrived,
                          int64_t arrived_ns, int64_t now, struct account *a)
{
    int hit;

    pthread_mutex_lock(&session_mu);
    hit = version_done &&
          (version_done > arrived ||
           arrived_ns - version_began <= VERSION_SHARE_NS) &&
          kept_at(hash, version_read, now, a);
    pthread_mutex_unlock(&session_mu);
    return hit;
}

static void session_keep(const unsigned char *hash, int64_t version,
                         int64_t now, const struct account *a)
{
    struct session_slot *s = session_slot(hash);

    pthread_mutex_lock(&session_mu);
    account_release(&s->a);
    memcpy(s->hash, hash, sizeof(s->hash));
    account_copy(&s->a, a);
    s->version = version;
    s->checked = now;
    pthread_mutex_unlock(&session_mu);
}

static void session_forget(const unsigned char *hash)
{
    struct session_slot *s = session_slot(hash);

    pthread_mutex_lock(&session_mu);
    if (!memcmp(s->hash, hash, sizeof(s->hash)))
        account_release(&s->a);
    pthread_mutex_unlock(&session_mu);
}

void auth_init(void)
{
    char pw[32];

    randombytes_buf(pw, sizeof(pw));
    if (crypto_pwhash_str(dummy_hash, pw, sizeof(pw),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE))
        BUG("out of memory for the dummy password hash");
}

/* The slot of key (a new one, or the oldest, when absent and add is 1). */
static struct fail_slot *slot(const char *key, int64_t now, int add)
{
    struct fail_slot *free_slot = NULL, *oldest = &slots[0];

    for (size_t i = 0; i < FAIL_SLOTS; i++) {
        struct fail_slot *s = &slots[i];

        if (s->key[0] && now - s->since >= FAIL_WINDOW)
            s->key[0] = '\0';
        if (!s->key[0]) {
            free_slot = free_slot ? free_slot : s;
            continue;
        }
        if (!strcmp(s->key, key))
            return s;
        if (s->since < oldest->since)
            oldest = s;
    }
    if (!add)
        return NULL;
    free_slot = free_slot ? free_slot : oldest;
    snprintf(free_slot->key, sizeof(free_slot->key), "%s", key);
    free_slot->fails = 0;
    free_slot->since = now;
    return free_slot;
}

/* 1 when key has failed limit times within the window. */
static int limited(const char *key, int limit, int64_t now)
{
    const struct fail_slot *s;
    int out;

    pthread_mutex_lock(&fail_mu);
    s = slot(key, now, 0);
    out = s && s->fails >= limit;
    pthread_mutex_unlock(&fail_mu);
    return out;
}

static void note_failure(const char *key, int64_t now)
{
    pthread_mutex_lock(&fail_mu);
    slot(key, now, 1)->fails++;
    pthread_mutex_unlock(&fail_mu);
}

static void forget_failures(const char *key, int64_t now)
{
    struct fail_slot *s;

    pthread_mutex_lock(&fail_mu);
    if ((s = slot(key, now, 0)))
        s->key[0] = '\0';
    pthread_mutex_unlock(&fail_mu);
}

static void token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token),
                       NULL, 0);
}

/* Checks password against the account's hash, or the dummy one. */
static int verify(struct request *rq, const char *user, const char *password,
                  struct err *e)
{
    struct account a;
    int found, ok;

    pthread_mutex_lock(&rq->res->side_mu);
    found = 0;
    if (store_account_get(rq->res->side, user, &a, &found, e)) {
        pthread_mutex_unlock(&rq->res->side_mu);
        return -1;
    }
    pthread_mutex_unlock(&rq->res->side_mu);
    ok = !crypto_pwhash_str_verify(found ? a.hash : dummy_hash, password,
                                   strlen(password)) &&
         found && !a.disabled;
    account_release(&a);
    return ok;
}

static enum status open_session(struct request *rq, const char *user,
                                int64_t now, char token[AUTH_TOKEN_BUF],
                                struct err *e)
{
    unsigned char raw[32], hash[32];
    enum status rc;

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(token, AUTH_TOKEN_BUF, raw, sizeof(raw));
    token_hash(token, hash);
    pthread_mutex_lock(&rq->res->side_mu);
    rc =
        store_session_add(rq->res->side, hash, user, now, now + SESSION_TTL, e);
    pthread_mutex_unlock(&rq->res->side_mu);
    return rc;
}

enum status auth_sign_in(struct request *rq, const char *user,
                         const char *password, char token[AUTH_TOKEN_BUF],
                         struct err *e)
{
    char ukey[160], akey[160];
    int64_t now = (int64_t)time(NULL);
    int ok;

    snprintf(ukey, sizeof(ukey), "u:%.150s", user);
    snprintf(akey, sizeof(akey), "a:%.150s", rq->address);
    if (limited(ukey, FAILS_PER_ACCOUNT, now) ||
        limited(akey, FAILS_PER_ADDRESS, now)) {
        rq->code = 429;
        return err_set(e, ST_USAGE, "too many failed logins; try later");
    }
    if ((ok = verify(rq, user, password, e)) < 0)
        return ST_ERROR;
    if (!ok) {
        note_failure(ukey, now);
        note_failure(akey, now);
        rq->code = 401;
        return err_set(e, ST_USAGE, "wrong user or password");
    }
    forget_failures(ukey, now);
    return open_session(rq, user, now, token, e);
}

enum status auth_login(struct request *rq, struct buf *out, struct err *e)
{
    char token[AUTH_TOKEN_BUF], *text;
    const char *user, *password;
    json_t *body, *j;
    enum status rc;

    if (request_json(rq, &body, e))
        return e->status;
    if (json_unpack(body, "{s:s, s:s !}", "user", &user, "password",
                    &password)) {
        json_decref(body);
        return err_set(e, ST_USAGE,
                       "the body must be {\"user\", "
                       "\"password\"}, both strings");
    }
    rc = auth_sign_in(rq, user, password, token, e);
    json_decref(body);
    if (rc)
        return rc;
    j = json_pack("{s:s}", "token", token);
    text = json_dumps(j, 0);
    buf_addstr(out, text);
    buf_addch(out, '\n');
    free(text);
    json_decref(j);
    return ST_OK;
}

enum status auth_logout(struct request *rq, struct buf *out, struct err *e)
{
    unsigned char hash[32];
    enum status rc;

    token_hash(rq->token, hash);
    session_forget(hash);
    pthread_mutex_lock(&rq->res->side_mu);
    rc = store_session_revoke(rq->res->side, hash, e);
    pthread_mutex_unlock(&rq->res->side_mu);
    if (!rc)
        buf_addstr(out, "{}\n");
    return rc;
}

/* Under side_mu: reads the data version, kept as the last reading. */
static enum status read_version(struct store *side, int64_t *version,
                                struct err *e)
{
    int64_t began = monotonic_ns();
    long long n = atomic_fetch_add(&versions_begun, 1) + 1;

    if (store_data_version(side, version, e))
        return e->status;
    pthread_mutex_lock(&session_mu);
    if (n > version_done) {
        version_done = n;
        version_read = *version;
        version_began = began;
    }
    pthread_mutex_unlock(&session_mu);
    return ST_OK;
}

/* Under side_mu: the account of the session of hash, kept or found. */
static enum status find_session(struct request *rq, const unsigned char *hash,
                                int64_t now, int *found, struct err *e)
{
    int64_t version;
    enum status rc;

    rc = read_version(rq->res->side, &version, e);
    if (!rc && !(*found = session_kept(hash, version, now, &rq->account))) {
        rc = store_session_find(rq->res->side, hash, now, SESSION_IDLE,
                                &rq->account, found, e);
        if (!rc && *found)
            session_keep(hash, version, now, &rq->account);
    }
    return rc;
}

/* The role and scope of rq's account, found. */
static enum status signed_in(struct request *rq)
{
    rq->role = role_bit(rq->account.role);
    if (rq->role == ROLE_LIAISON) {
        rq->scope.sending = rq->account.sending;
        rq->scope.mission = rq->account.mission;
        if (!rq->scope.sending && !rq->scope.mission)
            rq->scope.mission = ""; /* no scope: nothing is its own */
    }
    rq->scope.withhold_personal = rq->role == ROLE_ANALYST;
    return ST_OK;
}

enum status request_authenticate(struct request *rq, struct err *e)
{
    unsigned char hash[32];
    int64_t now = (int64_t)time(NULL);
    int64_t arrived_ns = monotonic_ns();
    long long arrived = atomic_load(&versions_begun);
    enum status rc;
    int found = 0;

    rq->role = ROLE_PUBLIC;
    if (!rq->token)
        return ST_OK;
    token_hash(rq->token, hash);
    if (session_shared(hash, arrived, arrived_ns, now, &rq->account))
        return signed_in(rq);
    pthread_mutex_lock(&rq->res->side_mu);
    rc = session_shared(hash, arrived, arrived_ns, now, &rq->account)
             ? (found = 1, ST_OK)
             : find_session(rq, hash, now, &found, e);
    /* The connection lost (PostgreSQL failing over): once more on the
     * connection made again, else 503, for the client to try again. */
    if (rc && store_connection_lost(rq->res->side) &&
        (rc = find_session(rq, hash, now, &found, e)) &&
        store_connection_lost(rq->res->side))
        rq->code = 503;
    pthread_mutex_unlock(&rq->res->side_mu);
    if (rc)
        return rc;
    if (!found) {
        rq->code = 401;
        return err_set(e, ST_USAGE, "the token names no live session");
    }
    return signed_in(rq);
}
