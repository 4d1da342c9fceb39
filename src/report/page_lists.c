/*
 * The published lists as web pages (report/page_lists.h): the Diplomatic
 * List or the consular list of a host on a date, in the pages of the
 * layout, printable (the style sheet's print rules drop the navigation
 * and forms). A list of a large registry runs to thousands of names, so
 * a page holds whole states up to LIST_MEMBERS names and links to the
 * next; the contents name every state and the page it is on, and the
 * order of precedence is a part of its own.
 */
#include "report/page_lists.h"

#include "base/date.h"

#define LIST_MEMBERS 300

static void person_name(struct buf *b, const struct snapshot *s, uint32_t i)
{
    const struct person *p = snap_person(s, i);

    if (p->given_names && *p->given_names)
        page_fmt(b, "%s ", p->given_names);
    page_fmt(b, "<span class=\"family\">%s</span>", p->family_name);
}

static void mission_block(struct buf *b, const struct snapshot *s,
                          const struct dlist *l, const struct dlist_mission *dm)
{
    const struct mission *m = snap_mission(s, dm->mission);

    page_fmt(b, "<h3>%s%s</h3>\n<p class=\"hint\">%s%s%s</p>\n", m->name,
             dm->consular_section ? ", consular section" : "",
             m->city ? m->city : "", m->city ? " \xc2\xb7 " : "", m->id);
    if (!dm->n) {
        page_para(b, "No staff of the list's categories notified as present.");
        return;
    }
    page_raw(
        b,
        "<div class=\"table\" tabindex=\"0\"><table><thead><tr><th scope=\"col\">"
        "Name</th><th scope=\"col\">Title</th><th scope=\"col\">"
        "Spouse</th></tr></thead>\n<tbody>\n");
    for (size_t k = dm->first; k < dm->first + dm->n; k++) {
        const struct dlist_member *mb = &l->members[k];
        const struct posting *t = snap_posting(s, mb->posting);

        page_raw(b,
                 t->head_of_mission ? "<tr class=\"head\"><td>" : "<tr><td>");
        person_name(b, s, t->person);
        page_fmt(b, "</td><td>%s</td><td>", t->title ? t->title : "");
        if (mb->spouse != IDMAP_NONE)
            person_name(b, s, mb->spouse);
        page_raw(b, "</td></tr>\n");
    }
    page_raw(b, "</tbody></table></div>\n");
}

static size_t state_members(const struct dlist *l, size_t i)
{
    size_t n = 0;

    for (size_t j = l->states[i].first; j < l->states[i].first + l->states[i].n;
         j++)
        n += l->missions[j].n;
    return n;
}

/* The first state of the page after the one starting at first. */
static size_t page_after(const struct dlist *l, size_t first)
{
    size_t n = 0, i = first;

    while (i < l->n_states &&
           (i == first || n + state_members(l, i) <= LIST_MEMBERS)) {
        n += state_members(l, i);
        i++;
    }
    return i;
}

static void contents(struct buf *b, const struct dlist *l, const char *base)
{
    size_t start = 0, next;

    page_raw(b, "<nav class=\"noprint\" aria-label=\"Contents\"><h2>"
                "Contents</h2><ul class=\"plain\">");
    while (start < l->n_states) {
        next = page_after(l, start);
        for (size_t i = start; i < next; i++)
            page_fmt(b, "<li><a href=\"%sfrom=%zu#s-%s\">%s</a></li>", base,
                     start, l->states[i].code, l->states[i].name);
        start = next;
    }
    page_fmt(b,
             "<li><a href=\"%spart=precedence\">Order of "
             "precedence</a></li></ul></nav>\n",
             base);
}

static void precedence(struct buf *b, const struct snapshot *s,
                       const struct dlist *l)
{
    page_raw(b, "<section id=\"precedence\"><h2>Order of precedence</h2>\n");
    page_para(b, l->kind == DLIST_DIPLOMATIC
                     ? "Heads of mission by class, then by the date each "
                       "took up functions (VCDR arts. 14 and 16)."
                     : "Heads of consular post by class, then by the date "
                       "each took up functions (VCCR art. 16).");
    page_raw(
        b,
        "<div class=\"table\" tabindex=\"0\"><table><thead><tr><th scope=\"col\">"
        "No.</th><th scope=\"col\">Name</th><th scope=\"col\">Title"
        "</th><th scope=\"col\">Mission</th><th scope=\"col\">Took "
        "up functions</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < l->n_heads; i++) {
        const struct posting *t = snap_posting(s, l->heads[i].posting);
        char d[DATE_BUF] = "";

        if (t->credentials != DATE_NONE)
            date_format(t->credentials, d);
        page_fmt(b, "<tr><td class=\"n\">%zu</td><td>", i + 1);
        person_name(b, s, t->person);
        page_fmt(b, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                 t->title ? t->title : "", snap_mission(s, t->mission)->name,
                 d);
    }
    page_raw(b, "</tbody></table></div></section>\n");
}

void page_dlist(struct buf *b, const struct snapshot *s, const struct dlist *l,
                const struct page_list_view *v)
{
    char d[DATE_BUF];
    size_t next = page_after(l, v->from);

    date_format(l->as_of, d);
    page_fmt(b, "<p>The %s list of <strong>%s</strong> on %s",
             l->kind == DLIST_DIPLOMATIC ? "diplomatic" : "consular",
             v->host_name, d);
    if (l->checkpoint_seq > 0)
        page_fmt(b, ", from the registry at change-log entry %lld",
                 (long long)l->checkpoint_seq);
    page_raw(b, ".</p>\n");
    contents(b, l, v->base);
    if (v->precedence) {
        precedence(b, s, l);
        return;
    }
    for (size_t i = v->from; i < next; i++) {
        const struct dlist_state *st = &l->states[i];

        page_fmt(b, "<section class=\"dl-state\" id=\"s-%s\"><h2>%s</h2>\n",
                 st->code, st->name);
        for (size_t j = st->first; j < st->first + st->n; j++)
            mission_block(b, s, l, &l->missions[j]);
        page_raw(b, "</section>\n");
    }
    if (!l->n_states)
        page_para(b, "No mission is listed on this date.");
    page_raw(b, "<nav class=\"pager\" aria-label=\"Pages\"><p>");
    if (next < l->n_states)
        page_fmt(b, "<a href=\"%sfrom=%zu\" rel=\"next\">Next states</a> ",
                 v->base, next);
    page_fmt(b, "<a href=\"%spart=precedence\">Order of precedence</a>",
             v->base);
    page_raw(b, "</p></nav>\n");
}
