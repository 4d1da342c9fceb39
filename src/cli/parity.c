/*
 * `chancery parity S1 S2`: each side's staff in the other and the caps
 * between them (rules/parity.h), on one date as a table by staff category,
 * or over a series of dates as a row per step; `--svg FILE` draws the
 * series with report/timechart.h. This file parses the options, turns the
 * result into grids and the chart, and writes them.
 */
#include "rules/parity.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "report/timechart.h"

#define MAX_STEPS 100000

struct parity_args {
    struct parity_options o;
    struct opt_list assumed;
    int32_t as_of, from, to;
    int step; /* enum parity_step; -1 when not given */
    int view; /* enum parity_view */
    const char *svg;
};

static const struct opt OPTS[] = {
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct parity_args, as_of),
      .def = "today",
      .help = "the one date of a table by staff category; not with --from." },
    { .name = "from",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct parity_args, from),
      .help = "the first date of a series (with --to): one row per step." },
    { .name = "to",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct parity_args, to),
      .help = "the last date of a series (with --from)." },
    { .name = "step",
      .arg = "STEP",
      .kind = OPT_ENUM,
      .values = "month|quarter|year",
      .offset = offsetof(struct parity_args, step),
      .def = "month",
      .help = "the interval between the dates of a series." },
    { .name = "count",
      .arg = "VIEW",
      .kind = OPT_ENUM,
      .values = "bilateral|country",
      .offset = offsetof(struct parity_args, view),
      .def = "bilateral",
      .help = "bilateral counts the missions each state sends to the other; "
              "country also counts missions to organizations seated in the "
              "other." },
    { .name = "assume",
      .arg = "COND",
      .kind = OPT_LIST,
      .ref = REF_CONDITION,
      .offset = offsetof(struct parity_args, assumed),
      .def = "none",
      .help = "assume that condition COND holds: every cap that applies "
              "unless COND is void." },
    { .name = "svg",
      .arg = "FILE",
      .offset = offsetof(struct parity_args, svg),
      .help = "also draw the series as an SVG chart in FILE (a series "
              "only)." },
    { .name = NULL },
};

const struct cmd_spec PARITY_SPEC = {
    .name = "parity",
    .operands = "S1 S2",
    .min_operands = 2,
    .max_operands = 2,
    .operand_refs = { REF_STATE, REF_STATE },
    .help = "each side's staff in the other, the gap and the caps between "
            "them.",
    .example = { "parity RUS USA --as-of 2021-12-04",
                 "parity RUS USA --from 2016-01-01 --to 2022-12-31 --step "
                 "quarter --svg parity.svg" },
    .opts = OPTS,
};

/* The combinations of options that make sense. */
static enum status check_args(struct parity_args *a, struct err *e)
{
    int series = a->from != DATE_NONE || a->to != DATE_NONE;

    if (series && a->as_of != DATE_NONE)
        return err_set(e, ST_USAGE,
                       "--as-of and --from/--to exclude each other");
    if (series && (a->from == DATE_NONE || a->to == DATE_NONE))
        return err_set(e, ST_USAGE, "a series needs both --from and --to");
    if (!series && (a->step >= 0 || a->svg))
        return err_set(e, ST_USAGE, "%s needs a series (--from and --to)",
                       a->svg ? "--svg" : "--step");
    if (series && a->from > a->to)
        return err_set(e, ST_USAGE, "--from is after --to");
    return ST_OK;
}

/* Parses argv into a; returns OPTS_GO to go on, else the exit code. */
static int parse_args(struct parity_args *a, struct cli *cli, int argc,
                      char **argv)
{
    struct opts_rest rest;
    struct err e;
    int rc;

    memset(a, 0, sizeof(*a));
    a->as_of = a->from = a->to = DATE_NONE;
    a->step = -1;
    rc = opts_parse(cli, &PARITY_SPEC, argc, argv, a, NULL, &rest);
    if (rc != OPTS_GO)
        return rc;
    if (check_args(a, &e))
        return cli_fail(&e);
    if (a->as_of == DATE_NONE)
        a->as_of = cli->today;
    if (a->step < 0)
        a->step = PARITY_MONTH;
    a->o.view = (enum parity_view)a->view;
    a->o.assumed = a->assumed.v;
    a->o.n_assumed = (size_t)a->assumed.n;
    a->o.states[0] = rest.v[0];
    a->o.states[1] = rest.v[1];
    return OPTS_GO;
}

/* "RUS_in_USA" for side 0, then suffix. */
static void side_name(const struct parity_options *o, int side,
                      const char *suffix, char *out, size_t size)
{
    snprintf(out, size, "%s_in_%s%s", o->states[side], o->states[1 - side],
             suffix);
}

static void number(char *out, size_t size, long v)
{
    snprintf(out, size, "%ld", v);
}

static void category_grid(const struct parity_args *a, const struct parity *p,
                          struct grid *g)
{
    const struct parity_point *pt = &p->points[0];
    char s0[16], s1[16], n0[16], n1[16], gap[16];
    const char *cols[4] = { "category", s0, s1, "gap:n" };

    side_name(&a->o, 0, ":n", s0, sizeof(s0));
    side_name(&a->o, 1, ":n", s1, sizeof(s1));
    grid_init(g, cols, 4);
    for (int c = 0; c <= CAT__COUNT; c++) {
        long x = c < CAT__COUNT ? pt->staff[0][c] : pt->total[0];
        long y = c < CAT__COUNT ? pt->staff[1][c] : pt->total[1];
        const char *cells[4] = { c < CAT__COUNT
                                     ? enum_name(&ENUM_STAFF_CATEGORY, c)
                                     : "total",
                                 n0, n1, gap };

        if (c < CAT__COUNT && !x && !y)
            continue;
        number(n0, sizeof(n0), x);
        number(n1, sizeof(n1), y);
        number(gap, sizeof(gap), x - y);
        grid_add_row(g, cells);
    }
}

/* The caps in effect on the single date. */
static void cap_grid(const struct parity_args *a, const struct parity *p,
                     struct grid *g)
{
    static const char *const cols[] = { "policy",    "caps",   "limit:n",
                                        "counted:n", "over:n", "mirrored:b",
                                        "title" };

    grid_init(g, cols, 7);
    for (size_t c = 0; c < p->n_caps; c++) {
        const struct parity_cap_value *v = parity_value(p, 0, c);
        char who[16], limit[24], counted[16], over[24];
        const char *cells[7] = {
            p->caps[c].policy, who,  limit,
            counted,           over, p->caps[c].mirrored ? "true" : "false",
            p->caps[c].title
        };

        if (!v->in_effect)
            continue;
        side_name(&a->o, p->caps[c].side, "", who, sizeof(who));
        number(limit, sizeof(limit), v->limit);
        number(counted, sizeof(counted), v->counted);
        number(over, sizeof(over),
               (long)v->counted > v->limit ? (long)v->counted - v->limit : 0);
        grid_add_row(g, cells);
    }
}

/* A grid rendered as JSON, parsed back to be nested in an object. */
static json_t *grid_json(const struct grid *g)
{
    struct buf b;
    json_t *v;

    buf_init(&b, BUF_MAX_DEFAULT);
    grid_render(g, OUT_JSON, &b);
    v = json_loads(b.data, 0, NULL);
    buf_release(&b);
    if (!v)
        BUG("a grid rendered invalid JSON");
    return v;
}

static void print_json(const struct parity_args *a, const struct grid *staff,
                       const struct grid *caps)
{
    char d[DATE_BUF], *text;
    json_t *o;

    date_format(a->as_of, d);
    o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "s1", a->o.states[0], "s2",
                  a->o.states[1], "as_of", d, "count",
                  a->o.view == PARITY_BILATERAL ? "bilateral" : "country",
                  "headcount", grid_json(staff), "caps", grid_json(caps));
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("%s\n", text);
    free(text);
    json_decref(o);
}

static void print_single(const struct cli *cli, const struct parity_args *a,
                         const struct parity *p)
{
    struct grid staff, caps;
    char d[DATE_BUF];

    category_grid(a, p, &staff);
    cap_grid(a, p, &caps);
    date_format(a->as_of, d);
    if (cli->format == OUT_JSON) {
        print_json(a, &staff, &caps);
    } else {
        if (cli->format == OUT_TABLE)
            printf(
                "Staff present on %s (the total leaves local staff apart), %s:\n",
                d,
                a->o.view == PARITY_BILATERAL
                    ? "bilateral missions (those to organizations left out)"
                    : "every mission in the country, those to "
                      "organizations included");
        cli_print_grid(cli, &staff);
        printf("\n%s", cli->format == OUT_TABLE ? "Caps in effect:\n" : "");
        cli_print_grid(cli, &caps);
    }
    grid_release(&staff);
    grid_release(&caps);
}

/* Column names of the series: date, the two sides, the gap, then each
 * cap's limit and count. The caller frees names[4..n). */
static size_t series_columns(const struct parity_args *a,
                             const struct parity *p, char **names,
                             char sides[2][16])
{
    size_t n = 4;

    side_name(&a->o, 0, ":n", sides[0], sizeof(sides[0]));
    side_name(&a->o, 1, ":n", sides[1], sizeof(sides[1]));
    names[0] = "date";
    names[1] = sides[0];
    names[2] = sides[1];
    names[3] = "gap:n";
    for (size_t c = 0; c < p->n_caps; c++) {
        names[n++] = xasprintf("%s.limit:n", p->caps[c].policy);
        names[n++] = xasprintf("%s.counted:n", p->caps[c].policy);
    }
    return n;
}

static void series_row(const struct parity *p, size_t i, struct grid *g,
                       char (*cells)[24])
{
    const struct parity_point *pt = &p->points[i];
    const char **row = xmalloc((4 + 2 * p->n_caps) * sizeof(*row));

    date_format(pt->date, cells[0]);
    number(cells[1], 24, pt->total[0]);
    number(cells[2], 24, pt->total[1]);
    number(cells[3], 24, (long)pt->total[0] - (long)pt->total[1]);
    for (size_t c = 0; c < p->n_caps; c++) {
        const struct parity_cap_value *v = parity_value(p, i, c);

        cells[4 + 2 * c][0] = cells[5 + 2 * c][0] = '\0';
        if (v->in_effect) {
            number(cells[4 + 2 * c], 24, v->limit);
            number(cells[5 + 2 * c], 24, v->counted);
        }
    }
    for (size_t k = 0; k < 4 + 2 * p->n_caps; k++)
        row[k] = cells[k];
    grid_add_row(g, row);
    free(row);
}

static void print_series(const struct cli *cli, const struct parity_args *a,
                         const struct parity *p)
{
    size_t n_cols = 4 + 2 * p->n_caps;
    char **names = xmalloc(n_cols * sizeof(*names)), sides[2][16];
    char(*cells)[24] = xmalloc(n_cols * sizeof(*cells));
    struct grid g;

    series_columns(a, p, names, sides);
    grid_init(&g, (const char *const *)names, n_cols);
    for (size_t i = 0; i < p->n_points; i++)
        series_row(p, i, &g, cells);
    cli_print_grid(cli, &g);
    grid_release(&g);
    for (size_t k = 4; k < n_cols; k++)
        free(names[k]);
    free(names);
    free(cells);
}

/* What the chart is drawn from; the texts and values are owned here. */
struct chart_data {
    int32_t *dates;
    double *values; /* one column of n_points per line */
    struct timechart_line *lines;
    size_t n_lines;
    struct timechart_event *events;
    char **texts;
    size_t n_texts;
};

static const char *own(struct chart_data *d, char *text)
{
    d->texts[d->n_texts++] = text;
    return text;
}

static double *add_line(struct chart_data *d, const struct parity *p,
                        const char *label, int color,
                        enum timechart_style style)
{
    struct timechart_line *l = &d->lines[d->n_lines];
    double *v = d->values + d->n_lines++ * p->n_points;

    l->label = label;
    l->color = color;
    l->style = style;
    l->step = style != TIMECHART_SOLID;
    l->values = v;
    return v;
}

/* 1 when cap c counts otherwise than the view on some date. */
static int counts_otherwise(const struct parity *p, size_t c)
{
    for (size_t i = 0; i < p->n_points; i++) {
        const struct parity_cap_value *v = parity_value(p, i, c);

        if (v->in_effect && v->counted != p->points[i].total[p->caps[c].side])
            return 1;
    }
    return 0;
}

/* A cap's limit as a dashed step line and, when it counts otherwise than
 * the view, its own count dotted. */
static void cap_lines(struct chart_data *d, const struct parity *p, size_t c,
                      const char *whose)
{
    const struct parity_cap *cap = &p->caps[c];
    const char *label = own(d, xasprintf("cap %s on %s", cap->policy, whose));
    double *limit = add_line(d, p, label, cap->side, TIMECHART_DASHED);
    double *counted = NULL;

    if (counts_otherwise(p, c)) {
        label = own(d, xasprintf("%s: the staff it counts", cap->policy));
        counted = add_line(d, p, label, cap->side, TIMECHART_DOTTED);
    }
    for (size_t i = 0; i < p->n_points; i++) {
        const struct parity_cap_value *v = parity_value(p, i, c);

        limit[i] = v->in_effect ? (double)v->limit : NAN;
        if (counted)
            counted[i] = v->in_effect ? (double)v->counted : NAN;
    }
}

static void chart_lines(struct chart_data *d, const struct parity_args *a,
                        const struct parity *p)
{
    char whose[2][64];

    for (int side = 0; side < 2; side++) {
        double *v;

        snprintf(whose[side], sizeof(whose[side]), "%s staff in %s",
                 a->o.states[side], a->o.states[1 - side]);
        v = add_line(d, p, own(d, xstrdup(whose[side])), side, TIMECHART_SOLID);
        for (size_t i = 0; i < p->n_points; i++)
            v[i] = p->points[i].total[side];
    }
    for (size_t c = 0; c < p->n_caps; c++)
        cap_lines(d, p, c, whose[p->caps[c].side]);
}

static void chart_events(struct chart_data *d, const struct parity_args *a,
                         const struct parity *p)
{
    for (size_t i = 0; i < p->n_events; i++) {
        const struct parity_event *ev = &p->events[i];
        struct timechart_event *te = &d->events[i];

        te->date = ev->date;
        te->color = ev->side;
        if (ev->kind == PARITY_CLOSURE)
            te->text = own(d, xasprintf("%s (%s)", ev->text, ev->id));
        else
            te->text =
                own(d, xasprintf("%s: %s (%s)", a->o.states[1 - ev->side],
                                 ev->text, ev->id));
    }
}

static void chart_data_init(struct chart_data *d, const struct parity *p)
{
    size_t n_lines = 2 + 2 * p->n_caps;

    memset(d, 0, sizeof(*d));
    d->dates = xcalloc(p->n_points + 1, sizeof(*d->dates));
    d->values = xcalloc(n_lines * p->n_points + 1, sizeof(*d->values));
    d->lines = xcalloc(n_lines, sizeof(*d->lines));
    d->events = xcalloc(p->n_events + 1, sizeof(*d->events));
    d->texts = xcalloc(n_lines + p->n_events + 2, sizeof(*d->texts));
}

static void chart_data_release(struct chart_data *d)
{
    for (size_t i = 0; i < d->n_texts; i++)
        free(d->texts[i]);
    free(d->texts);
    free(d->dates);
    free(d->values);
    free(d->lines);
    free(d->events);
}

static void chart_titles(const struct parity_args *a, const struct parity *p,
                         struct timechart *c, char *title, char *subtitle)
{
    char from[DATE_BUF], to[DATE_BUF];

    date_format(p->points[0].date, from);
    date_format(p->points[p->n_points - 1].date, to);
    snprintf(title, 256, "Parity: %s staff in %s and %s staff in %s, %s to %s",
             a->o.states[0], a->o.states[1], a->o.states[1], a->o.states[0],
             from, to);
    snprintf(subtitle, 512,
             "Staff present, local staff apart; %s. Caps dashed at their "
             "limit; dotted, the staff a cap counts where it counts "
             "otherwise.",
             a->o.view == PARITY_BILATERAL
                 ? "bilateral missions, those to organizations left out"
                 : "every mission in the country, those to organizations "
                   "included");
    c->title = title;
    c->subtitle = subtitle;
    c->y_label = "staff present";
}

static int save(const char *path, const struct buf *b)
{
    FILE *f = fopen(path, "w");
    int ok = f && fwrite(b->data, 1, b->len, f) == b->len;

    if (f && fclose(f))
        ok = 0;
    return ok ? 0
              : cli_error(ST_ERROR, "cannot write '%s': %s", path,
                          strerror(errno));
}

static int write_svg(const struct parity_args *a, const struct parity *p)
{
    struct chart_data d;
    struct timechart c;
    char title[256], subtitle[512];
    struct buf b;
    int rc;

    chart_data_init(&d, p);
    chart_lines(&d, a, p);
    chart_events(&d, a, p);
    for (size_t i = 0; i < p->n_points; i++)
        d.dates[i] = p->points[i].date;
    chart_titles(a, p, &c, title, subtitle);
    c.dates = d.dates;
    c.n_dates = p->n_points;
    c.lines = d.lines;
    c.n_lines = d.n_lines;
    c.events = d.events;
    c.n_events = p->n_events;
    buf_init(&b, BUF_MAX_DEFAULT);
    timechart_svg(&c, &b);
    rc = save(a->svg, &b);
    buf_release(&b);
    chart_data_release(&d);
    return rc;
}

static enum status known_states(const struct snapshot *s,
                                const struct parity_options *o, struct err *e)
{
    assert(o->states[0] && o->states[1]); /* set by parse_args */
    for (int k = 0; k < 2; k++) {
        if (snapshot_find(s, ENT_STATE, o->states[k]) == IDMAP_NONE)
            return err_set(e, ST_USAGE, "unknown state '%s'", o->states[k]);
    }
    if (!strcmp(o->states[0], o->states[1]))
        return err_set(e, ST_USAGE, "parity needs two different states");
    return ST_OK;
}

/* The dates asked for: the series, or the one date. */
static enum status dates_of(const struct parity_args *a, int32_t **dates,
                            size_t *n, struct err *e)
{
    if (a->from == DATE_NONE) {
        *dates = xmalloc(sizeof(**dates));
        (*dates)[0] = a->as_of;
        *n = 1;
        return ST_OK;
    }
    if (parity_dates(a->from, a->to, a->step, MAX_STEPS, dates, n, e))
        return e->status = ST_USAGE;
    return ST_OK;
}

static int run(struct cli *cli, struct parity_args *a, const struct snapshot *s)
{
    struct parity p;
    int32_t *dates = NULL;
    size_t n = 0;
    struct err e;
    int rc = 0;

    parity_init(&p);
    if (known_states(s, &a->o, &e) || dates_of(a, &dates, &n, &e) ||
        parity_compute(s, &a->o, dates, n, &p, &e))
        rc = cli_fail(&e);
    else if (a->from == DATE_NONE)
        print_single(cli, a, &p);
    else if (!(rc = a->svg ? write_svg(a, &p) : 0))
        print_series(cli, a, &p);
    free(dates);
    parity_release(&p);
    return rc;
}

int cmd_parity(struct cli *cli, int argc, char **argv)
{
    struct parity_args a;
    struct store *st = NULL;
    struct snapshot s;
    struct err e;
    struct opts_rest states;
    int rc = parse_args(&a, cli, argc, argv);

    if (rc != OPTS_GO)
        return rc;
    states = (struct opts_rest){ (char **)a.o.states, 2 };
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(&PARITY_SPEC, &a, NULL, &states, &s, &e)) {
        rc = cli_fail(&e);
        if (st)
            store_close(st);
    } else {
        rc = run(cli, &a, &s);
        store_close(st);
    }
    snapshot_release(&s);
    return rc;
}
