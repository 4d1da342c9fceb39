/*
 * Rendering the UN report (report/unreport_html.h). Every section is a
 * grid first, so the table, the JSON and the HTML page show the same rows;
 * the legal basis is a fixed table of quotations from the sources of
 * ../shared/domain/FACTS.md, section 2.4, each with its address, so that a
 * reader can check every word. Only the words the sources quote stand in
 * quotation marks; the rest of each section is summarised as such.
 */
#include "report/unreport_html.h"

#include <jansson.h>
#include <stdarg.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "report/html.h"
#include "report/kmchart.h"
#include "report/page.h"

struct basis {
    const char *section, *text, *source;
};

static const struct basis BASIS[] = {
    { "Headquarters Agreement, section 11",
      "The federal, state or local authorities of the United States "
      "\"shall not impose any impediments to transit to or from the "
      "headquarters district\" of representatives of Members and officials "
      "of the United Nations or of specialized agencies, and their "
      "families; experts on mission; accredited press; representatives of "
      "non-governmental organizations; and other invitees (summary of the "
      "list).",
      "Agreement between the United Nations and the United States regarding "
      "the Headquarters of the United Nations, 1947 (PL 80-357, 61 Stat. "
      "756), s. 11: https://en.wikisource.org/wiki/"
      "Page:United_States_Statutes_at_Large_Volume_61_Part_1.djvu/785" },
    { "Headquarters Agreement, section 13(a)",
      "The laws on the entry of aliens shall not be applied so as to "
      "interfere with the privileges of section 11 (summary). \"When visas "
      "are required ... they shall be granted without charge and as "
      "promptly as possible.\"",
      "61 Stat. 756, s. 13(a), as quoted in FRUS 1951 v. II, doc. 16: "
      "https://history.state.gov/historicaldocuments/frus1951v02/d16" },
    { "Headquarters Agreement, section 21",
      "A dispute between the United Nations and the United States on the "
      "interpretation or application of the Agreement \"not settled by "
      "negotiation or other agreed mode of settlement, shall be referred "
      "for final decision to a tribunal of three arbitrators\": one named "
      "by the Secretary-General, one by the Secretary of State, and a "
      "third chosen by the two or, failing agreement, by the President of "
      "the International Court of Justice (summary). Under s. 21(b) the "
      "General Assembly may ask the Court for an advisory opinion.",
      "61 Stat. 756, s. 21: https://en.wikisource.org/wiki/"
      "Page:United_States_Statutes_at_Large_Volume_61_Part_4.djvu/89" },
    { "Practice: the 15-day frame",
      "The Agreement sets no number of days. Fifteen days is the host "
      "country's processing practice, which the Russian Federation called "
      "a problem before the Committee in 2005. This report measures each "
      "case against the deadline of the issuing state's visa_sla policy, "
      "else 15 calendar days: a yardstick of practice, not a term of the "
      "Agreement.",
      "UN press release HQ/641 (2005): "
      "https://press.un.org/en/2005/hq641.doc.htm" },
};
#define N_BASIS (sizeof(BASIS) / sizeof(BASIS[0]))

/* ---- the grids ---- */

static const char *const STATE_COLUMNS[] = {
    "sending",     "staff:n",
    "delegates:n", "requested:n",
    "in_time:n",   "late:n",
    "refused:n",   "withdrawn:n",
    "pending:n",   "pending_over_deadline:n",
};
#define N_STATE_COLUMNS (sizeof(STATE_COLUMNS) / sizeof(STATE_COLUMNS[0]))

static const char *const CASE_COLUMNS[] = {
    "sending",
    "visa",
    "person",
    "purpose",
    "class",
    "post",
    "applied",
    "deadline",
    "decided",
    "outcome",
    "days_outstanding:n",
    "days_over:n",
    "meeting",
    "meeting_missed:b",
    "covered_by",
};
#define N_CASE_COLUMNS (sizeof(CASE_COLUMNS) / sizeof(CASE_COLUMNS[0]))

static const char *const MEETING_COLUMNS[] = {
    "meeting",
    "cases_missed:n",
    "past_deadline:n",
    "visas",
};

static const char *const KM_COLUMNS[] = {
    "sending",       "cases:n",        "censored:n",
    "median_days:n", "median_lower:n", "median_upper:n",
    "p90_days:n",    "p90_lower:n",    "p90_upper:n",
};
#define N_KM_COLUMNS (sizeof(KM_COLUMNS) / sizeof(KM_COLUMNS[0]))

static void add_state_row(struct grid *g, const struct un_state *st)
{
    const uint64_t n[] = {
        st->staff,     st->delegates, st->staff + st->delegates,
        st->in_time,   st->late,      st->refused,
        st->withdrawn, st->pending,   st->pending_overdue
    };
    char cells[N_STATE_COLUMNS][24];
    const char *row[N_STATE_COLUMNS];

    snprintf(cells[0], 24, "%s", st->sending);
    for (size_t i = 0; i < N_STATE_COLUMNS - 1; i++)
        snprintf(cells[i + 1], 24, "%llu", (unsigned long long)n[i]);
    for (size_t i = 0; i < N_STATE_COLUMNS; i++)
        row[i] = cells[i];
    grid_add_row(g, row);
}

static void add_case_row(struct grid *g, const struct snapshot *s,
                         const struct un_case *c)
{
    const struct visa *v = snap_visa(s, c->visa);
    char applied[DATE_BUF], deadline[DATE_BUF], decided[DATE_BUF],
        meeting[DATE_BUF], days[16], over[16];
    const char *row[N_CASE_COLUMNS] = {
        snap_person(s, v->person)->nationality,
        v->id,
        snap_person(s, v->person)->id,
        enum_name(&ENUM_VISA_PURPOSE, v->purpose),
        v->vclass,
        snap_mission(s, v->post)->id,
        applied,
        deadline,
        decided,
        c->undecided ? "pending" : enum_name(&ENUM_VISA_OUTCOME, v->outcome),
        days,
        over,
        meeting,
        c->meeting_missed ? "true" : "false",
        enum_name(&ENUM_UN_COVER, c->cover),
    };

    date_format(v->applied, applied);
    date_format(c->deadline, deadline);
    date_format(c->undecided ? DATE_NONE : v->decided, decided);
    date_format(v->meeting, meeting);
    snprintf(days, sizeof(days), "%ld", (long)c->outstanding);
    snprintf(over, sizeof(over), "%ld", (long)(c->over > 0 ? c->over : 0));
    grid_add_row(g, row);
}

static void cases_grid(struct grid *g, const struct snapshot *s,
                       const struct un_case *cases, size_t n)
{
    grid_init(g, CASE_COLUMNS, N_CASE_COLUMNS);
    for (size_t i = 0; i < n; i++)
        add_case_row(g, s, &cases[i]);
}

static void states_grid(struct grid *g, const struct un_report *r)
{
    grid_init(g, STATE_COLUMNS, N_STATE_COLUMNS);
    for (size_t i = 0; i < r->n_states; i++)
        add_state_row(g, &r->states[i]);
    add_state_row(g, &r->total);
}

static void meetings_grid(struct grid *g, const struct snapshot *s,
                          const struct un_report *r)
{
    grid_init(g, MEETING_COLUMNS, 4);
    for (size_t i = 0; i < r->n_meetings; i++) {
        const struct un_meeting *m = &r->meetings[i];
        char date[DATE_BUF], n[24], over[24];
        const char *row[4] = { date, n, over, NULL };
        struct buf ids;

        buf_init(&ids, BUF_MAX_DEFAULT);
        for (size_t k = 0; k < m->n; k++)
            buf_printf(&ids, "%s%s", k ? " " : "",
                       snap_visa(s, r->missed[m->first + k].visa)->id);
        row[3] = ids.data ? ids.data : "";
        date_format(m->date, date);
        snprintf(n, sizeof(n), "%zu", m->n);
        snprintf(over, sizeof(over), "%zu", m->n_over);
        grid_add_row(g, row);
        buf_release(&ids);
    }
}

static void days_cell(char *out, int32_t days)
{
    if (days == KM_NOT_REACHED)
        snprintf(out, 24, "not reached");
    else
        snprintf(out, 24, "%ld", (long)days);
}

static void add_km_row(struct grid *g, const struct un_state *st)
{
    const int32_t d[] = { st->km50.days, st->km50.lower, st->km50.upper,
                          st->km90.days, st->km90.lower, st->km90.upper };
    char cells[N_KM_COLUMNS][24];
    const char *row[N_KM_COLUMNS];

    snprintf(cells[0], 24, "%s", st->sending);
    snprintf(cells[1], 24, "%llu", (unsigned long long)st->curve.n);
    snprintf(cells[2], 24, "%llu", (unsigned long long)st->curve.n_censored);
    for (size_t i = 0; i < 6; i++)
        days_cell(cells[3 + i], d[i]);
    for (size_t i = 0; i < N_KM_COLUMNS; i++)
        row[i] = cells[i];
    grid_add_row(g, row);
}

static void km_grid(struct grid *g, const struct un_report *r)
{
    grid_init(g, KM_COLUMNS, N_KM_COLUMNS);
    for (size_t i = 0; i < r->n_states; i++)
        add_km_row(g, &r->states[i]);
    add_km_row(g, &r->total);
}

/* ---- sentences ---- */

static void title_text(char *out, size_t size, const struct un_query *q)
{
    char from[DATE_BUF], to[DATE_BUF], on[DATE_BUF];

    date_format(q->from, from);
    date_format(q->to, to);
    date_format(q->as_of, on);
    snprintf(out, size,
             "Visas for the United Nations: applications by mission staff "
             "and delegates%s%s, %s to %s, as of %s",
             q->issuing ? " to " : "", q->issuing ? q->issuing : "", from, to,
             on);
}

static void scope_text(char *out, size_t size, const struct un_query *q,
                       const struct un_report *r)
{
    if (q->include_bilateral)
        snprintf(out, size,
                 "Scope: every visa of mission staff and delegates, "
                 "bilateral cases (embassy and consular visas the "
                 "Headquarters Agreement does not cover) included at the "
                 "reader's request.");
    else
        snprintf(out, size,
                 "Scope: the cases the Headquarters Agreement covers: G "
                 "visas, visas of delegates to UN meetings, and visas of "
                 "staff of missions to the United Nations and their "
                 "households. %llu bilateral case%s left out "
                 "(--include-bilateral brings them in).",
                 (unsigned long long)r->n_bilateral_left_out,
                 r->n_bilateral_left_out == 1 ? " is" : "s are");
}

static void summary_text(char *out, size_t size, const struct un_report *r)
{
    const struct un_state *t = &r->total;

    snprintf(out, size,
             "%llu applications: %llu issued within the deadline, %llu "
             "issued late, %llu refused, %llu withdrawn, %llu pending (%llu "
             "of them past the deadline). %zu cases are past the deadline; "
             "%zu meetings were missed by %zu applicants.",
             (unsigned long long)t->staff + t->delegates,
             (unsigned long long)t->in_time, (unsigned long long)t->late,
             (unsigned long long)t->refused, (unsigned long long)t->withdrawn,
             (unsigned long long)t->pending,
             (unsigned long long)t->pending_overdue, r->n_cases, r->n_meetings,
             r->n_missed);
}

static const char KM_TEXT[] =
    "Kaplan-Meier estimate of the time from application to decision: the "
    "share of applications still undecided after a number of days. Cases "
    "pending on the date of the report, and withdrawn cases, count as "
    "censored. Intervals are 95% confidence intervals (Greenwood's "
    "variance, log-log scale); \"not reached\" means the curve or its band "
    "never falls that far.";

/* ---- table and CSV ---- */

static void render_text(struct buf *b, enum out_format format,
                        const struct snapshot *s, const struct un_query *q,
                        const struct un_report *r)
{
    struct grid g;
    char text[1024];

    title_text(text, sizeof(text), q);
    buf_printf(b, "%s\n", text);
    scope_text(text, sizeof(text), q, r);
    buf_printf(b, "%s\n", text);
    summary_text(text, sizeof(text), r);
    buf_printf(b, "%s\n\nSummary by sending state:\n", text);
    states_grid(&g, r);
    grid_render(&g, format, b);
    grid_release(&g);
    buf_printf(b, "\nCases past the deadline:\n");
    cases_grid(&g, s, r->cases, r->n_cases);
    grid_render(&g, format, b);
    grid_release(&g);
    buf_printf(b, "\nMeetings affected:\n");
    meetings_grid(&g, s, r);
    grid_render(&g, format, b);
    grid_release(&g);
    buf_printf(b, "\nStatistics (%d%% confidence):\n%s\n", UN_KM_CONFIDENCE,
               KM_TEXT);
    km_grid(&g, r);
    grid_render(&g, format, b);
    grid_release(&g);
    buf_printf(b, "\nLegal basis:\n");
    for (size_t i = 0; i < N_BASIS; i++)
        buf_printf(b, "- %s: %s\n  Source: %s\n", BASIS[i].section,
                   BASIS[i].text, BASIS[i].source);
}

/* CSV keeps its two tables, so that scripts reading it go on working. */
static void render_csv(struct buf *b, const struct snapshot *s,
                       const struct un_report *r)
{
    struct grid g;

    states_grid(&g, r);
    grid_render(&g, OUT_CSV, b);
    grid_release(&g);
    buf_printf(b, "\n");
    cases_grid(&g, s, r->cases, r->n_cases);
    grid_render(&g, OUT_CSV, b);
    grid_release(&g);
}

/* ---- JSON ---- */

static json_t *grid_json(const struct grid *g)
{
    struct buf tmp;
    json_t *v;

    buf_init(&tmp, BUF_MAX_DEFAULT);
    grid_render(g, OUT_JSON, &tmp);
    v = json_loadb(tmp.data ? tmp.data : "[]", tmp.data ? tmp.len : 2, 0, NULL);
    buf_release(&tmp);
    if (!v)
        BUG("a grid rendered invalid JSON");
    return v;
}

static json_t *take_grid(struct grid *g)
{
    json_t *v = grid_json(g);

    grid_release(g);
    return v;
}

static json_t *meetings_json(const struct snapshot *s,
                             const struct un_report *r)
{
    json_t *all = json_array();

    for (size_t i = 0; i < r->n_meetings; i++) {
        const struct un_meeting *m = &r->meetings[i];
        char date[DATE_BUF];
        struct grid g;

        date_format(m->date, date);
        cases_grid(&g, s, r->missed + m->first, m->n);
        json_array_append_new(
            all, json_pack("{s:s, s:I, s:I, s:o}", "meeting", date,
                           "cases_missed", (json_int_t)m->n, "past_deadline",
                           (json_int_t)m->n_over, "cases", take_grid(&g)));
    }
    return all;
}

static json_t *header_json(const struct un_query *q, const struct un_report *r)
{
    char from[DATE_BUF], to[DATE_BUF], on[DATE_BUF], text[1024];

    date_format(q->from, from);
    date_format(q->to, to);
    date_format(q->as_of, on);
    title_text(text, sizeof(text), q);
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:I}", "title", text, "from", from,
        "to", to, "as_of", on, "issuing",
        q->issuing ? json_string(q->issuing) : json_null(), "scope",
        q->include_bilateral ? "with_bilateral" : "headquarters_agreement",
        "include_bilateral", q->include_bilateral, "bilateral_left_out",
        (json_int_t)r->n_bilateral_left_out);
}

static json_t *basis_json(void)
{
    json_t *all = json_array();

    for (size_t i = 0; i < N_BASIS; i++)
        json_array_append_new(
            all, json_pack("{s:s, s:s, s:s}", "section", BASIS[i].section,
                           "text", BASIS[i].text, "source", BASIS[i].source));
    return all;
}

static void render_json(struct buf *b, const struct snapshot *s,
                        const struct un_query *q, const struct un_report *r)
{
    json_t *o = json_object();
    struct grid g;
    char *text;

    json_object_set_new(o, "report", header_json(q, r));
    states_grid(&g, r);
    json_object_set_new(o, "summary", take_grid(&g));
    cases_grid(&g, s, r->cases, r->n_cases);
    json_object_set_new(o, "over_deadline", take_grid(&g));
    json_object_set_new(o, "meetings", meetings_json(s, r));
    km_grid(&g, r);
    json_object_set_new(o, "statistics",
                        json_pack("{s:s, s:i, s:s, s:o}", "method",
                                  "Kaplan-Meier", "confidence_percent",
                                  UN_KM_CONFIDENCE, "note", KM_TEXT, "by_state",
                                  take_grid(&g)));
    json_object_set_new(o, "legal_basis", basis_json());
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        BUG("cannot encode the UN report");
    buf_printf(b, "%s\n", text);
    free(text);
    json_decref(o);
}

void un_report_render(struct buf *b, enum out_format format,
                      const struct snapshot *s, const struct un_query *q,
                      const struct un_report *r)
{
    if (format == OUT_JSON)
        render_json(b, s, q, r);
    else if (format == OUT_CSV)
        render_csv(b, s, r);
    else
        render_text(b, format, s, q, r);
}

/* ---- HTML ---- */

static const char STYLE[] =
    "@page { size: A4; margin: 16mm 14mm; }\n"
    "body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt;"
    " margin: 2em; color: #222; max-width: 60em; }\n"
    "h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.6em;"
    " border-bottom: 1px solid #999; } h3 { font-size: 11pt; }\n"
    "table { border-collapse: collapse; margin: 0.6em 0; font-size: 8.5pt; }\n"
    "th, td { border: 1px solid #bbb; padding: 0.15em 0.4em; }\n"
    "th { background: #eee; }\n"
    "td { white-space: nowrap; }\n"
    "td.n { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "blockquote { margin: 0.4em 1.5em; } .source { color: #555;"
    " font-size: 8.5pt; }\n"
    "svg { max-width: 100%; height: auto; }\n"
    "@media print { body { margin: 0; max-width: none; }"
    " h2 { break-after: avoid; }"
    " tr, blockquote, svg, .keep { break-inside: avoid; }"
    " thead { display: table-header-group; } }\n";

/* A grid as a table whose headings read as words ("days over"), so that
 * they may wrap while the cells, dates and ids, do not. */
static void table(struct buf *b, const struct grid *g)
{
    buf_printf(b, "<table>\n<thead><tr>");
    for (size_t c = 0; c < g->n_cols; c++) {
        buf_printf(b, "<th>");
        for (const char *ch = g->names[c]; *ch; ch++)
            buf_printf(b, "%c", *ch == '_' ? ' ' : *ch);
        buf_printf(b, "</th>");
    }
    buf_printf(b, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < g->n_rows; r++) {
        buf_printf(b, "<tr>");
        for (size_t c = 0; c < g->n_cols; c++) {
            buf_printf(b,
                       g->types[c] == COL_NUMBER ? "<td class=\"n\">" : "<td>");
            html_escape(b, g->cells[r * g->n_cols + c]);
            buf_printf(b, "</td>");
        }
        buf_printf(b, "</tr>\n");
    }
    buf_printf(b, "</tbody></table>\n");
}

/* The cases that missed one meeting, in the columns that differ. */
static void meeting_table(struct buf *b, const struct snapshot *s,
                          const struct un_case *cases, size_t n)
{
    static const char *const cols[] = {
        "sending", "visa",     "person",  "purpose", "class",
        "applied", "deadline", "decided", "outcome", "days_over:n",
    };
    struct grid g;

    grid_init(&g, cols, 10);
    for (size_t i = 0; i < n; i++) {
        const struct un_case *c = &cases[i];
        const struct visa *v = snap_visa(s, c->visa);
        char applied[DATE_BUF], deadline[DATE_BUF], decided[DATE_BUF], over[16];
        const char *row[10] = {
            snap_person(s, v->person)->nationality,
            v->id,
            snap_person(s, v->person)->id,
            enum_name(&ENUM_VISA_PURPOSE, v->purpose),
            v->vclass,
            applied,
            deadline,
            decided,
            c->undecided ? "pending"
                         : enum_name(&ENUM_VISA_OUTCOME, v->outcome),
            over,
        };

        date_format(v->applied, applied);
        date_format(c->deadline, deadline);
        date_format(c->undecided ? DATE_NONE : v->decided, decided);
        snprintf(over, sizeof(over), "%ld", (long)(c->over > 0 ? c->over : 0));
        grid_add_row(&g, row);
    }
    table(b, &g);
    grid_release(&g);
}

static void report_begin(struct buf *b, const char *title)
{
    buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                  "<meta charset=\"utf-8\">\n<title>");
    html_escape(b, title);
    buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", STYLE);
}

/* One chart series per sending state, with its censoring ticks; names and
 * arrays are freed by free_series. */
static struct km_series *chart_series(const struct un_report *r,
                                      struct km_ticks **ticks)
{
    struct km_series *ks = xcalloc(r->n_states + 1, sizeof(*ks));

    *ticks = xcalloc(r->n_states + 1, sizeof(**ticks));
    for (size_t i = 0; i < r->n_states; i++) {
        const struct km_curve *c = &r->states[i].curve;
        int32_t *t = xcalloc(c->n_steps + 1, sizeof(*t));
        double *sv = xcalloc(c->n_steps + 1, sizeof(*sv));
        int32_t *ct = xcalloc(c->n_censors + 1, sizeof(*ct));
        double *cs = xcalloc(c->n_censors + 1, sizeof(*cs));

        for (size_t k = 0; k < c->n_steps; k++) {
            t[k] = c->steps[k].t;
            sv[k] = c->steps[k].s;
        }
        for (size_t k = 0; k < c->n_censors; k++) {
            ct[k] = c->censors[k].t;
            cs[k] = c->censors[k].s;
        }
        ks[i] = (struct km_series){
            xasprintf("%s (%llu cases)", r->states[i].sending,
                      (unsigned long long)c->n),
            t,
            sv,
            c->n_steps,
            c->last_day,
        };
        (*ticks)[i] = (struct km_ticks){ ct, cs, c->n_censors };
    }
    return ks;
}

static void free_series(struct km_series *ks, struct km_ticks *ticks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)ks[i].name);
        free((int32_t *)ks[i].t);
        free((double *)ks[i].s);
        free((int32_t *)ticks[i].t);
        free((double *)ticks[i].s);
    }
    free(ks);
    free(ticks);
}

static void html_meetings(struct buf *b, const struct snapshot *s,
                          const struct un_report *r)
{
    html_heading(b, 2, "3. Meetings affected");
    if (!r->n_meetings)
        html_paragraph(b, "No applicant missed a meeting.");
    for (size_t i = 0; i < r->n_meetings; i++) {
        const struct un_meeting *m = &r->meetings[i];
        char date[DATE_BUF], text[160];

        date_format(m->date, date);
        snprintf(text, sizeof(text),
                 "Meeting of %s: %zu applicant%s without a visa in time "
                 "(%zu past the deadline)",
                 date, m->n, m->n == 1 ? "" : "s", m->n_over);
        html_heading(b, 3, text);
        meeting_table(b, s, r->missed + m->first, m->n);
    }
}

static void html_statistics(struct buf *b, const struct un_report *r)
{
    struct km_ticks *ticks;
    struct km_series *ks = chart_series(r, &ticks);
    /* The line marks the practice of section 5; a case's own deadline is
     * its visa_sla policy's, as the tables above give it. */
    struct kmchart k = { "Share of applications undecided",
                         "Ticks: cases still pending, or withdrawn, that day",
                         ks,
                         ticks,
                         r->n_states,
                         15,
                         "15 days: the practice" };
    struct grid g;

    /* The heading, its reading and the chart stay on one printed page. */
    buf_printf(b, "<div class=\"keep\">\n");
    html_heading(b, 2, "4. Statistics: time to decision");
    html_paragraph(b, KM_TEXT);
    kmchart_element(&k, b);
    buf_printf(b, "</div>\n");
    km_grid(&g, r);
    table(b, &g);
    grid_release(&g);
    free_series(ks, ticks, r->n_states);
}

static void html_basis(struct buf *b)
{
    html_heading(b, 2, "5. Legal basis");
    for (size_t i = 0; i < N_BASIS; i++) {
        html_heading(b, 3, BASIS[i].section);
        buf_printf(b, "<blockquote>");
        html_escape(b, BASIS[i].text);
        buf_printf(b, "</blockquote>\n<p class=\"source\">Source: ");
        html_escape(b, BASIS[i].source);
        buf_printf(b, "</p>\n");
    }
}

/* The page, with the cases from first on (all when pager_base is NULL). */
static void html_page(struct buf *b, const struct snapshot *s,
                      const struct un_query *q, const struct un_report *r,
                      size_t first, const char *pager_base)
{
    char text[1024];
    struct grid g;
    size_t n = r->n_cases;

    first = first < n ? first : 0;
    if (pager_base && n - first > PAGE_ROWS)
        n = first + PAGE_ROWS;
    title_text(text, sizeof(text), q);
    report_begin(b, text);
    html_heading(b, 1, text);
    scope_text(text, sizeof(text), q, r);
    html_paragraph(b, text);
    html_heading(b, 2, "1. Summary");
    summary_text(text, sizeof(text), r);
    html_paragraph(b, text);
    states_grid(&g, r);
    table(b, &g);
    grid_release(&g);
    html_heading(b, 2, "2. Cases past the deadline");
    cases_grid(&g, s, n > first ? r->cases + first : r->cases, n - first);
    table(b, &g);
    grid_release(&g);
    if (pager_base)
        page_pager(b, pager_base, first, r->n_cases);
    html_meetings(b, s, r);
    html_statistics(b, r);
    html_basis(b);
    html_end(b);
}

void un_report_html(struct buf *b, const struct snapshot *s,
                    const struct un_query *q, const struct un_report *r)
{
    html_page(b, s, q, r, 0, NULL);
}

void un_report_html_paged(struct buf *b, const struct snapshot *s,
                          const struct un_query *q, const struct un_report *r,
                          size_t first, const char *pager_base)
{
    html_page(b, s, q, r, first, pager_base);
}
