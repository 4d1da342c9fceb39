/*
 * The entry point of each command family, one per file of cli/, for the
 * command table in main.c.
 */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

#include "cli/cli.h"

int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
int cmd_mission(struct cli *cli, int argc, char **argv);
int cmd_person(struct cli *cli, int argc, char **argv);
int cmd_posting(struct cli *cli, int argc, char **argv);
int cmd_dependent(struct cli *cli, int argc, char **argv);
int cmd_roster(struct cli *cli, int argc, char **argv);
int cmd_headcount(struct cli *cli, int argc, char **argv);
int cmd_history(struct cli *cli, int argc, char **argv);
int cmd_audit(struct cli *cli, int argc, char **argv);
int cmd_policy(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_explain(struct cli *cli, int argc, char **argv);
int cmd_visa(struct cli *cli, int argc, char **argv);
int cmd_consular(struct cli *cli, int argc, char **argv);
int cmd_parity(struct cli *cli, int argc, char **argv);
int cmd_plan(struct cli *cli, int argc, char **argv);
int cmd_forecast(struct cli *cli, int argc, char **argv);
int cmd_user(struct cli *cli, int argc, char **argv);
int cmd_serve(struct cli *cli, int argc, char **argv);

/* Creates the registry at cli's path with its reference data unless it
 * exists already (init and demo share it). OUT: *created. */
enum status registry_init(struct cli *cli, int *created, struct err *e);
/* The same, the reference data recorded at the time given (store_begin_at;
 * NULL: now): the demo's registry starts on its first day. */
enum status registry_init_at(struct cli *cli, const char *recorded,
                             int *created, struct err *e);

/* Imports the files and directories of paths all-or-nothing; returns the
 * exit code (import and demo share it). */
int cli_import(struct cli *cli, int n, char **paths);

#endif
