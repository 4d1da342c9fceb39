/*
 * The entry point of each command family, one per file of cli/, for the
 * command table in main.c.
 */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

#include "cli/cli.h"

/* The command line of each command and family (cli/opts.h). */
extern const struct cmd_spec INIT_SPEC, IMPORT_SPEC, EXPORT_SPEC, DEMO_SPEC,
    MISSION_SPEC, PERSON_SPEC, POSTING_SPEC, DEPENDENT_SPEC, ROSTER_SPEC,
    HEADCOUNT_SPEC, POLICY_SPEC, CHECK_SPEC, EXPLAIN_SPEC, PARITY_SPEC,
    PLAN_SPEC, VISA_SPEC, CONSULAR_SPEC, FORECAST_SPEC, HISTORY_SPEC,
    AUDIT_SPEC, PUBLISH_SPEC, NOTIFY_SPEC, NOTIFICATION_SPEC, USER_SPEC,
    SERVE_SPEC;

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
int cmd_publish(struct cli *cli, int argc, char **argv);
int cmd_notify(struct cli *cli, int argc, char **argv);
int cmd_notification(struct cli *cli, int argc, char **argv);
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
