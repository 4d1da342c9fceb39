/*
 * Fuzzes what `chancery serve` reads from a request, without a socket: the
 * input is "METHOD TARGET" on its first line and the body after it. The
 * target is split at '?', its path percent-decoded and matched against the
 * route table (route_match), its query split at '&' and '=' with each
 * pair decoded and checked against the route's parameters
 * (request_add_param), and the body checked against the JSON limits and
 * parsed (request_json), as server.c does. Then a route that reads the
 * registry runs its handler on the small registry of tests/fuzz/registry/,
 * as an officer and as a liaison of RUS: no parameter may crash it, and a
 * JSON answer must parse. Routes that need the database (sessions, the
 * change log, notifications) stop after the parsing.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <string.h>

#include "base/xalloc.h"
#include "fuzz.h"
#include "http/http.h"

#define TARGET_MAX 4096

/* Routes whose handlers use the database (rq->res), not only rq->s: the
 * published lists read their checkpoint's root from the tree. */
static int needs_store(const struct route *r)
{
    static const char *const prefixes[] = {
        "/api/v1/login",
        "/api/v1/logout",
        "/api/v1/history",
        "/api/v1/audit",
        "/api/v1/notifications",
        "/api/v1/lists",
        NULL,
    };

    if (r->reads == READS_NONE && strcmp(r->pattern, "/openapi.json"))
        return 1;
    for (int i = 0; prefixes[i]; i++)
        if (!strncmp(r->pattern, prefixes[i], strlen(prefixes[i])))
            return 1;
    return 0;
}

/* Splits query (changed in place) into rq's parameters; 0 on a refusal. */
static int take_query(struct request *rq, const struct route *r, char *query)
{
    struct err e;

    for (char *pair = query, *next; pair && *pair; pair = next) {
        char *eq;

        if ((next = strchr(pair, '&')))
            *next++ = '\0';
        if ((eq = strchr(pair, '=')))
            *eq++ = '\0';
        MHD_http_unescape(pair);
        if (eq)
            MHD_http_unescape(eq);
        if (request_add_param(rq, r, pair, eq, &e))
            return 0;
        if (request_param(rq, "as_known_on"))
            return 0; /* the server loads another registry for it */
    }
    return 1;
}

static void run(struct request *rq, const struct route *r, struct snapshot *s,
                const struct view_scope *scope)
{
    struct buf out;
    struct err e;
    json_t *v;

    rq->s = rq->own = s;
    rq->scope = *scope;
    rq->content_type = NULL;
    rq->code = 0;
    buf_init(&out, BUF_MAX_DEFAULT);
    err_clear(&e);
    if (!r->handler(rq, &out, &e) && !rq->content_type) {
        if (!(v = json_loadb(out.data, out.len, 0, NULL)))
            fuzz_die(r->pattern, "an answer that is no JSON");
        json_decref(v);
    }
    buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct view_scope liaison = { "RUS", NULL, 0 };
    const char *nl = memchr(data, '\n', size);
    size_t head = nl ? (size_t)(nl - (const char *)data) : size;
    char line[TARGET_MAX + 1], *target, *query;
    const struct route *r;
    struct request rq;
    struct snapshot s;
    int known;
    json_t *body;
    struct err e;

    if (head > TARGET_MAX)
        return 0;
    memcpy(line, data, head);
    line[head] = '\0';
    if (strlen(line) != head || !(target = strchr(line, ' ')))
        return 0;
    *target++ = '\0';
    if ((query = strchr(target, '?')))
        *query++ = '\0';
    MHD_http_unescape(target);
    memset(&rq, 0, sizeof(rq));
    rq.method = line;
    rq.path = target;
    rq.today = 18965; /* 2021-12-04 */
    rq.role = ROLE_OFFICER;
    if (!(r = route_match(line, target, rq.captures, &known)) ||
        (query && !take_query(&rq, r, query)))
        return 0;
    rq.body = nl ? nl + 1 : NULL;
    rq.body_len = nl ? size - head - 1 : 0;
    if (!request_json(&rq, &body, &e))
        json_decref(body);
    if (needs_store(r))
        return 0;
    fuzz_snapshot(&s, 1);
    run(&rq, r, &s, &VIEW_SCOPE_ALL);
    run(&rq, r, &s, &liaison);
    snapshot_release(&s);
    return 0;
}
