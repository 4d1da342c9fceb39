/*
 * chancery: the command table, and nothing else (git.c's commands[]). Each
 * command's usage, options and help come from its spec (cli/opts.h). Global
 * options are taken here only before the command name; among a command's
 * own options its parser takes them, so a value is never mistaken for one.
 */
#include "base/date.h"
#include "cli/commands.h"

static const struct command COMMANDS[] = {
    { "init", cmd_init, &INIT_SPEC },
    { "import", cmd_import, &IMPORT_SPEC },
    { "export", cmd_export, &EXPORT_SPEC },
    { "demo", cmd_demo, &DEMO_SPEC },
    { "mission", cmd_mission, &MISSION_SPEC },
    { "person", cmd_person, &PERSON_SPEC },
    { "posting", cmd_posting, &POSTING_SPEC },
    { "dependent", cmd_dependent, &DEPENDENT_SPEC },
    { "roster", cmd_roster, &ROSTER_SPEC },
    { "headcount", cmd_headcount, &HEADCOUNT_SPEC },
    { "policy", cmd_policy, &POLICY_SPEC },
    { "check", cmd_check, &CHECK_SPEC },
    { "explain", cmd_explain, &EXPLAIN_SPEC },
    { "parity", cmd_parity, &PARITY_SPEC },
    { "plan", cmd_plan, &PLAN_SPEC },
    { "visa", cmd_visa, &VISA_SPEC },
    { "consular", cmd_consular, &CONSULAR_SPEC },
    { "forecast", cmd_forecast, &FORECAST_SPEC },
    { "notify", cmd_notify, &NOTIFY_SPEC },
    { "notification", cmd_notification, &NOTIFICATION_SPEC },
    { "publish", cmd_publish, &PUBLISH_SPEC },
    { "history", cmd_history, &HISTORY_SPEC },
    { "user", cmd_user, &USER_SPEC },
    { "serve", cmd_serve, &SERVE_SPEC },
    { "audit", cmd_audit, &AUDIT_SPEC },
    { NULL, NULL, NULL },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: chancery [--db PATH] [--format table|csv|json] "
                 "[--as-known-on D] [--actor NAME] COMMAND ...\n\n"
                 "commands ('chancery COMMAND --help' describes each):\n");
    opts_usage(out, COMMANDS);
}

/* The global option at argv[*i] (value in the same or the next word);
 * returns 1 when it was one, -1 when its value is missing. */
static int global_option(struct cli *cli, int argc, char **argv, int *i,
                         struct err *e)
{
    static const char *const names[] = { "--db", "--format", "--as-known-on",
                                         "--actor", NULL };
    const char *arg = argv[*i];

    for (int k = 0; names[k]; k++) {
        size_t n = strlen(names[k]);
        const char *v;

        if (strncmp(arg, names[k], n) || (arg[n] && arg[n] != '='))
            continue;
        if (arg[n] == '=')
            v = arg + n + 1;
        else if (*i + 1 < argc)
            v = argv[++*i];
        else
            return err_set(e, ST_USAGE, "%s needs a value", arg), -1;
        return opts_global(cli, k, v, e) ? -1 : 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct cli cli = { NULL, OUT_TABLE, DATE_NONE, 0, NULL };
    struct err e;
    const char *env_db = getenv("CHANCERY_DB");
    int i = 1, r;

    cli.db_path = env_db && *env_db ? env_db : "chancery.db";
    while (i < argc && (r = global_option(&cli, argc, argv, &i, &e)) != 0) {
        if (r < 0)
            return cli_fail(&e);
        i++;
    }
    if (date_today(&cli.today, &e))
        return cli_fail(&e);
    if (i < argc && !strcmp(argv[i], "--man"))
        return opts_man(stdout, COMMANDS), 0;
    if (i >= argc || !strcmp(argv[i], "--help") || !strcmp(argv[i], "help")) {
        usage(i >= argc ? stderr : stdout);
        return i >= argc ? ST_USAGE : ST_OK;
    }
    for (const struct command *c = COMMANDS; c->name; c++) {
        if (!strcmp(c->name, argv[i]))
            return c->run(&cli, argc - i, argv + i);
    }
    return cli_error(ST_USAGE, "unknown command '%s' (try 'chancery --help')",
                     argv[i]);
}
