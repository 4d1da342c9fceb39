/*
 * The published lists as table, CSV and JSON (report/dlist.h). Table and
 * CSV go through grids (report/grid.h), so they align and quote as every
 * other command's output does; JSON is built with jansson in the nested
 * shape DESIGN.md gives the lists, which a flat grid cannot hold.
 */
#include "report/dlist.h"

#include <jansson.h>

#include "base/date.h"

static void add(struct buf *b, const char *s)
{
    if (buf_addstr(b, s))
        BUG("list output too large");
}

void dlist_person_name(const struct snapshot *s, uint32_t person, char *out,
                       size_t size)
{
    const struct person *p = snap_person(s, person);

    if (p->given_names && *p->given_names)
        snprintf(out, size, "%s %s", p->given_names, p->family_name);
    else
        snprintf(out, size, "%s", p->family_name);
}

/* A JSON string, or null for an absent (NULL or empty) text. */
static json_t *text_or_null(const char *text)
{
    return text && *text ? json_string_nocheck(text) : json_null();
}

static json_t *date_or_null(int32_t d)
{
    char buf[DATE_BUF];

    if (d == DATE_NONE)
        return json_null();
    date_format(d, buf);
    return json_string_nocheck(buf);
}

static json_t *rank_or_null(int rank)
{
    return rank == ENUM_NONE ? json_null()
                             : json_string_nocheck(enum_name(&ENUM_RANK, rank));
}

static json_t *staff_json(const struct snapshot *s,
                          const struct dlist_member *m)
{
    const struct posting *t = snap_posting(s, m->posting);
    json_t *o = json_object();
    char name[512];

    dlist_person_name(s, t->person, name, sizeof(name));
    json_object_set_new_nocheck(o, "posting", json_string_nocheck(t->id));
    json_object_set_new_nocheck(o, "name", json_string_nocheck(name));
    json_object_set_new_nocheck(o, "title", text_or_null(t->title));
    json_object_set_new_nocheck(o, "rank", rank_or_null(t->rank));
    if (m->spouse == IDMAP_NONE) {
        json_object_set_new_nocheck(o, "spouse", json_null());
    } else {
        dlist_person_name(s, m->spouse, name, sizeof(name));
        json_object_set_new_nocheck(o, "spouse", json_string_nocheck(name));
    }
    return o;
}

static json_t *mission_json(const struct snapshot *s, const struct dlist *l,
                            const struct dlist_mission *dm)
{
    const struct mission *m = snap_mission(s, dm->mission);
    json_t *o = json_object(), *staff = json_array();

    json_object_set_new_nocheck(o, "mission", json_string_nocheck(m->id));
    json_object_set_new_nocheck(o, "sending", json_string_nocheck(m->sending));
    json_object_set_new_nocheck(o, "name", json_string_nocheck(m->name));
    for (size_t k = 0; k < dm->n; k++)
        json_array_append_new(staff, staff_json(s, &l->members[dm->first + k]));
    json_object_set_new_nocheck(o, "staff", staff);
    return o;
}

static json_t *head_json(const struct snapshot *s, const struct dlist_head *h)
{
    const struct posting *t = snap_posting(s, h->posting);
    const struct mission *m = snap_mission(s, t->mission);
    json_t *o = json_object();

    json_object_set_new_nocheck(o, "posting", json_string_nocheck(t->id));
    json_object_set_new_nocheck(o, "mission", json_string_nocheck(m->id));
    json_object_set_new_nocheck(o, "sending", json_string_nocheck(m->sending));
    json_object_set_new_nocheck(o, "rank", rank_or_null(t->rank));
    json_object_set_new_nocheck(o, "credentials", date_or_null(t->credentials));
    return o;
}

/* jansson writes its output straight into the buffer, without the copy
 * json_dumps would make. */
static int dump_to_buf(const char *text, size_t n, void *b)
{
    return buf_add(b, text, n) ? -1 : 0;
}

/* The checkpoint the list was made from, {"size","root"}; null when its
 * root is not known. */
static json_t *checkpoint_json(const struct dlist *l)
{
    json_t *o;

    if (!l->checkpoint_root[0])
        return json_null();
    o = json_object();
    json_object_set_new_nocheck(o, "size", json_integer(l->checkpoint_seq));
    json_object_set_new_nocheck(o, "root",
                                json_string_nocheck(l->checkpoint_root));
    return o;
}

static void render_json(const struct snapshot *s, const struct dlist *l,
                        struct buf *b)
{
    json_t *o = json_object(), *missions = json_array(), *prec = json_array();

    json_object_set_new_nocheck(o, "host", json_string_nocheck(l->host));
    json_object_set_new_nocheck(o, "as_of", date_or_null(l->as_of));
    json_object_set_new_nocheck(o, "as_known_on", date_or_null(l->as_known_on));
    json_object_set_new_nocheck(o, "checkpoint", checkpoint_json(l));
    for (size_t i = 0; i < l->n_missions; i++)
        json_array_append_new(missions, mission_json(s, l, &l->missions[i]));
    json_object_set_new_nocheck(o, "missions", missions);
    for (size_t i = 0; i < l->n_heads; i++)
        json_array_append_new(prec, head_json(s, &l->heads[i]));
    json_object_set_new_nocheck(o, "precedence", prec);
    if (json_dump_callback(o, dump_to_buf, b,
                           JSON_INDENT(2) | JSON_PRESERVE_ORDER))
        BUG("cannot encode JSON output");
    add(b, "\n");
    json_decref(o);
}

/* The staff rows: one per member, under its state and mission. */
static void staff_grid(const struct snapshot *s, const struct dlist *l,
                       struct grid *g)
{
    static const char *const cols[] = { "state", "mission", "posting", "name",
                                        "title", "rank",    "spouse" };
    char name[512], spouse[512];

    grid_init(g, cols, 7);
    for (size_t i = 0; i < l->n_states; i++) {
        const struct dlist_state *st = &l->states[i];

        for (size_t j = st->first; j < st->first + st->n; j++) {
            const struct dlist_mission *dm = &l->missions[j];

            for (size_t k = dm->first; k < dm->first + dm->n; k++) {
                const struct dlist_member *m = &l->members[k];
                const struct posting *t = snap_posting(s, m->posting);
                const char *cells[7] = {
                    st->name, snap_mission(s, dm->mission)->id, t->id, name,
                    t->title, enum_name(&ENUM_RANK, t->rank),   spouse
                };

                dlist_person_name(s, t->person, name, sizeof(name));
                spouse[0] = '\0';
                if (m->spouse != IDMAP_NONE)
                    dlist_person_name(s, m->spouse, spouse, sizeof(spouse));
                grid_add_row(g, cells);
            }
        }
    }
}

static void precedence_grid(const struct snapshot *s, const struct dlist *l,
                            struct grid *g)
{
    static const char *const cols[] = { "order:n", "posting",    "name",
                                        "mission", "sending",    "class",
                                        "rank",    "credentials" };
    char order[16], name[512], cred[DATE_BUF];

    grid_init(g, cols, 8);
    for (size_t i = 0; i < l->n_heads; i++) {
        const struct posting *t = snap_posting(s, l->heads[i].posting);
        const struct mission *m = snap_mission(s, t->mission);
        const char *cells[8] = {
            order,
            t->id,
            name,
            m->id,
            m->sending,
            precedence_class_name(l->kind, l->heads[i].class),
            enum_name(&ENUM_RANK, t->rank),
            cred,
        };

        snprintf(order, sizeof(order), "%zu", i + 1);
        dlist_person_name(s, t->person, name, sizeof(name));
        date_format(t->credentials, cred);
        grid_add_row(g, cells);
    }
}

static void render_title(const struct dlist *l, struct buf *b)
{
    char as_of[DATE_BUF], known[DATE_BUF];

    date_format(l->as_of, as_of);
    date_format(l->as_known_on, known);
    if (buf_addf(b, "%s of %s on %s%s%s",
                 l->kind == DLIST_DIPLOMATIC ? "Diplomatic List"
                                             : "Consular List",
                 l->host, as_of, *known ? ", as known on " : "", known) ||
        (l->checkpoint_root[0] &&
         buf_addf(b, " (checkpoint: %lld entries, root %s)",
                  (long long)l->checkpoint_seq, l->checkpoint_root)) ||
        buf_addstr(b, "\n\n"))
        BUG("list output too large");
}

void dlist_render(const struct snapshot *s, const struct dlist *l,
                  enum out_format format, struct buf *b)
{
    struct grid staff, prec;

    if (format == OUT_JSON) {
        render_json(s, l, b);
        return;
    }
    staff_grid(s, l, &staff);
    precedence_grid(s, l, &prec);
    if (format == OUT_TABLE)
        render_title(l, b);
    grid_render(&staff, format, b);
    add(b, format == OUT_TABLE ? "\nOrder of precedence\n\n" : "\n");
    grid_render(&prec, format, b);
    grid_release(&staff);
    grid_release(&prec);
}
