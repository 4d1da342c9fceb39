/*
 * What every command shares: the global options, the command table entry,
 * and helpers to open the registry, parse option values and print results
 * and errors. Only cli/ prints: stdout for results, stderr for
 * "chancery: error: ..." messages, and the exit codes of DESIGN.md.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdint.h>

#include "base/problems.h"
#include "base/status.h"
#include "cli/opts.h"
#include "core/holidays.h"
#include "core/snapshot.h"
#include "report/grid.h"
#include "store/store.h"

struct cli {
    const char *db_path; /* --db, $CHANCERY_DB, ./chancery.db */
    enum out_format format;
    int32_t as_known_on; /* --as-known-on, DATE_NONE for now */
    int32_t today;       /* CHANCERY_TODAY or the real date */
    const char *actor;   /* --actor; NULL: CHANCERY_ACTOR, else login */
};

/* A command or a family of subcommands; its line, options and help are
 * its spec's (cli/opts.h), a family's subcommands its spec's subs. */
struct command {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    const struct cmd_spec *spec;
};

/* Runs the subcommand argv[1] of the family whose spec is family ("mission
 * list"), or prints the family's help. */
int cli_dispatch(struct cli *cli, const struct cmd_spec *family, int argc,
                 char **argv);

/* Prints "chancery: error: MESSAGE" and returns the exit code for status. */
int cli_error(enum status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints e's message and returns its exit code. */
int cli_fail(const struct err *e);
/* Prints every problem (and how many were left out); returns 3. */
int cli_fail_problems(const struct problems *p);

/* Opens the registry and loads it (as known on cli->as_known_on). */
enum status cli_open(struct cli *cli, struct store **st, struct snapshot *s,
                     struct err *e);
/* Opens the registry and loads the present state, for writes; refuses
 * --as-known-on, which is for reads only. */
enum status cli_open_for_write(struct cli *cli, struct store **st,
                               struct snapshot *s, struct err *e);

/* Parses a date option value; errors name the option. */
enum status cli_date(const char *option, const char *text, int32_t *out,
                     struct err *e);
/* Checks a state or organization code option value against s: ST_INVALID
 * naming it and the closest known codes (opts_known). */
enum status cli_state(const struct snapshot *s, const char *option,
                      const char *text, struct err *e);

/* Renders g as a list (or one record) in cli's format to stdout. */
void cli_print_grid(const struct cli *cli, const struct grid *g);
void cli_print_record(const struct cli *cli, const struct grid *g);

/* The path of a bundled data file: $CHANCERY_DATA/NAME, else data/NAME
 * beside the executable or its folder (a build folder), else the installed
 * share/chancery/NAME. The caller frees it. */
char *cli_data_path(const char *name);

/* Reads the file at path whole into out (initialised here; on success the
 * caller releases it); ST_ERROR naming the file when it cannot be read,
 * ST_INVALID when it is larger than 64 MiB. */
enum status cli_read_file(const char *path, struct buf *out, struct err *e);

/* Reads the public holidays of data/holidays.csv (cli_data_path) into h,
 * initialised by the caller: the calendar of working-day deadlines. */
enum status cli_holidays(struct holidays *h, struct err *e);

/* Resets getopt for a new parse of argv (each command parses its own). */
void cli_reset_getopt(void);

#endif
