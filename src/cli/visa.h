/*
 * The read-only analyses of the visa family: stats (cli/visa_stats.c)
 * and the UN report (cli/visa_report.c). The family's table (cli/visa.c) names
 * them.
 */
#ifndef CLI_VISA_H
#define CLI_VISA_H

#include "cli/cli.h"

#define VISA_STATS_USAGE                                                   \
    "[--as-of D] [--issuing S] [--nationality N] [--purpose P] "           \
    "[--by post|class|purpose|nationality|month|quarter|year] [--from D] " \
    "[--to D] [--svg FILE [--deadline DAYS]]"
#define VISA_REPORT_USAGE                                               \
    "--un [--from D] [--to D] [--as-of D] [--issuing S] [--html FILE] " \
    "[--include-bilateral]"

int visa_cmd_stats(struct cli *cli, int argc, char **argv);
int visa_cmd_report(struct cli *cli, int argc, char **argv);

#endif
