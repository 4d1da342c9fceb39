/*
 * Shared command helpers. Errors are printed here and only here, in one
 * format; commands return the exit code these helpers give them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <unistd.h>

#include "base/date.h"
#include "base/input.h"
#include "base/xalloc.h"
#include "cli/cli.h"

int cli_error(enum status status, const char *fmt, ...)
{
    va_list ap;

    fputs("chancery: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status_exit_code(status);
}

int cli_fail(const struct err *e)
{
    return cli_error(e->status, "%s", e->msg);
}

int cli_fail_problems(const struct problems *p)
{
    for (size_t i = 0; i < p->n_kept; i++)
        fprintf(stderr, "%s\n", p->msgs[i]);
    if (p->n_total > p->n_kept)
        fprintf(stderr, "... and %zu more\n", p->n_total - p->n_kept);
    return cli_error(ST_INVALID, "%zu error%s: nothing was written", p->n_total,
                     p->n_total == 1 ? "" : "s");
}

static int wants_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help");
}

int cli_dispatch(struct cli *cli, const struct cmd_spec *family, int argc,
                 char **argv)
{
    if (argc < 2 || wants_help(argv[1])) {
        opts_help(argc < 2 ? stderr : stdout, cli, family);
        return argc < 2 ? ST_USAGE : ST_OK;
    }
    for (const struct command *c = family->subs; c->name; c++) {
        if (!strcmp(c->name, argv[1]))
            return c->run(cli, argc - 1, argv + 1);
    }
    return cli_error(ST_USAGE,
                     "unknown command '%s %s' (try 'chancery %s --help')",
                     family->name, argv[1], family->name);
}

/* Said when a write waits for another writer to finish. */
static void say_waiting(void *ctx)
{
    (void)ctx;
    fprintf(stderr, "chancery: waiting for another writer...\n");
}

enum status cli_open(struct cli *cli, struct store **st, struct snapshot *s,
                     struct err *e)
{
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, st, e))
        return e->status;
    store_set_actor(*st, cli->actor);
    store_on_wait(*st, say_waiting, NULL);
    if (store_load(*st, cli->as_known_on, s, e)) {
        store_close(*st);
        *st = NULL;
        return e->status;
    }
    if (getenv("CHANCERY_DEBUG_LOAD"))
        fprintf(stderr, "snapshot: %s\n", store_load_source(*st));
    return ST_OK;
}

enum status cli_open_for_write(struct cli *cli, struct store **st,
                               struct snapshot *s, struct err *e)
{
    if (cli->as_known_on != DATE_NONE)
        return err_set(e, ST_USAGE, "--as-known-on is for reads only");
    return cli_open(cli, st, s, e);
}

enum status cli_date(const char *option, const char *text, int32_t *out,
                     struct err *e)
{
    if (date_parse(text, out, e)) {
        err_prefix(e, "%s", option);
        e->status = ST_USAGE;
        return ST_USAGE;
    }
    return ST_OK;
}

enum status cli_state(const struct snapshot *s, const char *option,
                      const char *text, struct err *e)
{
    return opts_known(s, REF_STATE, option, text, e);
}

static void print_buf(const struct buf *b)
{
    fwrite(b->data, 1, b->len, stdout);
}

void cli_print_grid(const struct cli *cli, const struct grid *g)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    grid_render(g, cli->format, &b);
    print_buf(&b);
    buf_release(&b);
}

void cli_print_record(const struct cli *cli, const struct grid *g)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    grid_render_record(g, 0, cli->format, &b);
    print_buf(&b);
    buf_release(&b);
}

static char *existing(char *path)
{
    if (!access(path, R_OK))
        return path;
    free(path);
    return NULL;
}

char *cli_data_path(const char *name)
{
    const char *env = getenv("CHANCERY_DATA");
    char exe[PATH_MAX];
    ssize_t n;
    char *slash, *p;

    if (env && *env)
        return xasprintf("%s/%s", env, name);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        if ((p = existing(xasprintf("%s/data/%s", exe, name))) ||
            (p = existing(xasprintf("%s/../data/%s", exe, name))) ||
            (p = existing(xasprintf("%s/../share/chancery/%s", exe, name))))
            return p;
    }
    return xasprintf("data/%s", name);
}

enum status cli_holidays(struct holidays *h, struct err *e)
{
    char *path = cli_data_path("holidays.csv");
    enum status rc = holidays_read_file(h, path, e);

    free(path);
    return rc;
}

void cli_reset_getopt(void)
{
    optind = 0; /* glibc: 0 reinitialises getopt fully */
    opterr = 1;
}

enum status cli_read_file(const char *path, struct buf *out, struct err *e)
{
    char chunk[8192];
    size_t n;
    uint64_t max;
    enum status rc = ST_OK;
    FILE *f;

    if (input_open(path, &f, &max, e))
        return e->status;
    buf_init(out, max < ((size_t)64 << 20) ? (size_t)max : (size_t)64 << 20);
    while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_add(out, chunk, n))
            rc = err_set(e, ST_INVALID,
                         "%s: larger than the %zu bytes a "
                         "JSON file may hold",
                         path, out->max);
    if (!rc && ferror(f))
        rc =
            err_set(e, ST_ERROR, "cannot read '%s': %s", path, strerror(errno));
    fclose(f);
    if (rc)
        buf_release(out);
    return rc;
}
