/*
 * The published lists as a printable HTML document (report/dlist.h), the
 * way a ministry prints its Diplomatic List: A4 pages with the list's name
 * and dates in the page header and the page number in the footer (CSS page
 * margin boxes), a title block that repeats the dates for a reader of the
 * screen version, a table of contents by state, each state's missions
 * with their staff, and the order of precedence on a page of its own.
 *
 * Every text from the registry goes through html_escape (report/html.h),
 * or, inside the style sheet's margin boxes, through css_string, which
 * escapes what could end a CSS string or the style element. The page is
 * self-contained: no script, font or image is fetched.
 */
#include <stdarg.h>

#include "base/date.h"
#include "report/dlist.h"
#include "report/html.h"

static const char *const MONTHS[] = { "January", "February", "March",
                                      "April",   "May",      "June",
                                      "July",    "August",   "September",
                                      "October", "November", "December" };

static const char STYLE[] =
    "@page { size: A4; margin: 20mm 16mm 18mm 16mm; }\n"
    "body { font-family: 'DejaVu Serif', Georgia, serif; font-size: 10pt;\n"
    "  color: #000; margin: 0 auto; max-width: 178mm; line-height: 1.3; }\n"
    "h1 { font-size: 22pt; margin: 0 0 2mm; letter-spacing: 0.04em; }\n"
    "h2 { font-size: 14pt; margin: 8mm 0 2mm; border-bottom: 0.6pt solid "
    "#000; break-after: avoid; }\n"
    "h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; }\n"
    ".titleblock { text-align: center; margin: 10mm 0 8mm; }\n"
    ".titleblock p { margin: 1mm 0; }\n"
    ".dates { font-size: 9pt; color: #333; }\n"
    "nav ol { column-count: 2; column-gap: 10mm; padding-left: 8mm; }\n"
    "nav a, nav a:visited { color: #000; text-decoration: none; }\n"
    ".mission { margin-bottom: 3mm; }\n"
    ".meta { font-size: 8.5pt; color: #333; margin: 0 0 1mm;\n"
    "  break-after: avoid; }\n"
    "table { border-collapse: collapse; width: 100%; font-size: 9pt;\n"
    "  table-layout: fixed; }\n"
    "table.staff th:nth-child(1) { width: 36%; }\n"
    "table.staff th:nth-child(2) { width: 36%; }\n"
    "table.prec th:nth-child(1) { width: 8mm; }\n"
    "table.prec th:nth-child(2) { width: 30%; }\n"
    "table.prec th:nth-child(5) { width: 30mm; }\n"
    "th { text-align: left; font-weight: normal; font-style: italic;\n"
    "  border-bottom: 0.6pt solid #000; padding: 0.6mm 1.5mm; }\n"
    "td { padding: 0.6mm 1.5mm; vertical-align: top;\n"
    "  border-bottom: 0.3pt solid #bbb; }\n"
    "tr { break-inside: avoid; }\n"
    "tr.head td { font-weight: bold; }\n"
    "td.n { text-align: right; width: 8mm; }\n"
    "td.date { white-space: nowrap; }\n"
    ".family { font-variant: small-caps; }\n"
    "tr.class td { font-style: italic; font-weight: bold; border: none;\n"
    "  padding-top: 3mm; }\n"
    "#precedence { break-before: page; }\n"
    ".empty { font-style: italic; }\n"
    "footer { margin-top: 8mm; font-size: 8pt; color: #333; }\n"
    "@media screen { body { margin: 2em auto; } }\n";

static void add(struct buf *b, const char *s)
{
    html_raw(b, s);
}

static void addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (buf_vaddf(b, fmt, ap))
        BUG("HTML page too large");
    va_end(ap);
}

/* "4 December 2021", or "" for no date. */
static void long_date(int32_t d, char *out, size_t size)
{
    int y, m, day;

    if (d == DATE_NONE) {
        snprintf(out, size, "%s", "");
        return;
    }
    date_to_ymd(d, &y, &m, &day);
    snprintf(out, size, "%d %s %d", day, MONTHS[m - 1], y);
}

/* Appends text inside a CSS string: quotes, backslashes, angle brackets,
 * ampersands and control characters as CSS hex escapes. */
static void css_string(struct buf *b, const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c < 0x20 || *c == '"' || *c == '\\' || *c == '<' || *c == '>' ||
            *c == '&' || *c == '\'')
            addf(b, "\\%x ", *c);
        else if (buf_addch(b, (char)*c))
            BUG("HTML page too large");
    }
}

static const char *host_name(const struct snapshot *s, const char *host)
{
    uint32_t i = snapshot_find(s, ENT_STATE, host);

    if (i != IDMAP_NONE)
        return snap_state(s, i)->name;
    i = snapshot_find(s, ENT_ORGANIZATION, host);
    return i != IDMAP_NONE ? snap_org(s, i)->name : host;
}

static const char *list_name(const struct dlist *l)
{
    return l->kind == DLIST_DIPLOMATIC ? "Diplomatic List" : "Consular List";
}

/* The page header and footer of every printed page. */
static void margin_boxes(const struct snapshot *s, const struct dlist *l,
                         struct buf *b)
{
    char d[64], k[64];

    long_date(l->as_of, d, sizeof(d));
    long_date(l->as_known_on, k, sizeof(k));
    add(b, "@page { @top-left { content: \"");
    css_string(b, list_name(l));
    add(b, " \\2014  ");
    css_string(b, host_name(s, l->host));
    add(b, "\"; font: 8pt sans-serif; }\n  @top-right { content: \"");
    css_string(b, d);
    if (*k) {
        add(b, " \\2014  as known on ");
        css_string(b, k);
    }
    add(b, "\"; font: 8pt sans-serif; }\n"
           "  @bottom-center { content: counter(page) \" / \" "
           "counter(pages); font: 8pt sans-serif; } }\n");
}

static void begin(const struct snapshot *s, const struct dlist *l,
                  struct buf *b)
{
    char d[64];

    long_date(l->as_of, d, sizeof(d));
    add(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
           "<meta charset=\"utf-8\">\n<title>");
    html_escape(b, list_name(l));
    add(b, " \xe2\x80\x94 ");
    html_escape(b, host_name(s, l->host));
    add(b, " \xe2\x80\x94 ");
    html_escape(b, d);
    add(b, "</title>\n<style>\n");
    add(b, STYLE);
    margin_boxes(s, l, b);
    add(b, "</style>\n</head>\n<body>\n");
}

static void title_block(const struct snapshot *s, const struct dlist *l,
                        struct buf *b)
{
    char d[64], k[64];

    long_date(l->as_of, d, sizeof(d));
    long_date(l->as_known_on, k, sizeof(k));
    add(b, "<header class=\"titleblock\">\n<h1>");
    html_escape(b, list_name(l));
    add(b, "</h1>\n<p>");
    html_escape(b, l->kind == DLIST_DIPLOMATIC
                       ? "Missions accredited to "
                       : "Consular posts and consular officers in ");
    html_escape(b, host_name(s, l->host));
    add(b, "</p>\n<p class=\"dates\">Situation on ");
    html_escape(b, d);
    add(b, " \xc2\xb7 ");
    if (*k) {
        add(b, "registry as known on ");
        html_escape(b, k);
    } else {
        add(b, "registry as recorded when printed");
    }
    add(b, "</p>\n</header>\n");
}

static void contents(const struct dlist *l, struct buf *b)
{
    add(b, "<nav>\n<h2>Contents</h2>\n<ol>\n");
    for (size_t i = 0; i < l->n_states; i++) {
        add(b, "<li><a href=\"#s-");
        html_escape(b, l->states[i].code);
        add(b, "\">");
        html_escape(b, l->states[i].name);
        add(b, "</a></li>\n");
    }
    add(b, "<li><a href=\"#precedence\">Order of precedence</a></li>\n"
           "</ol>\n</nav>\n");
}

/* A person's name with the family name in small capitals. */
static void person_cell(const struct snapshot *s, uint32_t person,
                        struct buf *b)
{
    const struct person *p = snap_person(s, person);

    if (p->given_names && *p->given_names) {
        html_escape(b, p->given_names);
        add(b, " ");
    }
    add(b, "<span class=\"family\">");
    html_escape(b, p->family_name);
    add(b, "</span>");
}

static void member_row(const struct snapshot *s, const struct dlist_member *m,
                       struct buf *b)
{
    const struct posting *t = snap_posting(s, m->posting);

    add(b, t->head_of_mission ? "<tr class=\"head\"><td>" : "<tr><td>");
    person_cell(s, t->person, b);
    add(b, "</td><td>");
    html_escape(b, t->title ? t->title : "");
    add(b, "</td><td>");
    if (m->spouse != IDMAP_NONE)
        person_cell(s, m->spouse, b);
    add(b, "</td></tr>\n");
}

static void mission_block(const struct snapshot *s, const struct dlist *l,
                          const struct dlist_mission *dm, struct buf *b)
{
    const struct mission *m = snap_mission(s, dm->mission);

    add(b, "<div class=\"mission\">\n<h3>");
    html_escape(b, m->name);
    if (dm->consular_section)
        add(b, ", consular section");
    add(b, "</h3>\n<p class=\"meta\">");
    html_escape(b, m->city ? m->city : "");
    add(b, m->city ? " \xc2\xb7 " : "");
    html_escape(b, m->id);
    add(b, "</p>\n");
    if (!dm->n) {
        add(b, "<p class=\"empty\">No staff of the list's categories "
               "notified as present.</p>\n</div>\n");
        return;
    }
    /* A header row in thead repeats on every page a long table spans. */
    add(b,
        "<table class=\"staff\">\n<thead><tr><th>Name</th><th>Title</th><th>Spouse</th>"
        "</tr></thead>\n<tbody>\n");
    for (size_t k = dm->first; k < dm->first + dm->n; k++)
        member_row(s, &l->members[k], b);
    add(b, "</tbody>\n</table>\n</div>\n");
}

static void states(const struct snapshot *s, const struct dlist *l,
                   struct buf *b)
{
    for (size_t i = 0; i < l->n_states; i++) {
        const struct dlist_state *st = &l->states[i];

        add(b, "<section class=\"state\" id=\"s-");
        html_escape(b, st->code);
        add(b, "\">\n<h2>");
        html_escape(b, st->name);
        add(b, "</h2>\n");
        for (size_t j = st->first; j < st->first + st->n; j++)
            mission_block(s, l, &l->missions[j], b);
        add(b, "</section>\n");
    }
    if (!l->n_states)
        add(b, "<p class=\"empty\">No mission is listed on this date.</p>\n");
}

static const char *class_heading(enum dlist_kind kind, enum precedence_class c)
{
    static const char *const diplomatic[] = { "Ambassadors",
                                              "Envoys and ministers",
                                              "Charg\xc3\xa9s d'affaires",
                                              "Charg\xc3\xa9s d'affaires" };
    static const char *const consular[] = { "Consuls general", "Consuls",
                                            "Vice consuls",
                                            "Other heads of post" };

    return kind == DLIST_DIPLOMATIC ? diplomatic[c] : consular[c];
}

static void head_row(const struct snapshot *s, const struct dlist_head *h,
                     size_t order, struct buf *b)
{
    const struct posting *t = snap_posting(s, h->posting);
    const struct mission *m = snap_mission(s, t->mission);
    uint32_t st = snapshot_find(s, ENT_STATE, m->sending);
    char d[64];

    long_date(t->credentials, d, sizeof(d));
    addf(b, "<tr><td class=\"n\">%zu</td><td>", order);
    person_cell(s, t->person, b);
    add(b, "</td><td>");
    html_escape(b, t->title ? t->title : "");
    add(b, "</td><td>");
    html_escape(b, st != IDMAP_NONE ? snap_state(s, st)->name : m->sending);
    add(b, "</td><td class=\"date\">");
    html_escape(b, *d ? d : "\xe2\x80\x94");
    add(b, "</td></tr>\n");
}

static void precedence(const struct snapshot *s, const struct dlist *l,
                       struct buf *b)
{
    add(b, "<section id=\"precedence\">\n<h2>Order of precedence</h2>\n");
    add(b, l->kind == DLIST_DIPLOMATIC
               ? "<p class=\"meta\">Heads of mission by class, then by the "
                 "date each took up functions (VCDR arts. 14 and 16)"
               : "<p class=\"meta\">Heads of consular post by class, then "
                 "by the date each took up functions (VCCR art. 16)");
    add(b, "; a head whose date is not recorded follows the others of the "
           "class.</p>\n");
    add(b,
        "<table class=\"prec\">\n<thead><tr><th></th><th>Name</th><th>Title</th>"
        "<th>State</th><th>Took up functions</th></tr></thead>\n"
        "<tbody>\n");
    for (size_t i = 0; i < l->n_heads; i++) {
        if (!i || l->heads[i].class != l->heads[i - 1].class) {
            add(b, "<tr class=\"class\"><td colspan=\"5\">");
            html_escape(b, class_heading(l->kind, l->heads[i].class));
            add(b, "</td></tr>\n");
        }
        head_row(s, &l->heads[i], i + 1, b);
    }
    add(b, "</tbody>\n</table>\n</section>\n");
}

static void footer(const struct dlist *l, struct buf *b)
{
    add(b, "<footer>Produced by chancery from the registry");
    if (l->checkpoint_root[0])
        addf(b, " at checkpoint %lld (root hash %s)",
             (long long)l->checkpoint_seq, l->checkpoint_root);
    add(b, ".</footer>\n</body>\n</html>\n");
}

void dlist_render_html(const struct snapshot *s, const struct dlist *l,
                       struct buf *b)
{
    begin(s, l, b);
    title_block(s, l, b);
    contents(l, b);
    states(s, l, b);
    precedence(s, l, b);
    footer(l, b);
}
