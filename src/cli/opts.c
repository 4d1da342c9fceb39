/*
 * Parsing, checking and describing command lines from the tables of
 * cli/opts.h. getopt_long is built from a command's table plus the global
 * options, so "--family-name --db=x" gives "--db=x" to --family-name (a
 * value is never mistaken for an option), while an exact "--db PATH" in a
 * command's own arguments still sets the registry. Help, usage and the man
 * page are written from the same tables.
 */
#include "cli/opts.h"

#include <getopt.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "cli/cli.h"

/* getopt_long values: a command's options from OPT_BASE, globals above. */
#define OPT_BASE    256
#define GLOBAL_BASE 512
#define OPT_HELP    'h'

/* The global options, also taken among a command's own options. */
static const char *const GLOBALS[] = { "db", "format", "as-known-on", "actor",
                                       NULL };

static int count_opts(const struct cmd_spec *c)
{
    int n = 0;

    while (c->opts && c->opts[n].name)
        n++;
    if (n > OPTS_MAX)
        BUG("'%s' has too many options", c->name);
    return n;
}

static void build_long(const struct cmd_spec *c, int n, struct option *lo)
{
    int k = 0;

    for (int i = 0; i < n; i++)
        lo[k++] =
            (struct option){ c->opts[i].name,
                             c->opts[i].kind == OPT_FLAG ? no_argument
                                                         : required_argument,
                             NULL, OPT_BASE + i };
    for (int j = 0; GLOBALS[j]; j++)
        lo[k++] = (struct option){ GLOBALS[j], required_argument, NULL,
                                   GLOBAL_BASE + j };
    lo[k++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
    lo[k] = (struct option){ NULL, 0, NULL, 0 };
}

/* The index of text in a '|' list, or -1. */
static int value_index(const char *values, const char *text)
{
    size_t n = strlen(text);
    int i = 0;

    for (const char *p = values; p; i++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);

        if (len == n && !strncmp(p, text, n))
            return i;
        p = bar ? bar + 1 : NULL;
    }
    return -1;
}

static enum status bad_value(const struct opt *o, const char *text,
                             struct err *e)
{
    struct buf b;
    enum status rc;

    buf_init(&b, BUF_MAX_DEFAULT);
    for (const char *p = o->values; *p; p++) {
        if (*p != '|')
            buf_add(&b, p, 1);
        else if (strchr(p + 1, '|'))
            buf_add(&b, ", ", 2);
        else
            buf_add(&b, " or ", 4);
    }
    rc = err_set(e, ST_USAGE, "--%s: '%s' is not %s", o->name, text, b.data);
    buf_release(&b);
    return rc;
}

static enum status parse_long(const struct opt *o, const char *text, long *out,
                              struct err *e)
{
    char *end;

    if (!*text || strspn(text, "0123456789") != strlen(text) ||
        strlen(text) > 18)
        return err_set(e, ST_USAGE, "--%s: '%s' is not a whole number", o->name,
                       text);
    *out = strtol(text, &end, 10);
    return ST_OK;
}

/* Stores one option's value in its field of args. */
static enum status bind(const struct opt *o, const char *text, void *args,
                        struct err *e)
{
    char name[64];
    char *p;

    if (o->values && o->kind != OPT_LIST && !(o->flags & OPT_HINT) &&
        value_index(o->values, text) < 0)
        return bad_value(o, text, e);
    if (!args)
        return ST_OK;
    p = (char *)args + o->offset;
    switch (o->kind) {
    case OPT_TEXT:
        *(const char **)(void *)p = text;
        return ST_OK;
    case OPT_FLAG:
        *(int *)(void *)p = 1;
        return ST_OK;
    case OPT_DATE:
        snprintf(name, sizeof(name), "--%s", o->name);
        return cli_date(name, text, (int32_t *)(void *)p, e);
    case OPT_INT:
        return parse_long(o, text, (long *)(void *)p, e);
    case OPT_ENUM:
        *(int *)(void *)p = value_index(o->values, text);
        return ST_OK;
    case OPT_LIST: {
        struct opt_list *l = (struct opt_list *)(void *)p;

        if (o->values && !(o->flags & OPT_HINT) &&
            value_index(o->values, text) < 0)
            return bad_value(o, text, e);
        if (l->n == OPT_LIST_MAX)
            return err_set(e, ST_USAGE, "--%s: at most %d values", o->name,
                           OPT_LIST_MAX);
        l->v[l->n++] = text;
        return ST_OK;
    }
    }
    return ST_OK;
}

enum status opts_global(struct cli *cli, int j, const char *text, struct err *e)
{
    int fmt;

    switch (j) {
    case 0:
        cli->db_path = text;
        return ST_OK;
    case 1:
        if ((fmt = out_format_from_name(text)) < 0)
            return err_set(e, ST_USAGE,
                           "--format: '%s' is not table, csv or json", text);
        cli->format = (enum out_format)fmt;
        return ST_OK;
    case 2:
        return cli_date("--as-known-on", text, &cli->as_known_on, e);
    default:
        cli->actor = text;
        return ST_OK;
    }
}

static int usage_error(const struct cmd_spec *c, const struct err *e)
{
    if (e)
        cli_error(ST_USAGE, "%s", e->msg);
    fprintf(stderr, "usage: chancery %s%s%s [OPTIONS]\n", c->name,
            *c->operands ? " " : "", c->operands);
    fprintf(stderr, "(try 'chancery %s --help')\n", c->name);
    return ST_USAGE;
}

static int check_required(const struct cmd_spec *c, const char **text,
                          struct err *e)
{
    for (int i = 0; c->opts && c->opts[i].name; i++)
        if ((c->opts[i].flags & OPT_REQUIRED) && !text[i])
            return err_set(e, ST_USAGE, "--%s is required", c->opts[i].name);
    return ST_OK;
}

static int check_operands(const struct cmd_spec *c, int n, struct err *e)
{
    if (n < c->min_operands)
        return err_set(e, ST_USAGE, "'%s' needs %s", c->name,
                       *c->operands ? c->operands : "no operand");
    if (c->max_operands >= 0 && n > c->max_operands)
        return err_set(e, ST_USAGE, "'%s' takes %s", c->name,
                       *c->operands ? c->operands : "no operand");
    return ST_OK;
}

int opts_parse(struct cli *cli, const struct cmd_spec *c, int argc, char **argv,
               void *args, const char **text, struct opts_rest *rest)
{
    struct option lo[OPTS_MAX + 8];
    const char *own[OPTS_MAX];
    int n = count_opts(c), opt;
    struct err e;

    if (!text)
        text = own;
    for (int i = 0; i < OPTS_MAX; i++)
        text[i] = NULL;
    build_long(c, n, lo);
    cli_reset_getopt();
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        if (opt == OPT_HELP) {
            opts_help(stdout, cli, c);
            return 0;
        }
        if (opt == '?') {
            if (optopt >= OPT_BASE)
                err_set(&e, ST_USAGE, "'%s' needs a value", argv[optind - 1]);
            else
                err_set(&e, ST_USAGE, "unknown option '%s'", argv[optind - 1]);
            return usage_error(c, &e);
        }
        if (opt >= GLOBAL_BASE) {
            if (opts_global(cli, opt - GLOBAL_BASE, optarg, &e))
                return usage_error(c, &e);
            continue;
        }
        text[opt - OPT_BASE] = optarg ? optarg : "true";
        if (bind(&c->opts[opt - OPT_BASE], text[opt - OPT_BASE], args, &e))
            return usage_error(c, &e);
    }
    if (check_required(c, text, &e) || check_operands(c, argc - optind, &e))
        return usage_error(c, &e);
    if (rest)
        *rest = (struct opts_rest){ argv + optind, argc - optind };
    return OPTS_GO;
}

const char *opts_text(const struct cmd_spec *c, const char **text,
                      const char *name)
{
    for (int i = 0; c->opts && c->opts[i].name; i++)
        if (!strcmp(c->opts[i].name, name))
            return text[i];
    return NULL;
}
