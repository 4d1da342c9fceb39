/*
 * The page layout and its pieces (report/page.h). Escaping happens in one
 * place, esc(), for element text and attribute values alike (both quote
 * characters included, since attributes are double-quoted and a value may
 * one day be single-quoted); page_fmt escapes each %s it is given, so a
 * caller cannot paste a registry string into markup by accident. A page
 * that outgrows PAGE_MAX is a bug (it should have paginated), hence BUG
 * rather than a status on every call, as in report/html.c.
 */
#include "report/page.h"

#include <stdarg.h>
#include <stdint.h>

static void add(struct buf *b, const char *s)
{
    if (buf_addstr(b, s))
        BUG("page too large");
}

static void addn(struct buf *b, const char *s, size_t n)
{
    if (buf_add(b, s, n))
        BUG("page too large");
}

static void esc(struct buf *b, const char *text)
{
    const char *run = text;

    for (const char *c = text; *c; c++) {
        const char *rep = *c == '&'    ? "&amp;"
                          : *c == '<'  ? "&lt;"
                          : *c == '>'  ? "&gt;"
                          : *c == '"'  ? "&quot;"
                          : *c == '\'' ? "&#39;"
                                       : NULL;

        if (!rep)
            continue;
        addn(b, run, (size_t)(c - run));
        add(b, rep);
        run = c + 1;
    }
    add(b, run);
}

void page_raw(struct buf *b, const char *markup)
{
    add(b, markup);
}

void page_text(struct buf *b, const char *text)
{
    esc(b, text ? text : "");
}

/* One conversion of page_fmt: spec is "%[l|ll|z]c". */
static const char *convert(struct buf *b, const char *p, va_list *ap)
{
    char num[32];

    if (*p == 's') {
        esc(b, va_arg(*ap, const char *));
        return p + 1;
    }
    if (*p == 'd') {
        snprintf(num, sizeof(num), "%d", va_arg(*ap, int));
    } else if (*p == 'u') {
        snprintf(num, sizeof(num), "%u", va_arg(*ap, unsigned));
    } else if (p[0] == 'z' && p[1] == 'u') {
        snprintf(num, sizeof(num), "%zu", va_arg(*ap, size_t));
        p++;
    } else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'd') {
        snprintf(num, sizeof(num), "%lld", va_arg(*ap, long long));
        p += 2;
    } else if (p[0] == 'l' && p[1] == 'd') {
        snprintf(num, sizeof(num), "%ld", va_arg(*ap, long));
        p++;
    } else if (*p == '%') {
        snprintf(num, sizeof(num), "%%");
    } else {
        BUG("page_fmt: unsupported conversion '%c'", *p);
    }
    add(b, num);
    return p + 1;
}

void page_fmt(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    const char *p = fmt, *run = fmt;

    va_start(ap, fmt);
    while (*p) {
        if (*p != '%') {
            p++;
            continue;
        }
        addn(b, run, (size_t)(p - run));
        p = convert(b, p + 1, &ap);
        run = p;
    }
    add(b, run);
    va_end(ap);
}

void page_url(struct buf *b, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        char enc[4] = { '%', hex[*c >> 4], hex[*c & 15], 0 };

        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
            (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.' ||
            *c == '~') {
            if (buf_addch(b, (char)*c))
                BUG("page too large");
        } else {
            add(b, enc);
        }
    }
}

void page_link(struct buf *b, const char *prefix, const char *key,
               const char *text)
{
    add(b, "<a href=\"");
    esc(b, prefix);
    page_url(b, key);
    add(b, "\">");
    esc(b, text);
    add(b, "</a>");
}

/* ---- the layout ---- */

struct nav_item {
    unsigned roles; /* bits: 1 public, 2 officer, 4 liaison, 8 analyst,
                       16 auditor */
    const char *path, *label;
};

#define NAV_PUBLIC  1u
#define NAV_OFFICER 2u
#define NAV_LIAISON 4u
#define NAV_ANALYST 8u
#define NAV_AUDITOR 16u
#define NAV_ALL     31u

static const struct nav_item NAV[] = {
    { NAV_ALL & ~NAV_PUBLIC, "/", "Home" },
    { NAV_OFFICER, "/inbox", "Inbox" },
    { NAV_OFFICER, "/check", "Docket" },
    { NAV_OFFICER, "/missions", "Missions" },
    { NAV_OFFICER, "/policies", "Policies" },
    { NAV_LIAISON, "/notifications", "Notifications" },
    { NAV_LIAISON, "/notify", "New notification" },
    { NAV_ANALYST, "/parity", "Parity" },
    { NAV_ANALYST, "/headcount", "Headcount" },
    { NAV_ANALYST, "/visas", "Visa statistics" },
    { NAV_ANALYST, "/forecasts", "Forecasts" },
    { NAV_ANALYST, "/visas/report", "UN report" },
    { NAV_AUDITOR | NAV_OFFICER, "/changes", "Change log" },
    { NAV_AUDITOR | NAV_OFFICER, "/history", "History" },
    { NAV_AUDITOR, "/verify", "Verification" },
    { NAV_ALL, "/lists/diplomatic", "Diplomatic List" },
    { NAV_ALL, "/lists/consular", "Consular List" },
    { NAV_ALL, "/consular/where", "Where to apply" },
    { NAV_PUBLIC, "/login", "Sign in" },
};

static unsigned nav_bit(const char *role)
{
    static const char *const names[] = { "officer", "liaison", "analyst",
                                         "auditor" };

    for (unsigned i = 0; role && i < 4; i++)
        if (!strcmp(role, names[i]))
            return 2u << i;
    return NAV_PUBLIC;
}

static void nav(struct buf *b, const struct page_frame *f)
{
    unsigned bit = nav_bit(f->role);

    add(b, "<nav aria-label=\"Main\"><ul>\n");
    for (size_t i = 0; i < sizeof(NAV) / sizeof(NAV[0]); i++) {
        if (!(NAV[i].roles & bit))
            continue;
        add(b, "<li><a href=\"");
        add(b, NAV[i].path);
        add(b, "\"");
        if (f->active && !strcmp(f->active, NAV[i].path))
            add(b, " aria-current=\"page\"");
        add(b, ">");
        add(b, NAV[i].label);
        add(b, "</a></li>\n");
    }
    add(b, "</ul></nav>\n");
}

static void account(struct buf *b, const struct page_frame *f)
{
    if (!f->user)
        return;
    add(b, "<div class=\"account\"><span>");
    page_fmt(b, "Signed in as <strong>%s</strong> (%s", f->user, f->role);
    if (f->scope)
        page_fmt(b, ", %s", f->scope);
    add(b, ")</span>\n");
    page_form_begin(b, "/logout", f->csrf);
    add(b, "<button type=\"submit\" class=\"link\">Sign out</button>"
           "</form></div>\n");
}

void page_begin(struct buf *b, const struct page_frame *f)
{
    add(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
           "<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, "
           "initial-scale=1\">\n<title>");
    esc(b, f->title);
    add(b, " - chancery</title>\n"
           "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
           "<script src=\"/static/app.js\" defer></script>\n</head>\n");
    add(b, f->print ? "<body class=\"printable\">\n" : "<body>\n");
    add(b, "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
           "<header><div class=\"brand\"><a href=\"/\">chancery</a> "
           "<span>registry of foreign missions</span></div>\n");
    account(b, f);
    add(b, "</header>\n");
    nav(b, f);
    add(b, "<main id=\"main\" tabindex=\"-1\">\n<h1>");
    esc(b, f->title);
    add(b, "</h1>\n");
}

void page_end(struct buf *b)
{
    add(b, "</main>\n<footer><p>chancery: the registry and reciprocity "
           "engine. Every page is also an API route: see "
           "<a href=\"/openapi.json\">/openapi.json</a>.</p></footer>\n"
           "</body>\n</html>\n");
}

void page_heading(struct buf *b, int level, const char *text)
{
    level = level < 2 ? 2 : level > 3 ? 3 : level;
    page_fmt(b, "<h%d>%s</h%d>\n", level, text, level);
}

void page_para(struct buf *b, const char *text)
{
    page_fmt(b, "<p>%s</p>\n", text);
}

void page_message(struct buf *b, const char *kind, const char *text)
{
    page_fmt(b, "<div class=\"message %s\" role=\"%s\"><p>%s</p></div>\n", kind,
             strcmp(kind, "error") ? "status" : "alert", text);
}

/* ---- tables ---- */

static const char *link_of(const struct page_link *links, const char *col)
{
    for (size_t i = 0; links && links[i].column; i++)
        if (!strcmp(links[i].column, col))
            return links[i].prefix;
    return NULL;
}

/* "family_name" as a header: "family name". */
static void header_text(struct buf *b, const char *name)
{
    for (const char *c = name; *c && *c != ':'; c++) {
        char one[2] = { *c == '_' ? ' ' : *c, 0 };

        esc(b, one);
    }
}

static void cell(struct buf *b, const char *text, const char *link, int num)
{
    add(b, num ? "<td class=\"n\">" : "<td>");
    if (link && text && *text)
        page_link(b, link, text, text);
    else
        esc(b, text ? text : "");
    add(b, "</td>");
}

void page_grid(struct buf *b, const struct grid *g, const char *caption,
               const struct page_link *links)
{
    add(b, "<div class=\"table\" tabindex=\"0\"><table>\n");
    if (caption)
        page_fmt(b, "<caption>%s</caption>\n", caption);
    add(b, "<thead><tr>");
    for (size_t c = 0; c < g->n_cols; c++) {
        add(b, "<th scope=\"col\">");
        header_text(b, g->names[c]);
        add(b, "</th>");
    }
    add(b, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < g->n_rows; r++) {
        add(b, "<tr>");
        for (size_t c = 0; c < g->n_cols; c++)
            cell(b, g->cells[r * g->n_cols + c], link_of(links, g->names[c]),
                 g->types[c] == COL_NUMBER);
        add(b, "</tr>\n");
    }
    add(b, "</tbody></table></div>\n");
}

/* A scalar JSON value as text: null as "", true and false as yes and
 * no, numbers as JSON writes them. */
static void scalar(struct buf *b, const json_t *v, const char *link)
{
    char num[64];
    const char *text = num;

    if (json_is_string(v))
        text = json_string_value(v);
    else if (json_is_integer(v))
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(num, sizeof(num), "%.3g", json_real_value(v));
    else if (json_is_true(v))
        text = "yes";
    else if (json_is_false(v))
        text = "no";
    else
        text = "";
    if (link && *text)
        page_link(b, link, text, text);
    else
        esc(b, text);
}

static void json_value(struct buf *b, const json_t *v,
                       const struct page_link *links, const char *link);

/* The columns of a table of objects: the keys of its first object. */
static void object_table(struct buf *b, const json_t *a, const char *caption,
                         const struct page_link *links, size_t first)
{
    const json_t *row0 = json_array_get(a, 0);
    const char *key;
    const json_t *v;
    size_t n = json_array_size(a);

    add(b, "<div class=\"table\" tabindex=\"0\"><table>\n");
    if (caption)
        page_fmt(b, "<caption>%s</caption>\n", caption);
    add(b, "<thead><tr>");
    json_object_foreach((json_t *)row0, key, v)
    {
        add(b, "<th scope=\"col\">");
        header_text(b, key);
        add(b, "</th>");
    }
    add(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = first; i < n && i < first + PAGE_ROWS; i++) {
        const json_t *row = json_array_get(a, i);

        add(b, "<tr>");
        json_object_foreach((json_t *)row0, key, v)
        {
            const json_t *x = json_object_get(row, key);

            add(b, json_is_number(x) ? "<td class=\"n\">" : "<td>");
            json_value(b, x, links, link_of(links, key));
            add(b, "</td>");
        }
        add(b, "</tr>\n");
    }
    add(b, "</tbody></table></div>\n");
}

static void json_value(struct buf *b, const json_t *v,
                       const struct page_link *links, const char *link)
{
    const char *key;
    const json_t *x;
    size_t i;

    if (json_is_object(v)) {
        add(b, "<dl>");
        json_object_foreach((json_t *)v, key, x)
        {
            add(b, "<dt>");
            header_text(b, key);
            add(b, "</dt><dd>");
            json_value(b, x, links, link_of(links, key));
            add(b, "</dd>");
        }
        add(b, "</dl>\n");
    } else if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
        object_table(b, v, NULL, links, 0);
    } else if (json_is_array(v)) {
        add(b, "<ul class=\"plain\">");
        json_array_foreach(v, i, x)
        {
            add(b, "<li>");
            json_value(b, x, links, link);
            add(b, "</li>");
        }
        add(b, "</ul>");
    } else {
        scalar(b, v, link);
    }
}

void page_json(struct buf *b, const json_t *v, const char *caption,
               const struct page_link *links, size_t first)
{
    if (json_is_array(v) && !json_array_size(v)) {
        page_para(b, caption ? "None." : "Nothing to show.");
        return;
    }
    if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
        object_table(b, v, caption, links, first);
        return;
    }
    if (caption)
        page_heading(b, 3, caption);
    json_value(b, v, links, NULL);
}

void page_json_text(struct buf *b, const char *text, const char *caption,
                    const struct page_link *links, size_t first)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &je);

    if (!v)
        BUG("a view rendered invalid JSON: %s", je.text);
    page_json(b, v, caption, links, first);
    json_decref(v);
}

void page_pager(struct buf *b, const char *base, size_t first, size_t total)
{
    if (total <= PAGE_ROWS)
        return;
    add(b, "<nav class=\"pager\" aria-label=\"Pages\"><p>");
    page_fmt(b, "Rows %zu to %zu of %zu. ", first + 1,
             first + PAGE_ROWS < total ? first + PAGE_ROWS : total, total);
    if (first > 0)
        page_fmt(b, "<a href=\"%soffset=%zu\" rel=\"prev\">Previous</a> ", base,
                 first > PAGE_ROWS ? first - PAGE_ROWS : 0);
    if (first + PAGE_ROWS < total)
        page_fmt(b, "<a href=\"%soffset=%zu\" rel=\"next\">Next</a>", base,
                 first + PAGE_ROWS);
    add(b, "</p></nav>\n");
}

void page_svg(struct buf *b, const char *svg, const char *caption)
{
    const char *start = strstr(svg, "<svg");

    add(b, "<figure class=\"chart\">\n");
    add(b, start ? start : "");
    if (caption)
        page_fmt(b, "<figcaption>%s</figcaption>\n", caption);
    add(b, "</figure>\n");
}

/* ---- forms ---- */

void page_form_begin(struct buf *b, const char *action, const char *csrf)
{
    page_fmt(b,
             "<form method=\"post\" action=\"%s\">"
             "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
             action, csrf ? csrf : "");
}

void page_form_end(struct buf *b, const char *submit)
{
    page_fmt(b, "<p><button type=\"submit\">%s</button></p>\n</form>\n",
             submit);
}

void page_filter_begin(struct buf *b, const char *action)
{
    page_fmt(b, "<form method=\"get\" action=\"%s\" class=\"filters\">\n",
             action);
}

static void options(struct buf *b, const struct page_field *f)
{
    const char *p = f->options ? f->options : "";
    const char *value = f->value ? f->value : "";

    for (;;) {
        size_t n = strcspn(p, "|");
        char opt[128];

        snprintf(opt, sizeof(opt), "%.*s", (int)n, p);
        page_fmt(b, "<option value=\"%s\"%s>%s</option>", opt,
                 !strcmp(opt, value) ? " selected" : "", *opt ? opt : "-");
        if (!p[n])
            break;
        p += n + 1;
    }
}

static void control(struct buf *b, const struct page_field *f,
                    const char *described, const char *not_before)
{
    const char *req = f->required ? " required" : "";
    const char *inv = f->error ? " aria-invalid=\"true\"" : "";

    if (!strcmp(f->type, "textarea")) {
        page_fmt(b, "<textarea id=\"f-%s\" name=\"%s\" rows=\"3\"", f->name,
                 f->name);
        page_raw(b, req);
        page_raw(b, inv);
        page_raw(b, described);
        page_fmt(b, ">%s</textarea>", f->value ? f->value : "");
    } else if (!strcmp(f->type, "select")) {
        page_fmt(b, "<select id=\"f-%s\" name=\"%s\"", f->name, f->name);
        page_raw(b, req);
        page_raw(b, inv);
        page_raw(b, described);
        page_raw(b, ">");
        options(b, f);
        page_raw(b, "</select>");
    } else {
        page_fmt(b, "<input id=\"f-%s\" name=\"%s\" type=\"%s\" value=\"%s\"",
                 f->name, f->name, f->type, f->value ? f->value : "");
        if (not_before)
            page_fmt(b, " data-not-before=\"%s\"", not_before);
        page_raw(b, req);
        page_raw(b, inv);
        page_raw(b, described);
        page_raw(b, ">");
    }
}

void page_field(struct buf *b, const struct page_field *f)
{
    page_field_after(b, f, NULL);
}

void page_field_after(struct buf *b, const struct page_field *f,
                      const char *not_before)
{
    char described[160] = "";

    if (f->hint || f->error)
        snprintf(described, sizeof(described),
                 " aria-describedby=\"%s%.40s%s%s%.40s\"", f->hint ? "h-" : "",
                 f->hint ? f->name : "", f->hint && f->error ? " " : "",
                 f->error ? "e-" : "", f->error ? f->name : "");
    page_fmt(b, "<div class=\"field%s\"><label for=\"f-%s\">%s%s</label>\n",
             f->error ? " invalid" : "", f->name, f->label,
             f->required ? " (required)" : "");
    control(b, f, described, not_before);
    if (f->hint)
        page_fmt(b, "<p class=\"hint\" id=\"h-%s\">%s</p>", f->name, f->hint);
    if (f->error)
        page_fmt(b, "<p class=\"error\" id=\"e-%s\">%s</p>", f->name, f->error);
    page_raw(b, "</div>\n");
}

void page_fieldset_begin(struct buf *b, const char *legend)
{
    page_fmt(b, "<fieldset><legend>%s</legend>\n", legend);
}

void page_fieldset_end(struct buf *b)
{
    page_raw(b, "</fieldset>\n");
}

void page_filter_end(struct buf *b, const char *submit)
{
    page_fmt(b, "<p><button type=\"submit\">%s</button></p></form>\n", submit);
}

void page_date_field(struct buf *b, const char *name, const char *label,
                     const char *value)
{
    struct page_field f = { name, label, "date", value, NULL, NULL, NULL, 0 };

    page_field(b, &f);
}

void page_history_link(struct buf *b, const char *entity, const char *id)
{
    page_fmt(b, "<p><a href=\"/history/%s/", entity);
    page_url(b, id);
    page_raw(b, "\">Its recorded history</a></p>\n");
}

void page_embed_body(struct buf *b, const char *html)
{
    const char *start = strstr(html, "<body>");
    const char *end = strstr(html, "</body>");
    const char *h1, *h1_end;

    if (!start || !end || end < start)
        return;
    start += strlen("<body>");
    h1 = strstr(start, "<h1>");
    h1_end = h1 ? strstr(h1, "</h1>") : NULL;
    if (h1 && h1_end && h1_end < end) {
        addn(b, start, (size_t)(h1 - start));
        start = h1_end + strlen("</h1>");
    }
    addn(b, start, (size_t)(end - start));
}

void page_summary(struct buf *b, const char *recorded, const char *actor,
                  const char *reason)
{
    page_fmt(b,
             "<dl class=\"summary\"><dt>Recorded</dt><dd>%s</dd><dt>Actor"
             "</dt><dd>%s</dd><dt>Reason</dt><dd>%s</dd></dl>\n",
             recorded ? recorded : "", actor ? actor : "",
             reason ? reason : "");
}

void page_preview_button(struct buf *b, const char *name, const char *label)
{
    page_fmt(b,
             "<p><button type=\"submit\" class=\"secondary\" name=\"%s\" "
             "value=\"1\" formnovalidate>%s</button></p>\n",
             name, label);
}
