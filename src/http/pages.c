/*
 * The web pages of `chancery serve`: every path outside /api/ and
 * /openapi.json. One path for every page request, like server.c's for the
 * API: static file or route (404/405), query parameters, session cookie
 * (an unknown or ended session is signed out, and the sign-in page says
 * so), role (anonymous: to the sign-in page; another role: 403), CSRF
 * token on every POST, registry snapshot, handler, and the answer with
 * the security headers every page carries (a Content-Security-Policy
 * allowing only this server's own style sheet and script, no framing, no
 * sniffing, no caching of pages).
 *
 * The session is the API's (auth.c): the cookie holds the token itself,
 * HttpOnly, SameSite=Strict, Secure on TLS. The CSRF token of a session
 * is a keyed BLAKE2b hash of the session token, so it needs no storage
 * and dies with the session; the sign-in form, which has no session yet,
 * uses a random pre-session cookie echoed in the form (double submit).
 */
#include "http/pages.h"

#include <microhttpd.h>
#include <sodium.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "http/assets.h"
#include "store/idempotency.h"

#define COOKIE     "chancery_session"
#define PRE_COOKIE "chancery_signin"

static const char CSP[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'";

int pages_path(const char *url)
{
    return strncmp(url, "/api/", 5) && strcmp(url, "/api") &&
           strcmp(url, "/openapi.json");
}

const char *page_param(const struct page_rq *p, const char *name)
{
    return request_param(&p->rq, name);
}

const char *page_form(const struct page_rq *p, const char *name)
{
    for (int i = 0; i < p->n_form; i++)
        if (!strcmp(p->form[i].name, name))
            return p->form[i].value;
    return NULL;
}

void page_idem_field(struct page_rq *p)
{
    unsigned char raw[16];
    char hex[2 * sizeof(raw) + 1];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    page_fmt(&p->out,
             "<input type=\"hidden\" name=\"idem\" value=\"form-%s\">\n", hex);
}

enum status page_idem_key(const struct page_rq *p, char *key, struct err *e)
{
    const char *v = page_form(p, "idem");

    key[0] = '\0';
    if (!v)
        return ST_OK;
    if (idem_key_check(v, e)) {
        err_prefix(e, "form: idem");
        return e->status;
    }
    snprintf(key, IDEM_KEY_MAX + 1, "%s", v);
    return ST_OK;
}

enum status page_date(const struct page_rq *p, const char *name, int32_t def,
                      int32_t *out, struct err *e)
{
    const char *v = page_param(p, name);

    *out = def;
    if (v && *v && date_parse(v, out, e)) {
        err_prefix(e, "%s", name);
        return e->status = ST_USAGE;
    }
    return ST_OK;
}

size_t page_offset(const struct page_rq *p)
{
    const char *v = page_param(p, "offset");
    char *end;
    unsigned long long n;

    if (!v)
        return 0;
    n = strtoull(v, &end, 10);
    return *end || n > (1ull << 32) ? 0 : (size_t)n;
}

uint32_t page_own_mission(const struct page_rq *p)
{
    if (!p->rq.scope.mission || !*p->rq.scope.mission)
        return IDMAP_NONE;
    return snapshot_find(p->rq.s, ENT_MISSION, p->rq.scope.mission);
}

static void open_frame(struct page_rq *p, const char *title, const char *active,
                       int print)
{
    struct page_frame f = {
        title, p->rq.account.name, p->rq.account.role, NULL, p->csrf, active,
        print
    };

    if (p->rq.role == ROLE_LIAISON)
        f.scope = p->rq.scope.mission && *p->rq.scope.mission
                      ? p->rq.scope.mission
                      : p->rq.scope.sending;
    page_begin(&p->out, &f);
}

void page_memo_key(const struct page_rq *p, const char *what, struct buf *key)
{
    page_memo_key_at(p, what, p->rq.s_seq, key);
}

void page_memo_key_at(const struct page_rq *p, const char *what, int64_t seq,
                      struct buf *key)
{
    buf_addf(key, "%s %lld %ld %ld %u %s %s %d", what, (long long)seq,
             (long)p->as_known_on, (long)p->rq.today, p->rq.role,
             p->rq.scope.sending ? p->rq.scope.sending : "-",
             p->rq.scope.mission ? p->rq.scope.mission : "-",
             p->rq.scope.withhold_personal);
    for (int i = 0; i < p->rq.n_params; i++)
        buf_addf(key, "\x1f%s=%s", p->rq.params[i].name,
                 p->rq.params[i].value ? p->rq.params[i].value : "");
}

void page_open(struct page_rq *p, const char *title, const char *active)
{
    open_frame(p, title, active, 0);
}

void page_open_print(struct page_rq *p, const char *title, const char *active)
{
    open_frame(p, title, active, 1);
}

void page_close(struct page_rq *p)
{
    page_end(&p->out);
}

void page_redirect(struct page_rq *p, const char *path)
{
    /* Only local paths: "//host" would leave the site. */
    if (path[0] != '/' || path[1] == '/' || path[1] == '\\')
        path = "/";
    snprintf(p->location, sizeof(p->location), "%s", path);
}

/* ---- sessions and tokens ---- */

static void csrf_of(const char *session, char out[AUTH_TOKEN_BUF])
{
    static const unsigned char key[] = "chancery csrf token v1 ........";
    unsigned char h[32];

    crypto_generichash(h, sizeof(h), (const unsigned char *)session,
                       strlen(session), key, 32);
    sodium_bin2hex(out, AUTH_TOKEN_BUF, h, sizeof(h));
}

static void set_cookie(struct page_rq *p, int slot, const char *name,
                       const char *value, int max_age)
{
    snprintf(p->cookies[slot], sizeof(p->cookies[slot]),
             "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s%d", name, value,
             p->secure ? "; Secure" : "", "; Max-Age=", max_age);
}

/* 1 when a and b are equal tokens (in constant time). */
static int same_token(const char *a, const char *b)
{
    size_t n = strlen(a);

    return n && n == strlen(b) && !sodium_memcmp(a, b, n);
}

/* ---- the sign-in page, sign-out and home ---- */

static void signin_form(struct page_rq *p, const char *message,
                        const char *kind, const char *user)
{
    unsigned char raw[16];
    char pre[33];
    const char *next = page_param(p, "next");
    struct page_field fu = { "user", "User name", "text", user,
                             NULL,   NULL,        NULL,   1 };
    struct page_field fp = { "password", "Password", "password", NULL,
                             NULL,       NULL,       NULL,       1 };

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(pre, sizeof(pre), raw, sizeof(raw));
    set_cookie(p, 1, PRE_COOKIE, pre, 600);
    page_open(p, "Sign in", "/login");
    if (message)
        page_message(&p->out, kind, message);
    page_para(&p->out, "Officers, liaisons, analysts and auditors sign in "
                       "with the account their office gave them. The "
                       "published lists need no account.");
    page_form_begin(&p->out, "/login", pre);
    if (next && next[0] == '/' && next[1] != '/')
        page_fmt(&p->out, "<input type=\"hidden\" name=\"next\" value=\"%s\">",
                 next);
    page_field(&p->out, &fu);
    page_field(&p->out, &fp);
    page_form_end(&p->out, "Sign in");
    page_close(p);
}

static enum status login_get(struct page_rq *p, struct err *e)
{
    (void)e;
    if (p->rq.account.name) {
        page_redirect(p, "/");
        return ST_OK;
    }
    signin_form(p,
                p->expired || page_param(p, "expired")
                    ? "Your session has ended. Sign in again."
                    : NULL,
                "warning", NULL);
    return ST_OK;
}

static enum status login_post(struct page_rq *p, struct err *e)
{
    char token[AUTH_TOKEN_BUF];
    const char *user = page_form(p, "user"), *pw = page_form(p, "password");
    const char *next = page_form(p, "next");

    if (!user || !pw || !*user) {
        p->rq.code = 422;
        signin_form(p, "Give a user name and a password.", "error", user);
        return ST_OK;
    }
    if (auth_sign_in(&p->rq, user, pw, token, e)) {
        if (e->status == ST_ERROR)
            return e->status;
        signin_form(p,
                    p->rq.code == 429
                        ? "Too many failed sign-ins; try again later."
                        : "Wrong user name or password.",
                    "error", user);
        return ST_OK;
    }
    set_cookie(p, 0, COOKIE, token, 12 * 3600);
    set_cookie(p, 1, PRE_COOKIE, "", 0);
    page_redirect(p, next ? next : "/");
    return ST_OK;
}

static enum status logout_post(struct page_rq *p, struct err *e)
{
    struct buf scratch;
    enum status rc;

    buf_init(&scratch, 64);
    p->rq.token = p->session;
    rc = auth_logout(&p->rq, &scratch, e);
    buf_release(&scratch);
    if (rc)
        return rc;
    set_cookie(p, 0, COOKIE, "", 0);
    page_redirect(p, "/login");
    return ST_OK;
}

/* Public visitors' home: the lists. */
static enum status home_public(struct page_rq *p)
{
    page_open(p, "Registry of foreign missions", "/");
    page_para(&p->out,
              "The published lists of this protocol office, open to all:");
    page_raw(&p->out,
             "<ul class=\"cards\">"
             "<li><a href=\"/lists/diplomatic\">Diplomatic List</a><p>The "
             "diplomatic agents of every mission, by state, and the order "
             "of precedence of the heads of mission.</p></li>"
             "<li><a href=\"/lists/consular\">Consular List</a><p>The "
             "consular posts and their officers.</p></li>"
             "<li><a href=\"/consular/where\">Where to apply for a "
             "visa</a><p>Which posts take a national's application, and "
             "the waits.</p></li></ul>\n"
             "<p><a href=\"/login\">Sign in</a> to work on the registry.</p>");
    page_close(p);
    return ST_OK;
}

static enum status home(struct page_rq *p, struct err *e)
{
    switch (p->rq.role) {
    case ROLE_OFFICER:
        return pages_home_officer(p, e);
    case ROLE_LIAISON:
        return pages_home_liaison(p, e);
    case ROLE_ANALYST:
        return pages_home_analyst(p, e);
    case ROLE_AUDITOR:
        return pages_home_auditor(p, e);
    default:
        return home_public(p);
    }
}

static const struct page_route PAGES_CORE[] = {
    { "GET", "/", PAGE_ANYONE, home, 1 },
    { "GET", "/login", PAGE_ANYONE, login_get, 0 },
    { "POST", "/login", PAGE_ANYONE, login_post, 0 },
    { "POST", "/logout", PAGE_LOGGED, logout_post, 0 },
    { NULL, NULL, 0, NULL, 0 },
};

static const struct page_route *const TABLES[] = {
    PAGES_CORE,    PAGES_PUBLIC,  PAGES_OFFICER,
    PAGES_LIAISON, PAGES_ANALYST, PAGES_AUDITOR,
};

/* ---- matching ---- */

/* 1 when path matches pattern; the {x} segments go to caps (copied into
 * store, 256 bytes each). */
static int match(const char *pattern, const char *path,
                 char store[MAX_CAPTURES][256], const char **caps)
{
    int n = 0;

    while (*pattern && *path) {
        if (*pattern == '{') {
            size_t len = strcspn(path, "/");

            if (!len || n == MAX_CAPTURES || len >= 256)
                return 0;
            memcpy(store[n], path, len);
            store[n][len] = '\0';
            caps[n] = store[n];
            n++;
            path += len;
            pattern = strchr(pattern, '}') + 1;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return !*pattern && !*path;
}

static const struct page_route *
find_route(struct page_rq *p, char store[MAX_CAPTURES][256], int *known)
{
    *known = 0;
    for (size_t t = 0; t < sizeof(TABLES) / sizeof(TABLES[0]); t++)
        for (const struct page_route *r = TABLES[t]; r->method; r++) {
            if (!match(r->pattern, p->rq.path, store, p->rq.captures))
                continue;
            *known = 1;
            if (!strcmp(r->method, p->rq.method))
                return r;
        }
    return NULL;
}

/* ---- requests ---- */

static enum MHD_Result take_param(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value)
{
    struct request *rq = cls;

    (void)kind;
    if (rq->n_params < MAX_PARAMS && value && *value)
        rq->params[rq->n_params++] = (struct param){ key, value };
    return MHD_YES;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decodes an application/x-www-form-urlencoded value in place. */
static void url_decode(char *s)
{
    char *w = s;

    for (char *r = s; *r; r++) {
        if (*r == '+') {
            *w++ = ' ';
        } else if (*r == '%' && hexval(r[1]) >= 0 && hexval(r[2]) >= 0) {
            *w++ = (char)(hexval(r[1]) * 16 + hexval(r[2]));
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* The POST body's fields; a body not form-encoded gives none. */
static void parse_form(struct page_rq *p)
{
    char *s, *field;

    if (!p->px->body_len)
        return;
    p->form_text = xmalloc(p->px->body_len + 1);
    memcpy(p->form_text, p->px->body, p->px->body_len);
    p->form_text[p->px->body_len] = '\0';
    s = p->form_text;
    while (s && *s && p->n_form < MAX_FORM) {
        char *amp = strchr(s, '&'), *eq;

        field = s;
        s = amp ? amp + 1 : NULL;
        if (amp)
            *amp = '\0';
        eq = strchr(field, '=');
        if (!eq)
            continue;
        *eq = '\0';
        url_decode(field);
        url_decode(eq + 1);
        p->form[p->n_form++] = (struct param){ field, eq + 1 };
    }
}

/* The session of the cookie, if any: rq's account and role. */
static enum status session(struct page_rq *p, struct MHD_Connection *c,
                           struct err *e)
{
    const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);

    if (tok && strlen(tok) == 64)
        snprintf(p->session, sizeof(p->session), "%s", tok);
    p->rq.token = p->session[0] ? p->session : NULL;
    if (request_authenticate(&p->rq, e)) {
        if (p->rq.code != 401)
            return e->status;
        /* An ended session: signed out, and told so. */
        p->expired = 1;
        p->rq.code = 0;
        p->session[0] = '\0';
        p->rq.token = NULL;
        p->rq.role = ROLE_PUBLIC;
        set_cookie(p, 0, COOKIE, "", 0);
        err_clear(e);
    }
    if (p->session[0])
        csrf_of(p->session, p->csrf);
    return ST_OK;
}

/* The form's token against the session's (or, to sign in, against the
 * pre-session cookie). */
static int csrf_ok(struct page_rq *p, struct MHD_Connection *c)
{
    const char *given = page_form(p, "csrf");
    const char *pre;

    if (!given)
        return 0;
    if (!strcmp(p->rq.path, "/login")) {
        pre = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, PRE_COOKIE);
        return pre && same_token(pre, given);
    }
    return p->csrf[0] && same_token(p->csrf, given);
}

static void error_page(struct page_rq *p, int code, const char *msg)
{
    static const char *const titles[][2] = {
        { "400", "Bad request" },       { "403", "Not allowed" },
        { "404", "Not found" },         { "405", "Method not allowed" },
        { "409", "Changed meanwhile" }, { "422", "Invalid input" },
        { "500", "Server error" },      { "503", "Try again" },
    };
    char num[8];
    const char *title = "Error";

    snprintf(num, sizeof(num), "%d", code);
    for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
        if (!strcmp(titles[i][0], num))
            title = titles[i][1];
    buf_reset(&p->out);
    p->type = NULL;
    p->location[0] = '\0';
    p->rq.code = code;
    page_open(p, title, NULL);
    page_message(&p->out, "error", msg);
    page_raw(&p->out, "<p><a href=\"/\">Back to the home page</a></p>\n");
    page_close(p);
}

/* Role, token and registry, then the handler; the HTTP code. */
static int run(struct page_rq *p, struct MHD_Connection *c,
               const struct page_route *r, struct err *e)
{
    struct snap_ref *ref = NULL;
    enum status st;
    int code;

    if (!(r->roles & p->rq.role) && p->rq.role == ROLE_PUBLIC) {
        char next[300];

        snprintf(next, sizeof(next),
                 "/login?%snext=", p->expired ? "expired=1&" : "");
        buf_reset(&p->out);
        if (buf_addstr(&p->out, next))
            return 500;
        page_url(&p->out, p->rq.path);
        page_redirect(p, p->out.data);
        buf_reset(&p->out);
        return 303;
    }
    if (!(r->roles & p->rq.role))
        return err_set(e, ST_USAGE, "this page is not for the role '%s'",
                       p->rq.account.role),
               403;
    if (!strcmp(r->method, "POST")) {
        parse_form(p);
        if (!csrf_ok(p, c))
            return err_set(e, ST_USAGE,
                           "the form's security token is missing or "
                           "wrong: reload the page and send it again"),
                   403;
    }
    p->as_known_on = DATE_NONE;
    if (r->reads && !strcmp(r->method, "GET") &&
        page_date(p, "as_known_on", DATE_NONE, &p->as_known_on, e))
        return 400;
    if (r->reads) {
        if (resident_acquire(p->rq.res, p->as_known_on, &ref, e))
            return http_code(e->status);
        p->rq.s = &ref->s;
        p->rq.s_seq = ref->seq;
    }
    st = r->handler(p, e);
    if (st)
        buf_reset(&p->out); /* the error page replaces what was begun */
    if (ref)
        resident_release(p->rq.res, ref);
    code = p->rq.code ? p->rq.code : http_code(st);
    return p->location[0] ? 303 : code;
}

static enum MHD_Result reply(struct MHD_Connection *c, struct page_rq *p,
                             int code, const void *data, size_t len,
                             const char *type, int cache)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)data, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc;

    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "Cache-Control",
                            cache ? "public, max-age=300" : "no-store");
    for (int i = 0; i < 2; i++)
        if (p->cookies[i][0])
            MHD_add_response_header(r, "Set-Cookie", p->cookies[i]);
    if (p->location[0])
        MHD_add_response_header(r, "Location", p->location);
    rc = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    p->px->code = code;
    return rc;
}

static int static_file(struct MHD_Connection *c, struct page_rq *p)
{
    const char *name = p->rq.path + strlen("/static/");

    for (const struct web_asset *a = WEB_ASSETS; a->name; a++)
        if (!strcmp(a->name, name))
            return reply(c, p, 200, a->data, a->size, a->type, 1);
    error_page(p, 404, "no such file");
    return reply(c, p, 404, p->out.data, p->out.len, "text/html; charset=utf-8",
                 0);
}

static int answer(struct MHD_Connection *c, struct page_rq *p)
{
    char store[MAX_CAPTURES][256];
    const struct page_route *r = NULL;
    struct err e;
    int known = 0, code;

    err_clear(&e);
    if (!strncmp(p->rq.path, "/static/", 8) && !strcmp(p->rq.method, "GET"))
        return static_file(c, p);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, take_param, &p->rq);
    if (date_today(&p->rq.today, &e) || session(p, c, &e))
        code = p->rq.code == 503 ? 503 : 500; /* the database unreachable */
    else if (!(r = find_route(p, store, &known)))
        code = known ? (err_set(&e, ST_USAGE, "method not allowed"), 405)
                     : (err_set(&e, ST_NOT_FOUND, "there is no page '%s'",
                                p->rq.path),
                        404);
    else
        code = run(p, c, r, &e);
    if (code >= 400 && !p->out.len)
        error_page(p, code, e.msg[0] ? e.msg : "the page failed");
    if (code == 303)
        return reply(c, p, 303, "", 0, "text/html; charset=utf-8", 0);
    return reply(c, p, code, p->out.data, p->out.len,
                 p->type ? p->type : "text/html; charset=utf-8", 0);
}

int pages_dispatch(struct MHD_Connection *c, struct page_exchange *px)
{
    struct page_rq *p = xcalloc(1, sizeof(*p));
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    int rc;

    p->px = px;
    p->rq.res = px->res;
    p->rq.method = px->method;
    p->rq.path = px->url;
    p->rq.address = px->address;
    p->rq.holidays = px->holidays;
    p->secure = ci && ci->tls_session;
    buf_init(&p->out, PAGE_MAX);
    rc = answer(c, p);
    snprintf(px->account, sizeof(px->account), "%s",
             p->rq.account.name ? p->rq.account.name : "-");
    account_release(&p->rq.account);
    buf_release(&p->out);
    free(p->form_text);
    free(p);
    return rc;
}

void page_known_form(struct page_rq *p, const char *action, const char *as_of)
{
    char known[DATE_BUF] = "";
    char text[160];

    if (p->as_known_on != DATE_NONE) {
        date_format(p->as_known_on, known);
        snprintf(text, sizeof(text),
                 "As recorded on %s: the registry as it stood at the end of "
                 "that day, before any later change or correction.",
                 known);
        page_message(&p->out, "notice", text);
    }
    page_filter_begin(&p->out, action);
    if (as_of)
        page_date_field(&p->out, "as_of", "On", as_of);
    page_date_field(&p->out, "as_known_on", "As recorded on", known);
    page_filter_end(&p->out, "Show");
}
