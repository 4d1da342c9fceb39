/*
 * Help, usage and the man page, written from the command tables of
 * cli/opts.h: `chancery COMMAND --help` describes every option with its
 * values and default and gives two examples; `chancery --help` lists each
 * command's synopsis; `chancery --man` writes chancery(1) in roff -man,
 * which the build saves as ./chancery.1. One source, so they agree.
 */
#include "base/buf.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/snapshot.h"

static const char GLOBAL_SYNOPSIS[] =
    "[--db PATH] [--format table|csv|json] [--as-known-on D] [--actor NAME]";

static const char *const GLOBAL_HELP[][2] = {
    { "--db PATH", "the registry, an SQLite file (default: $CHANCERY_DB, else "
                   "./chancery.db)" },
    { "--format table|csv|json", "how results are printed (default: table)" },
    { "--as-known-on D",
      "reads only: the registry as recorded by the end of day D, UTC "
      "(default: everything recorded)" },
    { "--actor NAME",
      "writes only: who is recorded as making the change (default: "
      "$CHANCERY_ACTOR, else $USER)" },
};

#define N_GLOBAL (sizeof(GLOBAL_HELP) / sizeof(GLOBAL_HELP[0]))

/* A space that wrapped text never breaks at (help, not the man page). */
#define NBSP '\x01'

/* "--by category|mission", "--as-of D", "--strict"; sep between the
 * option and its value. */
static void opt_form_sep(struct buf *b, const struct opt *o, char sep)
{
    buf_addf(b, "--%s", o->name);
    if (o->kind == OPT_FLAG)
        return;
    buf_addch(b, sep);
    if (o->values && strlen(o->values) <= 24)
        buf_addstr(b, o->values);
    else
        buf_addstr(b, o->arg ? o->arg : "VALUE");
}

static void opt_form(struct buf *b, const struct opt *o)
{
    opt_form_sep(b, o, ' ');
}

/* The command line of c; sep is the space inside an option's brackets. */
static void synopsis_sep(struct buf *b, const struct cmd_spec *c, char sep)
{
    buf_addf(b, "chancery %s", c->name);
    if (*c->operands)
        buf_addf(b, " %s", c->operands);
    for (int i = 0; c->opts && c->opts[i].name; i++) {
        const struct opt *o = &c->opts[i];
        int req = (o->flags & OPT_REQUIRED) != 0;

        buf_addstr(b, req ? " " : " [");
        opt_form_sep(b, o, sep);
        buf_addstr(b, req ? "" : "]");
        if (o->kind == OPT_LIST)
            buf_addstr(b, "...");
    }
}

static void synopsis(struct buf *b, const struct cmd_spec *c)
{
    synopsis_sep(b, c, ' ');
}

/* Writes text wrapped at 78 columns, the first line indented by first and
 * the others by indent. */
static void hanging(FILE *out, const char *text, int first, int indent)
{
    int col = first;

    fprintf(out, "%*s", first, "");
    while (*text) {
        size_t word = strcspn(text, " ");

        if (col > first && col + 1 + (int)word > 78) {
            fprintf(out, "\n%*s", indent, "");
            col = first = indent;
        } else if (col > first) {
            fputc(' ', out);
            col++;
        }
        for (size_t i = 0; i < word; i++)
            fputc(text[i] == NBSP ? ' ' : text[i], out);
        col += (int)word;
        text += word;
        text += strspn(text, " ");
    }
    fputc('\n', out);
}

/* Writes text wrapped at 78 columns, each line indented by indent. */
static void wrapped(FILE *out, const char *text, int indent)
{
    hanging(out, text, indent, indent);
}

/* The conditions the recorded policies name, when the registry opens. */
static void conditions_line(struct cli *cli, struct buf *b)
{
    struct store *st;
    struct snapshot s;
    struct err e;

    snapshot_init(&s);
    if (!cli || cli_open(cli, &st, &s, &e)) {
        buf_addstr(b, "The conditions are the names the policies give as "
                      "their `unless` (chancery policy show ID).");
        snapshot_release(&s);
        return;
    }
    buf_addstr(b, "A condition is what a policy's `unless` names: the policy "
                  "is void while it is assumed. Conditions named by the "
                  "recorded policies: ");
    opts_conditions(&s, b);
    buf_addch(b, '.');
    snapshot_release(&s);
    store_close(st);
}

static void describe(struct buf *b, struct cli *cli, const struct opt *o)
{
    buf_addstr(b, o->help);
    if (o->values) {
        buf_addstr(b, " Values: ");
        for (const char *p = o->values; *p; p++)
            buf_addstr(b, *p == '|' ? ", " : (char[2]){ *p, '\0' });
        buf_addch(b, '.');
    }
    if (o->def)
        buf_addf(b, " Default: %s.", o->def);
    if (o->flags & OPT_REQUIRED)
        buf_addstr(b, " Required.");
    if (o->kind == OPT_LIST)
        buf_addstr(b, " May be repeated.");
    if (o->ref == REF_CONDITION) {
        buf_addch(b, ' ');
        conditions_line(cli, b);
    }
}

static void family_help(FILE *out, const struct cmd_spec *c)
{
    fprintf(out, "usage: chancery %s SUBCOMMAND ...\n\n", c->name);
    wrapped(out, c->help, 0);
    fputs("\nsubcommands:\n", out);
    opts_usage(out, c->subs);
    fprintf(out, "\n'chancery %s SUBCOMMAND --help' describes each.\n",
            c->name);
}

void opts_help(FILE *out, struct cli *cli, const struct cmd_spec *c)
{
    struct buf b;

    if (c->subs) {
        family_help(out, c);
        return;
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    synopsis(&b, c);
    fprintf(out, "usage: %s\n\n", b.data);
    wrapped(out, c->help, 0);
    if (c->more)
        fputc('\n', out), wrapped(out, c->more, 0);
    fputs("\noptions:\n", out);
    for (int i = 0; c->opts && c->opts[i].name; i++) {
        buf_reset(&b);
        opt_form(&b, &c->opts[i]);
        fprintf(out, "  %s\n", b.data);
        buf_reset(&b);
        describe(&b, cli, &c->opts[i]);
        wrapped(out, b.data, 6);
    }
    fputs("  --help\n      prints this help.\n\nglobal options (before the "
          "command, or as written here among its options):\n",
          out);
    for (size_t i = 0; i < N_GLOBAL; i++)
        fprintf(out, "  %s\n", GLOBAL_HELP[i][0]),
            wrapped(out, GLOBAL_HELP[i][1], 6);
    fputs("\nexamples:\n", out);
    for (int i = 0; i < 2 && c->example[i]; i++)
        fprintf(out, "  chancery %s\n", c->example[i]);
    buf_release(&b);
}

void opts_usage(FILE *out, const struct command *table)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    for (const struct command *t = table; t->name; t++) {
        if (t->spec->subs) {
            opts_usage(out, t->spec->subs);
            continue;
        }
        buf_reset(&b);
        synopsis_sep(&b, t->spec, NBSP);
        hanging(out, b.data, 2, 10);
        wrapped(out, t->spec->help, 6);
    }
    buf_release(&b);
}

/* Writes text for roff: backslashes and hyphens escaped, and a line that
 * would start with a control character protected. */
static void roff(FILE *out, const char *text)
{
    if (*text == '.' || *text == '\'')
        fputs("\\&", out);
    for (const char *p = text; *p; p++) {
        if (*p == '\\')
            fputs("\\e", out);
        else if (*p == '-')
            fputs("\\-", out);
        else
            fputc(*p, out);
    }
}

static void man_line(FILE *out, const char *macro, const char *text)
{
    fprintf(out, "%s", macro);
    roff(out, text);
    fputc('\n', out);
}

static void man_command(FILE *out, const struct cmd_spec *c)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    synopsis(&b, c);
    fputs(".SS \"", out);
    roff(out, b.data + strlen("chancery "));
    fputs("\"\n", out);
    man_line(out, "", c->help);
    if (c->more)
        man_line(out, ".PP\n", c->more);
    for (int i = 0; c->opts && c->opts[i].name; i++) {
        buf_reset(&b);
        opt_form(&b, &c->opts[i]);
        man_line(out, ".TP\n.B ", b.data);
        buf_reset(&b);
        describe(&b, NULL, &c->opts[i]);
        man_line(out, "", b.data);
    }
    fputs(".PP\nExamples:\n.RS\n.nf\n", out);
    for (int i = 0; i < 2 && c->example[i]; i++)
        man_line(out, "chancery ", c->example[i]);
    fputs(".fi\n.RE\n", out);
    buf_release(&b);
}

static void man_commands(FILE *out, const struct command *table)
{
    for (const struct command *t = table; t->name; t++) {
        if (t->spec->subs)
            man_commands(out, t->spec->subs);
        else
            man_command(out, t->spec);
    }
}

static const char MAN_HEAD[] =
    ".TH CHANCERY 1 \"\" \"chancery\" \"User Commands\"\n"
    ".SH NAME\n"
    "chancery \\- the registry of foreign missions of a protocol office\n"
    ".SH SYNOPSIS\n";

static const char MAN_DESCRIPTION[] =
    "chancery keeps the registry of the foreign missions a protocol office "
    "deals with: missions, persons, postings and their households, visa "
    "cases and consular availability, and the policies one state applies "
    "to another's missions. It checks the registry against the policies, "
    "counts staff, plans departures and forecasts staffing. Every change is "
    "recorded in a hash-chained change log.";

static const char MAN_TAIL[] =
    ".SH ENVIRONMENT\n"
    ".TP\n.B CHANCERY_DB\nthe registry when \\-\\-db is not given.\n"
    ".TP\n.B CHANCERY_ACTOR\nwho is recorded as making a change when "
    "\\-\\-actor is not given (else $USER).\n"
    ".TP\n.B CHANCERY_TODAY\nthe date taken as today (YYYY\\-MM\\-DD), for "
    "reproducible runs.\n"
    ".TP\n.B CHANCERY_DATA\nthe folder of the bundled data files.\n"
    ".SH EXIT STATUS\n"
    "0 done; 1 runtime failure (I/O, database); 2 usage (an unknown option, "
    "a malformed value); 3 invalid input, such as an unknown id, code or "
    "condition (nothing was written); 4 check \\-\\-strict found findings.\n";

void opts_man(FILE *out, const struct command *table)
{
    fputs(MAN_HEAD, out);
    man_line(out, ".B chancery\n", GLOBAL_SYNOPSIS);
    fputs(".I COMMAND\n[\\fIOPTIONS\\fR] [\\fIOPERANDS\\fR]\n.SH DESCRIPTION\n",
          out);
    man_line(out, "", MAN_DESCRIPTION);
    fputs(".SH GLOBAL OPTIONS\nGlobal options stand before the command name, "
          "or exactly as written among a command's own options; a value "
          "given to a command's option is never taken as one.\n",
          out);
    for (size_t i = 0; i < N_GLOBAL; i++) {
        man_line(out, ".TP\n.B ", GLOBAL_HELP[i][0]);
        man_line(out, "", GLOBAL_HELP[i][1]);
    }
    fputs(".SH COMMANDS\n", out);
    man_commands(out, table);
    fputs(MAN_TAIL, out);
}
