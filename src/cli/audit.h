/*
 * The verifiable log's `audit` commands (cli/audit.c), for the table of
 * `audit` in cli/history.c.
 */
#ifndef CLI_AUDIT_H
#define CLI_AUDIT_H

#include "cli/cli.h"
#include "cli/opts.h"

extern const struct cmd_spec AUDIT_KEYGEN_SPEC, AUDIT_CHECKPOINT_SPEC,
    AUDIT_VERIFY_CHECKPOINT_SPEC, AUDIT_PROVE_SPEC, AUDIT_WITNESS_SPEC,
    AUDIT_VERIFY_EXPORT_SPEC;

int audit_keygen(struct cli *cli, int argc, char **argv);
int audit_checkpoint(struct cli *cli, int argc, char **argv);
int audit_verify_checkpoint(struct cli *cli, int argc, char **argv);
int audit_prove(struct cli *cli, int argc, char **argv);
int audit_witness(struct cli *cli, int argc, char **argv);
int audit_verify_export(struct cli *cli, int argc, char **argv);

#endif
