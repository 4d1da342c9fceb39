/*
 * What the write commands of person, posting and dependent share. Each
 * subcommand is a static table of its options, saying which record field
 * each option sets; from it one parser reads the command line (and answers
 * --help), and one path writes the record: every value goes through the
 * field codec (core/entity.h) and the entity's record rules, exactly as an
 * import does, so a command can never write what an import would reject.
 * The table is a cli/opts.h command spec whose options name their fields.
 */
#ifndef CLI_EDIT_H
#define CLI_EDIT_H

#include "cli/cli.h"

/* At most this many options per subcommand. */
#define EDIT_MAX_OPTIONS OPTS_MAX

/* edit_args's answer when the command should go on. */
#define EDIT_GO OPTS_GO

/* The flags of a write option (struct opt's flags; a flag is OPT_FLAG). */
#define EDIT_REQUIRED OPT_REQUIRED /* must be given (else a usage error) */
#define EDIT_TODAY    OPT_TODAY    /* absent means today (cli->today) */

struct edit_command {
    /* The command line: operands (the key parts of an update: an id, or a
     * dependent's two) and options, each naming the record field it sets
     * (.field; NULL: not a field, as --note). */
    const struct cmd_spec *spec;
    enum entity_kind kind;
    /* Updates: fields that must still be empty ("already ended"), NULL
     * terminated; NULL for none. */
    const char *const *guards;
};

/* Parses argv (argv[0] is the subcommand) against c's options: values[i]
 * is the text of option i, "true" for a flag given, NULL when absent
 * (values has room for EDIT_MAX_OPTIONS). OUT: *args, the operands.
 * Returns EDIT_GO to go on, 0 after printing the help for --help, or 2
 * after reporting a usage error. */
int edit_args(struct cli *cli, const struct edit_command *c, int argc,
              char **argv, const char **values, char ***args);

/* The value of the option called name (NULL when absent or unknown). */
const char *edit_value(const struct edit_command *c, const char **values,
                       const char *name);

/* Runs an insert subcommand: adds the record its options describe (fields
 * not given are absent), with --note as the change's reason, and prints
 * "person 'P9' added". Returns the exit code: 2 for a usage error; 3 when
 * a value does not parse, a rule is broken or the key is taken, and then
 * nothing is written. */
int edit_insert(struct cli *cli, const struct edit_command *c, int argc,
                char **argv);

/* Runs an update subcommand: sets the fields its options give on the
 * record whose key parts are its arguments (refusing when a guard field is
 * already set), re-checks the record and records the update with --note as
 * its reason; prints "posting 'T9' ended on 2022-01-30", naming the field
 * of the first option. Returns the exit code as edit_insert does. */
int edit_update(struct cli *cli, const struct edit_command *c, int argc,
                char **argv);

/* A refusal rule of an update beyond the guards: given the record as it
 * is (row, whose key is key), prints an error and returns its exit code to
 * refuse the update, or returns 0 to allow it. */
typedef int (*edit_refuse_fn)(const struct snapshot *s, const void *row,
                              const char *key);

/* edit_update, refusing as refuse says (NULL: as edit_update). */
int edit_update_if(struct cli *cli, const struct edit_command *c, int argc,
                   char **argv, edit_refuse_fn refuse);

/* Fills rec (cleared) for a new record that follows record src of the same
 * entity, before the options are applied to it (they override what it
 * sets); strings go to s's arena. Prints an error and returns its exit
 * code to refuse, or returns 0. */
typedef int (*edit_derive_fn)(struct snapshot *s, uint32_t src, void *rec,
                              const char **values);

/* Runs an insert subcommand whose one argument names an existing record
 * the new one follows (a visa extension follows the visa it extends):
 * derive fills the new record from it, the options then set their fields,
 * and the record is validated and written as edit_insert does. */
int edit_insert_from(struct cli *cli, const struct edit_command *c, int argc,
                     char **argv, edit_derive_fn derive);

#endif
