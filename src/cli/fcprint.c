/*
 * Writing forecasts out: report/forecast_render.h renders each output to
 * a buffer, and this file sends it to stdout, to a file (--svg, --html),
 * or, for the notes that go beside CSV (the seed, the scenarios' letters),
 * to stderr. A job is shown to the renderers as a struct fc_view.
 */
#include "base/xalloc.h"
#include "cli/fcjob.h"
#include "core/interchange.h"

static struct fc_view view_of(const struct fc_job *j)
{
    return (struct fc_view){ j->path, &j->sc, &j->model, &j->result };
}

/* Writes out to stdout and note to stderr, and releases both. */
static void emit(struct buf *out, struct buf *note)
{
    fwrite(note->data, 1, note->len, stderr);
    fwrite(out->data, 1, out->len, stdout);
    buf_release(note);
    buf_release(out);
}

void fc_print(const struct cli *cli, const struct fc_args *a,
              const struct fc_job *j)
{
    struct fc_view v = view_of(j);
    struct buf out, note;

    buf_init(&out, BUF_MAX_DEFAULT);
    buf_init(&note, BUF_MAX_DEFAULT);
    fc_render(&v, a->by, cli->format, &out, &note);
    emit(&out, &note);
}

/* The jobs as views; NULL (printed) when they do not compare. The caller
 * frees the views. */
static struct fc_view *views_of(const struct fc_job *jobs, size_t n, int *rc)
{
    struct fc_view *v;

    *rc = 0;
    if (n > FC_MAX_COMPARED) {
        *rc = cli_error(ST_USAGE, "forecast compare: at most %d scenarios",
                        FC_MAX_COMPARED);
        return NULL;
    }
    v = xcalloc(n, sizeof(*v));
    for (size_t j = 0; j < n; j++)
        v[j] = view_of(&jobs[j]);
    for (size_t j = 1; j < n; j++) {
        if (!fc_comparable(&v[0], &v[j])) {
            *rc = cli_error(ST_INVALID,
                            "forecast compare: '%s' and '%s' differ in "
                            "their start, horizon or sides",
                            jobs[0].path, jobs[j].path);
            free(v);
            return NULL;
        }
    }
    return v;
}

static int write_buf(const char *path, const struct buf *b)
{
    struct err e;

    if (interchange_write_file(path, b, &e))
        return cli_fail(&e);
    return 0;
}

int fc_print_compare(const struct cli *cli, const struct fc_args *a,
                     const struct fc_job *jobs, size_t n)
{
    struct buf out, note;
    int rc;
    struct fc_view *v = views_of(jobs, n, &rc);

    if (!v)
        return rc;
    if (a->svg) {
        buf_init(&out, BUF_MAX_DEFAULT);
        fc_render_compare_svg(v, n, a->by, &out);
        rc = write_buf(a->svg, &out);
        buf_release(&out);
    }
    if (!rc) {
        buf_init(&out, BUF_MAX_DEFAULT);
        buf_init(&note, BUF_MAX_DEFAULT);
        fc_render_compare(v, n, a->by, cli->format, &out, &note);
        emit(&out, &note);
    }
    free(v);
    return rc;
}

int fc_write_svg(const struct fc_job *j, const char *path)
{
    struct fc_view v = view_of(j);
    struct buf b;
    int rc;

    buf_init(&b, BUF_MAX_DEFAULT);
    fc_render_svg(&v, -1, &b);
    rc = write_buf(path, &b);
    buf_release(&b);
    return rc;
}

int fc_write_html(const struct fc_job *j, const char *path)
{
    struct fc_view v = view_of(j);
    struct buf b;
    int rc;

    buf_init(&b, BUF_MAX_DEFAULT);
    fc_render_html(&v, &b);
    rc = write_buf(path, &b);
    buf_release(&b);
    return rc;
}
