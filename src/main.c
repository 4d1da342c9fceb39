/*
 * chancery: the command table, and nothing else (git.c's commands[]). Global
 * options may stand anywhere on the line; they are taken out before the
 * command sees its arguments.
 */
#include "base/date.h"
#include "cli/commands.h"

static const struct command COMMANDS[] = {
    { "init", cmd_init, "", "create the registry with the reference data" },
    { "import", cmd_import, "PATH...", "import a registry directory or files" },
    { "export", cmd_export, "DIR", "write the registry as interchange files" },
    { "demo", cmd_demo, "", "load the 2016-2022 US-Russia demo and tour it" },
    { "mission", cmd_mission, "list|show ...", "foreign missions" },
    { "person", cmd_person, "list|show|add ...", "persons" },
    { "posting", cmd_posting, "list|show|notify|arrive|accredit|refuse|end ...",
      "tours of duty" },
    { "dependent", cmd_dependent, "add|revoke|end ...",
      "members of a posting's household" },
    { "roster", cmd_roster, "MISSION [--as-of D]",
      "a mission's staff in Diplomatic-List order" },
    { "headcount", cmd_headcount,
      "[--sending S] [--host H | --country C] [--as-of D] "
      "[--by category|mission]",
      "staff present on a date" },
    { "policy", cmd_policy, "list|show|add|retire ...",
      "the rules one state applies to another's missions" },
    { "check", cmd_check,
      "[--as-of D] [--issuer S] [--target S] [--assume COND]... [--strict]",
      "what the policies in effect require on a date" },
    { "explain", cmd_explain, "FINDING [--as-of D] [--assume COND]...",
      "the steps from a policy to one finding" },
    { "parity", cmd_parity,
      "S1 S2 [--as-of D | --from D --to D [--step month|quarter|year]] "
      "[--count bilateral|country] [--svg FILE]",
      "each side's staff in the other, the gap and the caps" },
    { "plan", cmd_plan,
      "S1 S2 --by D [--protect head_of_mission|CATEGORY,...]... "
      "[--assume COND]...",
      "departures that bring both sides' rules into compliance, proved" },
    { "visa", cmd_visa,
      "list|show|add|decide|annul|revoke|extend|stats|report ...",
      "visa cases, their statistics and the UN report" },
    { "consular", cmd_consular, "status|history|where ...",
      "consular availability: post x service, and where to apply" },
    { "forecast", cmd_forecast,
      "SCENARIO.json [--runs N] [--seed N] [--threads N] [--svg FILE] "
      "[--html FILE] | compare A.json B.json ...",
      "staffing forecasts under a scenario's measures (Monte Carlo)" },
    { "history", cmd_history, "ENTITY ID", "the recorded changes of a record" },
    { "user", cmd_user, "add|list|disable|passwd ...",
      "accounts for serve (password on stdin)" },
    { "serve", cmd_serve, "[--listen ADDR:PORT] [--threads N]",
      "the HTTP API (default 127.0.0.1:8080)" },
    { "audit", cmd_audit, "verify", "verify the change log's hash chain" },
    { NULL, NULL, NULL, NULL },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: chancery [--db PATH] [--format table|csv|json] "
                 "[--as-known-on D] COMMAND ...\n\ncommands:\n");
    cli_print_usage(out, "chancery", COMMANDS);
}

/* Takes the value of a global option at argv[*i] out of argv. */
static const char *take_value(int *argc, char **argv, int i)
{
    const char *name = argv[i];
    const char *eq = strchr(name, '=');
    const char *value;
    int n = 1;

    if (eq) {
        value = eq + 1;
    } else {
        if (i + 1 >= *argc)
            return NULL;
        value = argv[i + 1];
        n = 2;
    }
    memmove(argv + i, argv + i + n,
            (size_t)(*argc - i - n + 1) * sizeof(*argv));
    *argc -= n;
    return value;
}

static int is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);

    return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

static enum status global_options(struct cli *cli, int *argc, char **argv,
                                  struct err *e)
{
    for (int i = 1; i < *argc;) {
        const char *arg = argv[i], *v;
        int fmt = 0;

        if (!strcmp(arg, "--"))
            break;
        if (!is_option(arg, "--db") && !is_option(arg, "--format") &&
            !is_option(arg, "--as-known-on")) {
            i++;
            continue;
        }
        if (!(v = take_value(argc, argv, i)))
            return err_set(e, ST_USAGE, "%s needs a value", arg);
        if (arg[2] == 'd')
            cli->db_path = v;
        else if (arg[2] == 'a' &&
                 cli_date("--as-known-on", v, &cli->as_known_on, e))
            return ST_USAGE;
        else if (arg[2] == 'f' && (fmt = out_format_from_name(v)) < 0)
            return err_set(e, ST_USAGE,
                           "--format: '%s' is not table, csv or json", v);
        else if (arg[2] == 'f')
            cli->format = (enum out_format)fmt;
    }
    return ST_OK;
}

int main(int argc, char **argv)
{
    struct cli cli = { NULL, OUT_TABLE, DATE_NONE, 0, NULL };
    struct err e;
    const char *env_db = getenv("CHANCERY_DB");

    cli.db_path = env_db && *env_db ? env_db : "chancery.db";
    if (global_options(&cli, &argc, argv, &e) || date_today(&cli.today, &e))
        return cli_fail(&e);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? ST_USAGE : ST_OK;
    }
    for (const struct command *c = COMMANDS; c->name; c++) {
        if (!strcmp(c->name, argv[1]))
            return c->run(&cli, argc - 1, argv + 1);
    }
    return cli_error(ST_USAGE, "unknown command '%s' (try 'chancery --help')",
                     argv[1]);
}
