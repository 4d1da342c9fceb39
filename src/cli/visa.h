/*
 * The read-only analyses of the visa family: stats (cli/visa_stats.c)
 * and the UN report (cli/visa_report.c). The family's table (cli/visa.c) names
 * them.
 */
#ifndef CLI_VISA_H
#define CLI_VISA_H

#include "cli/cli.h"

/* Their command lines (cli/opts.h). */
extern const struct cmd_spec VISA_STATS_SPEC, VISA_REPORT_SPEC;

int visa_cmd_stats(struct cli *cli, int argc, char **argv);
int visa_cmd_report(struct cli *cli, int argc, char **argv);

#endif
