/*
 * /openapi.json: the OpenAPI 3.1 document of the route table, generated
 * from it (jansson builds it) so that the document cannot drift from what
 * the server answers: every route, its path and query parameters (which
 * are required, which repeat), its body, who may call it, and every error
 * it may answer, each an {"error": "..."}. ROUTE_DOCS adds what a route's
 * entry does not say: its body's schema and a media type other than JSON.
 */
#include <jansson.h>

#include "base/status.h"
#include "http/http.h"
#include "store/idempotency.h"

static const char LOGIN_BODY[] =
    "{\"type\": \"object\", \"required\": [\"user\", \"password\"], "
    "\"properties\": {\"user\": {\"type\": \"string\"}, "
    "\"password\": {\"type\": \"string\"}}, "
    "\"additionalProperties\": false}";

#define LIST   "{\"type\": \"array\", \"items\": {\"type\": \"object\"}}"
#define RECORD "{\"type\": \"object\"}"

/* A notification is the object of `notify FILE.json`, whose fields depend
 * on its kind (docs/registry.md): the schema names the common ones. */
#define NOTIFICATION_SCHEMA                                                   \
    "{\"type\":\"object\",\"required\":[\"kind\",\"mission\"],"               \
    "\"properties\":{\"kind\":{\"enum\":[\"appointment\",\"arrival\","        \
    "\"change\",\"dependent_join\",\"dependent_leave\",\"termination\","      \
    "\"transfer\",\"dependent_accredit\",\"correction\"]},"                   \
    "\"mission\":{\"type\":\"string\"},\"person\":{},\"posting\":{},"         \
    "\"dependents\":{\"type\":\"array\"},\"replaces\":{\"type\":\"string\"}," \
    "\"justification\":{\"type\":\"string\"}}}"

#define DECISION_SCHEMA                                             \
    "{\"type\":\"object\",\"required\":[\"decision\"],"             \
    "\"additionalProperties\":false,\"properties\":{\"decision\":"  \
    "{\"enum\":[\"accept\",\"refuse\",\"return\"]},\"grounds\":"    \
    "{\"type\":\"string\",\"description\":\"required to refuse or " \
    "return\"}}}"

const struct route_doc ROUTE_DOCS[] = {
    { "POST", "/api/v1/login", LOGIN_BODY, NULL,
      "{\"type\": \"object\", \"required\": [\"token\"], \"properties\": "
      "{\"token\": {\"type\": \"string\", \"pattern\": "
      "\"^[0-9a-f]{64}$\"}}}" },
    { "GET", "/api/v1/missions", NULL, NULL, LIST },
    { "GET", "/api/v1/missions/{id}", NULL, NULL, RECORD },
    { "GET", "/api/v1/persons", NULL, NULL, LIST },
    { "GET", "/api/v1/persons/{id}", NULL, NULL, RECORD },
    { "GET", "/api/v1/postings", NULL, NULL, LIST },
    { "GET", "/api/v1/postings/{id}", NULL, NULL, RECORD },
    { "GET", "/api/v1/visas", NULL, NULL, LIST },
    { "GET", "/api/v1/visas/{id}", NULL, NULL, RECORD },
    { "GET", "/api/v1/policies", NULL, NULL, LIST },
    { "GET", "/api/v1/policies/{id}", NULL, NULL, RECORD },
    { "GET", "/api/v1/check", NULL, NULL, RECORD },
    { "GET", "/api/v1/findings/{id}/explain", NULL, NULL,
      "{\"type\": \"object\", \"required\": [\"id\", \"explain\"]}" },
    { "GET", "/api/v1/plan/{s1}/{s2}", NULL, NULL,
      "{\"type\": \"object\", \"required\": [\"departures\", \"proof\"]}" },
    { "GET", "/api/v1/audit/checkpoint", NULL, "text/plain", NULL },
    { "GET", "/api/v1/parity/{s1}/{s2}.svg", NULL, "image/svg+xml", NULL },
    { "GET", "/openapi.json", NULL, NULL,
      "{\"type\": \"object\", \"required\": [\"openapi\", \"paths\"]}" },
    { "POST", "/api/v1/notifications", NOTIFICATION_SCHEMA, NULL, NULL },
    { "POST", "/api/v1/notifications/{id}/resubmit", NOTIFICATION_SCHEMA, NULL,
      NULL },
    { "POST", "/api/v1/notifications/{id}/decision", DECISION_SCHEMA, NULL,
      NULL },
    { "POST", "/api/v1/notifications/{id}/withdraw",
      "{\"type\":\"object\",\"additionalProperties\":false}", NULL, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

/* A schema of the document, parsed. */
static json_t *schema(const struct route *r, const char *text)
{
    json_t *v = json_loads(text, 0, NULL);

    if (!v)
        BUG("a schema of %s %s is no JSON", r->method, r->pattern);
    return v;
}

static const struct route_doc *doc_of(const struct route *r)
{
    static const struct route_doc none = { NULL, NULL, NULL, NULL, NULL };

    for (const struct route_doc *d = ROUTE_DOCS; d->method; d++)
        if (!strcmp(d->method, r->method) && !strcmp(d->pattern, r->pattern))
            return d;
    return &none;
}

/* The errors every route may answer, and those of some. */
static const char *const ERRORS[][2] = {
    { "400", "usage: a bad, unknown, repeated or missing parameter, a "
             "malformed body" },
    { "401", "no live session for the bearer token (or a failed login)" },
    { "404", "no such route or record (or outside a liaison's scope)" },
    { "405", "the path exists under another method" },
    { "413", "the body is larger than 1 MiB" },
    { "414", "the URL is longer than 8 KiB" },
    { "422", "invalid input: nothing was written" },
    { "431", "the headers pass 16 KiB or 64 fields" },
    { "500", "the server failed" },
};
static const char *const FORBIDDEN = "the route is not for the caller's role";
static const char *const TOO_MANY = "too many failed logins";
static const char *const UNAVAILABLE =
    "database unavailable (PostgreSQL failing over): the error says "
    "whether nothing was written or whether it was written is unknown";
static const char *const CONFLICT =
    "the notification's state forbids the step, or another write came first";

static json_t *parameter(const char *entry, const char *in)
{
    int path = !strcmp(in, "path"), many = entry[0] == '*';
    json_t *p = json_pack("{s:s, s:s, s:b}", "name", param_name(entry), "in",
                          in, "required", path || entry[0] == '!');

    if (many) {
        json_object_set_new(p, "schema",
                            json_pack("{s:s, s:{s:s}}", "type", "array",
                                      "items", "type", "string"));
        json_object_set_new(p, "style", json_string("form"));
        json_object_set_new(p, "explode", json_true());
    } else {
        json_object_set_new(p, "schema", json_pack("{s:s}", "type", "string"));
    }
    return p;
}

/* The Idempotency-Key header of a write (docs/api.md). */
static json_t *idempotency_key(void)
{
    return json_pack("{s:s, s:s, s:b, s:s, s:{s:s, s:i, s:i, s:s}}", "name",
                     "Idempotency-Key", "in", "header", "required", 0,
                     "description",
                     "the client's name for this write: sent again with "
                     "the same body, the recorded answer is replayed and "
                     "nothing is written (24 hours)",
                     "schema", "type", "string", "minLength", 1, "maxLength",
                     IDEM_KEY_MAX, "pattern", "^[A-Za-z0-9._:-]+$");
}

static json_t *error_response(const char *text)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", text, "content",
                     "application/json", "schema", "$ref",
                     "#/components/schemas/Error");
}

static json_t *responses(const struct route *r, const struct route_doc *d)
{
    json_t *all = json_object();

    json_object_set_new(
        all, "200",
        json_pack("{s:s, s:{s:{s:o}}}", "description", "ok", "content",
                  d->type ? d->type : "application/json", "schema",
                  d->answer ? schema(r, d->answer) : json_object()));
    for (size_t i = 0; i < sizeof(ERRORS) / sizeof(*ERRORS); i++)
        json_object_set_new(all, ERRORS[i][0], error_response(ERRORS[i][1]));
    if (route_writes(r)) {
        json_object_set_new(
            json_object_get(all, "200"), "headers",
            json_pack("{s:{s:s, s:{s:[s]}}}", "Idempotent-Replayed",
                      "description",
                      "the answer recorded for the Idempotency-Key, "
                      "replayed: nothing was written",
                      "schema", "enum", "true"));
        json_object_set_new(all, "503", error_response(UNAVAILABLE));
    }
    if (!(r->roles & ROLE_PUBLIC))
        json_object_set_new(all, "403", error_response(FORBIDDEN));
    if (r->handler == auth_login)
        json_object_set_new(all, "429", error_response(TOO_MANY));
    else if (!strcmp(r->method, "POST") && strstr(r->pattern, "notifications"))
        json_object_set_new(all, "409", error_response(CONFLICT));
    return all;
}

/* "get_api_v1_missions_id": the method and the path's words. */
static json_t *operation_id(const struct route *r)
{
    char id[256];
    size_t n = 0;

    for (size_t i = 0; r->method[i] && n + 1 < sizeof(id); i++)
        id[n++] = (char)(r->method[i] | 0x20);
    for (const char *p = r->pattern; *p && n + 1 < sizeof(id); p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            id[n++] = *p;
        else if (n && id[n - 1] != '_')
            id[n++] = '_';
    while (n && id[n - 1] == '_')
        n--;
    id[n] = '\0';
    return json_string(id);
}

static json_t *roles(unsigned set)
{
    static const char *const names[] = { "officer", "liaison", "analyst",
                                         "auditor", "public" };
    json_t *a = json_array();

    for (unsigned i = 0; i < 5; i++)
        if (set & (1u << i))
            json_array_append_new(a, json_string(names[i]));
    return a;
}

static json_t *operation(const struct route *r)
{
    const struct route_doc *d = doc_of(r);
    json_t *params = json_array(), *op;

    for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
        char name[64];
        size_t n = strcspn(p + 1, "}");

        snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
        json_array_append_new(params, parameter(name, "path"));
    }
    for (int i = 0; r->params[i]; i++)
        json_array_append_new(params, parameter(r->params[i], "query"));
    if (route_writes(r))
        json_array_append_new(params, idempotency_key());
    op = json_pack("{s:o, s:s, s:o, s:o, s:o}", "operationId", operation_id(r),
                   "summary", r->summary, "parameters", params, "responses",
                   responses(r, d), "x-roles", roles(r->roles));
    if (d->body)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:{s:{s:o}}}", "required", 1,
                                      "content", "application/json", "schema",
                                      schema(r, d->body)));
    if (!(r->roles & ROLE_PUBLIC))
        json_object_set_new(op, "security", json_pack("[{s:[]}]", "bearer"));
    return op;
}

void http_openapi(struct buf *b)
{
    json_t *paths = json_object(), *doc;
    char *text, method[8];

    for (const struct route *r = ROUTES; r->method; r++) {
        json_t *item = json_object_get(paths, r->pattern);
        size_t i;

        if (!item) {
            item = json_object();
            json_object_set_new(paths, r->pattern, item);
        }
        for (i = 0; r->method[i] && i + 1 < sizeof(method); i++)
            method[i] = (char)(r->method[i] | 0x20); /* lower case */
        method[i] = '\0';
        json_object_set_new(item, method, operation(r));
    }
    doc = json_pack(
        "{s:s, s:{s:s, s:s}, s:o, s:{s:{s:{s:s, s:[s], s:{s:{s:s}}}}, "
        "s:{s:{s:s, s:s}}}}",
        "openapi", "3.1.0", "info", "title", "chancery", "version", "1",
        "paths", paths, "components", "schemas", "Error", "type", "object",
        "required", "error", "properties", "error", "type", "string",
        "securitySchemes", "bearer", "type", "http", "scheme", "bearer");
    text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    buf_addstr(b, text);
    buf_addch(b, '\n');
    free(text);
    json_decref(doc);
}
