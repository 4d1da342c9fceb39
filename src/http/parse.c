/*
 * The parts of reading a request that need no socket, so that the server
 * and the fuzz harness (tests/fuzz/fuzz-http.c) run the same code: a query
 * parameter checked against its route's list, and a JSON body checked
 * against the limits before jansson parses it. The limits scan is one
 * pass over the bytes that tracks nesting and string lengths, so a body
 * of a million '[' is refused before any parser recurses into it, and a
 * megabyte string never reaches a handler.
 */
#include "http/http.h"

const char *param_name(const char *entry)
{
    return entry + (*entry == '!' || *entry == '*');
}

enum status request_add_param(struct request *rq, const struct route *r,
                              const char *key, const char *value, struct err *e)
{
    const char *entry = NULL;

    for (int i = 0; r->params[i] && !entry; i++)
        if (!strcmp(param_name(r->params[i]), key))
            entry = r->params[i];
    if (!entry)
        return err_set(e, ST_USAGE, "unknown parameter '%.100s'", key);
    if (!value)
        return err_set(e, ST_USAGE, "parameter '%s' without a value", key);
    if (strlen(value) > HTTP_PARAM_MAX)
        return err_set(e, ST_USAGE, "parameter '%s' is longer than %d bytes",
                       key, HTTP_PARAM_MAX);
    if (*entry != '*' && request_param(rq, key))
        return err_set(e, ST_USAGE, "parameter '%s' given twice", key);
    if (rq->n_params == MAX_PARAMS)
        return err_set(e, ST_USAGE, "more than %d parameters", MAX_PARAMS);
    rq->params[rq->n_params++] = (struct param){ key, value };
    return ST_OK;
}

enum status request_check_required(const struct request *rq,
                                   const struct route *r, struct err *e)
{
    for (int i = 0; r->params[i]; i++)
        if (r->params[i][0] == '!' &&
            !request_param(rq, param_name(r->params[i])))
            return err_set(e, ST_USAGE, "%s is required",
                           param_name(r->params[i]));
    return ST_OK;
}

enum status http_json_check(const char *text, size_t n, struct err *e)
{
    size_t depth = 0, run = 0;
    int in_string = 0;

    for (size_t i = 0; i < n; i++) {
        char c = text[i];

        if (in_string) {
            if (c == '\\' && i + 1 < n) {
                i++;
                run += 2;
            } else if (c == '"') {
                in_string = 0;
            } else {
                run++;
            }
            if (run > HTTP_JSON_STRING_MAX)
                return err_set(e, ST_USAGE,
                               "a string of the body is longer than %d bytes",
                               HTTP_JSON_STRING_MAX);
        } else if (c == '"') {
            in_string = 1;
            run = 0;
        } else if (c == '[' || c == '{') {
            if (++depth > HTTP_JSON_DEPTH_MAX)
                return err_set(e, ST_USAGE,
                               "the body nests deeper than %d levels",
                               HTTP_JSON_DEPTH_MAX);
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        }
    }
    return ST_OK;
}

enum status request_json(const struct request *rq, json_t **out, struct err *e)
{
    const char *text = rq->body ? rq->body : "";
    json_error_t je;

    *out = NULL;
    if (http_json_check(text, rq->body_len, e))
        return e->status;
    *out = json_loadb(text, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!*out)
        return err_set(e, ST_USAGE, "malformed JSON: %s", je.text);
    return ST_OK;
}
