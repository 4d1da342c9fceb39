/*
 * The demo's witnesses (cli/demo_witness.c): the US and Russian offices
 * cosigning each other's registry checkpoints, for `chancery demo`.
 */
#ifndef CLI_DEMO_WITNESS_H
#define CLI_DEMO_WITNESS_H

#include "cli/cli.h"

/* Makes the offices' keys and the Russian office's registry in
 * DB.witness beside cli's registry (once), checkpoints both registries,
 * has each office cosign the other's, and prints what was cosigned.
 * Returns the exit code. */
int demo_witness(struct cli *cli);

#endif
