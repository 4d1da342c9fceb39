/*
 * The command line of every command, declared once. A command is a static
 * table (struct cmd_spec): its operands, its one-line help, two examples
 * and its options, each with its argument, allowed values, default and
 * help text, and the field of the command's argument struct it fills.
 * From that one table come the parser (getopt_long is built from it), the
 * command's --help, the top-level usage and the man page, so they cannot
 * drift apart. Values are typed when parsed (a malformed one exits 2) and
 * the ids and codes they name are checked against the registry by
 * opts_check (an unknown one exits 3 naming the closest known ones).
 */
#ifndef CLI_OPTS_H
#define CLI_OPTS_H

#include <stddef.h>
#include <stdio.h>

#include "base/status.h"
#include "core/entity.h"

struct buf;
struct cli;
struct command;
struct snapshot;

/* At most this many options per command, and values per repeated one. */
#define OPTS_MAX     24
#define OPT_LIST_MAX 32

/* opts_parse's answer when the command should go on. */
#define OPTS_GO (-1)

enum opt_kind {
    OPT_TEXT, /* const char *, borrowed from argv */
    OPT_FLAG, /* int, set to 1; takes no value */
    OPT_DATE, /* int32_t day number (base/date.h) */
    OPT_INT,  /* long, a whole number >= 0 */
    OPT_ENUM, /* int: the index of the value in the '|' list `values` */
    OPT_LIST  /* struct opt_list: every occurrence, in order */
};

/* What a value or operand names; opts_check looks it up in the registry. */
enum opt_ref {
    REF_NONE,
    REF_STATE, /* a state or organization code */
    REF_MISSION,
    REF_PERSON,
    REF_POSTING,
    REF_POLICY,
    REF_VISA,
    REF_CONDITION /* a condition some policy names as its `unless` */
};

#define OPT_REQUIRED 2u /* must be given (else a usage error) */
#define OPT_TODAY    4u /* edit commands: absent means today */
#define OPT_HINT     8u /* values are described, checked by the record */

struct opt {
    const char *name; /* without the leading "--" */
    const char *arg;  /* the value's name in help ("D"); NULL for a flag */
    enum opt_kind kind;
    enum opt_ref ref;
    size_t offset;      /* of its field in the command's argument struct */
    const char *values; /* allowed values, "category|mission"; NULL: any */
    const char *def;    /* the default, in words; NULL: none */
    const char *help;
    unsigned flags;
    const char *field; /* edit commands: the record field it sets */
};

struct opt_list {
    const char *v[OPT_LIST_MAX];
    int n;
};

struct cmd_spec {
    const char *name;     /* "headcount", "mission list" */
    const char *operands; /* "MISSION", "S1 S2", "" */
    int min_operands;
    int max_operands; /* -1: any number */
    enum opt_ref operand_refs[2];
    const char *help;           /* one line */
    const char *more;           /* a paragraph for --help and the man page */
    const char *example[2];     /* command lines without "chancery " */
    const struct opt *opts;     /* ends with a NULL name; NULL: none */
    const struct command *subs; /* a family: its subcommands */
};

/* The operands left after the options. */
struct opts_rest {
    char **v;
    int n;
};

/* Parses argv (argv[0] is the command's name) against c into args (the
 * caller sets the defaults first), global options into cli. text, when not
 * NULL, receives each option's text by index ("true" for a flag; OPTS_MAX
 * entries). OUT: *rest, the operands (may be NULL when c takes none).
 * Returns OPTS_GO to go on, 0 after printing --help, or 2 after reporting
 * a usage error (an unknown option, a malformed value, a missing required
 * option, a wrong number of operands). */
int opts_parse(struct cli *cli, const struct cmd_spec *c, int argc, char **argv,
               void *args, const char **text, struct opts_rest *rest);

/* Sets global option j (0 --db, 1 --format, 2 --as-known-on, 3 --actor)
 * in cli from text; ST_USAGE for a malformed value. */
enum status opts_global(struct cli *cli, int j, const char *text,
                        struct err *e);

/* Checks every id and code the options (from args, or text when args is
 * NULL) and operands name against s: ST_INVALID naming the option, the
 * unknown value and the closest known ones. */
enum status opts_check(const struct cmd_spec *c, const void *args,
                       const char **text, const struct opts_rest *rest,
                       const struct snapshot *s, struct err *e);

/* Checks one value that names a ref (option names it in the message,
 * NULL for none). */
enum status opts_known(const struct snapshot *s, enum opt_ref ref,
                       const char *option, const char *text, struct err *e);

/* Checks that a record of kind has the key text (ST_INVALID naming the
 * closest keys when not). */
enum status opts_known_record(const struct snapshot *s, enum entity_kind kind,
                              const char *option, const char *text,
                              struct err *e);

/* Appends " (did you mean K?)" to b naming the keys closest to text, or
 * nothing when none is close. */
void opts_closest(const char *text, const char *const *keys, size_t n,
                  struct buf *b);

/* Appends the conditions the recorded policies name (their `unless`),
 * comma separated, to b; "none" when no policy names one. */
void opts_conditions(const struct snapshot *s, struct buf *b);

/* The value of the option called name in text (NULL when absent). */
const char *opts_text(const struct cmd_spec *c, const char **text,
                      const char *name);

/* Prints c's help: usage, description, every option with its values and
 * default, the global options and two examples. cli may be NULL; else the
 * conditions the recorded policies name are listed for --assume. */
void opts_help(FILE *out, struct cli *cli, const struct cmd_spec *c);

/* Prints the usage lines of a table of commands (families expanded). */
void opts_usage(FILE *out, const struct command *table);

/* Prints the man page chancery(1) in roff -man for the command table. */
void opts_man(FILE *out, const struct command *table);

#endif
