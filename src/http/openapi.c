/*
 * /openapi.json: the OpenAPI 3.1 document of the route table, generated
 * from it (jansson builds it) so that the document cannot drift from what
 * the server answers: every route, its path and query parameters, its
 * body (ROUTE_BODIES), who may call it, and every error it may answer,
 * each an {"error": "..."}.
 */
#include <jansson.h>

#include "http/http.h"

static const char *const ERRORS[][2] = {
    { "400", "usage: a bad or unknown parameter, a malformed body" },
    { "401", "no live session for the bearer token" },
    { "403", "the route is not for the caller's role" },
    { "404", "no such route or record (or outside a liaison's scope)" },
    { "405", "the path exists under another method" },
    { "413", "the body is larger than 1 MiB" },
    { "422", "invalid input: nothing was written" },
    { "429", "too many failed logins" },
    { "500", "the server failed" },
};

static json_t *parameter(const char *name, const char *in)
{
    return json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", name, "in", in,
                     "required", !strcmp(in, "path"), "schema", "type",
                     "string");
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

/* The requestBody of route r, or NULL when it takes none. */
static json_t *request_body(const struct route *r)
{
    for (const struct route_body *b = ROUTE_BODIES; b->method; b++)
        if (!strcmp(b->method, r->method) && !strcmp(b->pattern, r->pattern))
            return json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
                             "application/json", "schema",
                             json_loads(b->schema, 0, NULL));
    return NULL;
}

static json_t *operation(const struct route *r)
{
    json_t *body = request_body(r);
    json_t *params = json_array(), *responses = json_object();
    json_t *op;

    for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
        char name[64];
        size_t n = strcspn(p + 1, "}");

        snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
        json_array_append_new(params, parameter(name, "path"));
    }
    for (int i = 0; r->params[i]; i++)
        json_array_append_new(params, parameter(r->params[i], "query"));
    json_object_set_new(responses, "200",
                        json_pack("{s:s, s:{s:{s:{}}}}", "description", "ok",
                                  "content", "application/json", "schema"));
    for (size_t i = 0; i < sizeof(ERRORS) / sizeof(*ERRORS); i++)
        json_object_set_new(responses, ERRORS[i][0],
                            json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
                                      ERRORS[i][1], "content",
                                      "application/json", "schema", "$ref",
                                      "#/components/schemas/Error"));
    op = json_pack("{s:s, s:o, s:o, s:o}", "summary", r->summary, "parameters",
                   params, "responses", responses, "x-roles", roles(r->roles));
    if (body)
        json_object_set_new(op, "requestBody", body);
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
