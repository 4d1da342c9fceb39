/*
 * The pages' renderers of registry records and of the office's work
 * (report/page_registry.h): a mission's staff with their households, the
 * docket with each finding's explanation one link away, the policies, the
 * notifications (inbox, list, one with its warnings, explanations and
 * history of states) and the home pages' summary cards. They take the
 * snapshot or a view's JSON, so the pages show what the API returns.
 */
#include "report/page_registry.h"

#include "base/date.h"
#include "base/xalloc.h"
#include "core/presence.h"
#include "core/roster.h"
#include "report/read_views.h"

static void date_cell(struct buf *b, int32_t d)
{
    char text[DATE_BUF] = "";

    if (d != DATE_NONE)
        date_format(d, text);
    page_fmt(b, "<td>%s</td>", text);
}

static void name_of(struct buf *b, const struct snapshot *s, uint32_t person)
{
    const struct person *p = snap_person(s, person);

    page_link(b, "/persons/", p->id, p->family_name);
    if (p->given_names && *p->given_names)
        page_fmt(b, ", %s", p->given_names);
}

/* The household of posting t present on date: "spouse: NAME; child: ...". */
static void household(struct buf *b, const struct snapshot *s, uint32_t t,
                      int32_t date)
{
    int any = 0;

    page_raw(b, "<td><ul class=\"plain\">");
    ADJ_FOR_EACH(s->dependents_by_posting, t, d)
    {
        const struct dependent *x = snap_dependent(s, d);

        if ((x->joined != DATE_NONE && x->joined > date) ||
            (x->left != DATE_NONE && x->left <= date))
            continue;
        page_fmt(b, "<li>%s: ", enum_name(&ENUM_RELATION, x->relation));
        name_of(b, s, x->person);
        page_raw(b, "</li>");
        any = 1;
    }
    page_raw(b, any ? "</ul></td>" : "</ul>none</td>");
}

void page_staff(struct buf *b, const struct snapshot *s, uint32_t m,
                int32_t date, size_t first)
{
    uint32_t *rows = xcalloc(roster_capacity(s, m) + 1, sizeof(*rows));
    size_t n = roster_build(s, m, date, rows);

    page_raw(
        b,
        "<div class=\"table\" tabindex=\"0\"><table><caption>Staff present and "
        "their households</caption><thead><tr>"
        "<th scope=\"col\">Posting</th><th scope=\"col\">Name</th>"
        "<th scope=\"col\">Rank</th><th scope=\"col\">Title</th>"
        "<th scope=\"col\">Category</th><th scope=\"col\">Arrived"
        "</th><th scope=\"col\">Household</th></tr></thead><tbody>\n");
    for (size_t i = first; i < n && i < first + PAGE_ROWS; i++) {
        const struct posting *t = snap_posting(s, rows[i]);

        page_raw(b, "<tr><td>");
        page_link(b, "/postings/", t->id, t->id);
        page_raw(b, "</td><td>");
        name_of(b, s, t->person);
        page_fmt(b, "</td><td>%s</td><td>%s</td><td>%s</td>",
                 enum_name(&ENUM_RANK, t->rank), t->title ? t->title : "",
                 enum_name(&ENUM_STAFF_CATEGORY, t->category));
        date_cell(b, t->arrived);
        household(b, s, rows[i], date);
        page_raw(b, "</tr>\n");
    }
    page_raw(b, "</tbody></table></div>\n");
    if (!n)
        page_para(b, "No staff present on this date.");
    free(rows);
}

size_t page_staff_count(const struct snapshot *s, uint32_t m, int32_t date)
{
    uint32_t *rows = xcalloc(roster_capacity(s, m) + 1, sizeof(*rows));
    size_t n = roster_build(s, m, date, rows);

    free(rows);
    return n;
}

/* ---- the docket ---- */

static const char *str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

static const char *record_prefix(const char *entity)
{
    static const char *const map[][2] = {
        { "posting", "/postings/" },
        { "person", "/persons/" },
        { "mission", "/missions/" },
        { "visa", "/visas/" },
    };

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(map[i][0], entity))
            return map[i][1];
    return NULL;
}

static void finding_row(struct buf *b, const json_t *f, const char *explain)
{
    const json_t *subj = json_object_get(f, "subject");
    const char *prefix = record_prefix(str(subj, "entity"));

    page_raw(b, "<tr><td>");
    page_link(b, explain, str(f, "id"), str(f, "id"));
    page_fmt(b, "</td><td>%s</td><td>%s</td><td>%s ", str(f, "policy"),
             str(f, "kind"), str(subj, "entity"));
    if (prefix && strcmp(prefix, "/visas/"))
        page_link(b, prefix, str(subj, "id"), str(subj, "id"));
    else
        page_text(b, str(subj, "id"));
    page_fmt(b, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
             str(f, "deadline"),
             json_is_true(json_object_get(f, "overdue")) ? "overdue" : "",
             str(f, "detail"));
}

void page_docket(struct buf *b, const json_t *docket, const char *explain,
                 size_t first)
{
    const json_t *all = json_object_get(docket, "findings");
    size_t n = json_array_size(all);

    page_fmt(b, "<p>%zu findings on %s.</p>\n", n, str(docket, "as_of"));
    if (!n)
        return;
    page_raw(
        b,
        "<div class=\"table\" tabindex=\"0\"><table><caption>Findings (select one "
        "for its explanation)</caption><thead><tr>"
        "<th scope=\"col\">Finding</th><th scope=\"col\">Policy</th>"
        "<th scope=\"col\">Kind</th><th scope=\"col\">Subject</th>"
        "<th scope=\"col\">Deadline</th><th scope=\"col\">Overdue"
        "</th><th scope=\"col\">Detail</th></tr></thead><tbody>\n");
    for (size_t i = first; i < n && i < first + PAGE_ROWS; i++)
        finding_row(b, json_array_get(all, i), explain);
    page_raw(b, "</tbody></table></div>\n");
}

void page_explain(struct buf *b, const json_t *finding)
{
    const json_t *steps = json_object_get(finding, "explain");
    const json_t *x;
    size_t i;

    page_fmt(b, "<p><strong>%s</strong></p>\n", str(finding, "detail"));
    page_raw(b, "<h2>From the rule to the finding</h2><ol class=\"steps\">");
    json_array_foreach(steps, i, x)
    {
        page_fmt(b, "<li>%s</li>\n", json_string_value(x));
    }
    page_raw(b, "</ol>\n");
}

/* ---- notifications ---- */

static void state_span(struct buf *b, int state)
{
    const char *name = enum_name(&ENUM_NOTIFICATION_STATE, state);

    page_fmt(b, "<span class=\"state state-%s\">%s</span>", name, name);
}

static size_t n_warnings(const struct notification *n)
{
    json_t *w = n->warnings ? json_loads(n->warnings, 0, NULL) : NULL;
    size_t k = json_array_size(w);

    json_decref(w);
    return k;
}

void page_notifications(struct buf *b, const struct snapshot *s,
                        const uint32_t *rows, size_t n, const char *caption)
{
    if (!n) {
        page_para(b, "No notifications.");
        return;
    }
    page_fmt(
        b,
        "<div class=\"table\" tabindex=\"0\"><table><caption>%s</caption><thead><tr>"
        "<th scope=\"col\">Notification</th><th scope=\"col\">Kind</th>"
        "<th scope=\"col\">Mission</th><th scope=\"col\">Submitted</th>"
        "<th scope=\"col\">By</th><th scope=\"col\">State</th>"
        "<th scope=\"col\">Warnings</th></tr></thead><tbody>\n",
        caption);
    for (size_t i = 0; i < n && i < PAGE_ROWS; i++) {
        const struct notification *x =
            snapshot_row(s, ENT_NOTIFICATION, rows[i]);

        page_raw(b, "<tr><td>");
        page_link(b, "/notifications/", x->id, x->id);
        page_fmt(b, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
                 enum_name(&ENUM_NOTIFICATION_KIND, x->kind),
                 snap_mission(s, x->mission)->id,
                 x->submitted_at ? x->submitted_at : "",
                 x->submitted_by ? x->submitted_by : "");
        state_span(b, x->state);
        page_fmt(b, "</td><td class=\"n\">%zu</td></tr>\n", n_warnings(x));
    }
    page_raw(b, "</tbody></table></div>\n");
}

void page_warnings(struct buf *b, const char *text)
{
    json_t *w = text ? json_loads(text, 0, NULL) : NULL;
    const json_t *f;
    size_t i;

    page_raw(b, "<h2>Warnings</h2>\n");
    if (!json_array_size(w)) {
        page_para(b, "The rules give no warning for this notification.");
        json_decref(w);
        return;
    }
    page_raw(b, "<div class=\"message warning\" role=\"status\"><ul "
                "class=\"warnings\">");
    json_array_foreach(w, i, f)
    {
        const json_t *steps = json_object_get(f, "explain"), *x;
        size_t k;

        page_fmt(b, "<li><strong>%s</strong> (%s, %s)<ol>", str(f, "detail"),
                 str(f, "kind"), str(f, "policy"));
        json_array_foreach(steps, k, x)
        {
            page_fmt(b, "<li>%s</li>", json_string_value(x));
        }
        page_raw(b, "</ol></li>\n");
    }
    page_raw(b, "</ul></div>\n");
    json_decref(w);
}

static void field_row(struct buf *b, const char *name, const char *value)
{
    if (value && *value)
        page_fmt(b, "<dt>%s</dt><dd>%s</dd>", name, value);
}

void page_notification(struct buf *b, const struct snapshot *s,
                       const struct notification *n,
                       const struct page_step *steps, size_t n_steps)
{
    json_t *payload = n->payload ? json_loads(n->payload, 0, NULL) : NULL;
    char set[32] = "";

    if (n->change_set != FIELD_INT_NONE)
        snprintf(set, sizeof(set), "%ld", (long)n->change_set);
    page_raw(b, "<dl><dt>State</dt><dd>");
    state_span(b, n->state);
    page_raw(b, "</dd>");
    field_row(b, "Kind", enum_name(&ENUM_NOTIFICATION_KIND, n->kind));
    field_row(b, "Mission", snap_mission(s, n->mission)->name);
    field_row(b, "Submitted by", n->submitted_by);
    field_row(b, "Submitted at", n->submitted_at);
    field_row(b, "Replaces", n->replaces);
    field_row(b, "Justification", n->justification);
    field_row(b, "Decided by", n->decided_by);
    field_row(b, "Decided at", n->decided_at);
    field_row(b, "Grounds", n->grounds);
    field_row(b, "Change set", set);
    page_raw(b, "</dl>\n");
    page_warnings(b, n->warnings);
    page_raw(b, "<h2>What it would record</h2>\n");
    if (payload)
        page_json(b, payload, NULL, NULL, 0);
    json_decref(payload);
    if (!n_steps)
        return;
    page_raw(
        b,
        "<h2>History</h2><div class=\"table\" tabindex=\"0\"><table><thead><tr>"
        "<th scope=\"col\">Recorded</th><th scope=\"col\">Actor</th>"
        "<th scope=\"col\">State</th><th scope=\"col\">Reason</th>"
        "</tr></thead><tbody>\n");
    for (size_t i = 0; i < n_steps; i++)
        page_fmt(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                 steps[i].recorded, steps[i].actor, steps[i].state,
                 steps[i].reason ? steps[i].reason : "");
    page_raw(b, "</tbody></table></div>\n");
}

/* ---- policies and home cards ---- */

size_t page_policies(struct buf *b, const struct snapshot *s,
                     const struct view_scope *vs, size_t first)
{
    size_t n = snapshot_count(s, ENT_POLICY), seen = 0;

    page_raw(
        b,
        "<div class=\"table\" tabindex=\"0\"><table><caption>Policies</caption>"
        "<thead><tr><th scope=\"col\">Policy</th><th scope=\"col\">"
        "Kind</th><th scope=\"col\">Issuer</th><th scope=\"col\">"
        "Target</th><th scope=\"col\">From</th><th scope=\"col\">To"
        "</th><th scope=\"col\">Unless</th><th scope=\"col\">Title"
        "</th></tr></thead><tbody>\n");
    for (uint32_t i = 0; i < n; i++) {
        const struct policy *p = snapshot_row(s, ENT_POLICY, i);

        if (!view_policy_visible(s, p, vs) || seen++ < first ||
            seen > first + PAGE_ROWS)
            continue;
        page_raw(b, "<tr><td>");
        page_link(b, "/policies/", p->id, p->id);
        page_fmt(b, "</td><td>%s</td><td>%s</td><td>%s</td>",
                 enum_name(&ENUM_POLICY_KIND, p->kind), p->issuer, p->target);
        date_cell(b, p->from);
        date_cell(b, p->to);
        page_fmt(b, "<td>%s</td><td>%s</td></tr>\n", p->unless ? p->unless : "",
                 p->title ? p->title : "");
    }
    page_raw(b, "</tbody></table></div>\n");
    return seen;
}

void page_cards(struct buf *b, const struct page_card *cards, size_t n)
{
    page_raw(b, "<ul class=\"cards\">\n");
    for (size_t i = 0; i < n; i++) {
        page_raw(b, "<li>");
        if (cards[i].count)
            page_fmt(b, "<span class=\"count\">%s</span>", cards[i].count);
        page_fmt(b, "<a href=\"%s\">%s</a>", cards[i].href, cards[i].label);
        if (cards[i].text)
            page_fmt(b, "<p>%s</p>", cards[i].text);
        page_raw(b, "</li>\n");
    }
    page_raw(b, "</ul>\n");
}
