/*
 * `chancery user add|list|disable|passwd`: the accounts of `chancery
 * serve` (store/account.h). A password is read from stdin (its first line),
 * or prompted for without echo when stdin is a terminal, and stored as
 * libsodium's argon2id string (crypto_pwhash_str) with the INTERACTIVE
 * limits: a server verifies each login while others wait, so the work per
 * login is kept to about 64 MiB and a fraction of a second.
 */
#include <sodium.h>
#include <stddef.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "store/account.h"

#define PASSWORD_MAX 1024

/* As struct account takes them (not const: it owns what the store reads). */
static char ROLES[][8] = { "officer", "liaison", "analyst", "auditor" };

struct add_args {
    int role;                /* an index of ROLES */
    char *sending, *mission; /* borrowed from argv */
};

static const struct opt ADD_OPTS[] = {
    { .name = "role",
      .arg = "ROLE",
      .kind = OPT_ENUM,
      .values = "officer|liaison|analyst|auditor",
      .offset = offsetof(struct add_args, role),
      .flags = OPT_REQUIRED,
      .help = "what the account may do: an officer writes, a liaison reads "
              "its scope, an analyst reads without personal data, an "
              "auditor reads the change log." },
    { .name = "sending",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct add_args, sending),
      .help = "a liaison's scope: the records of sending state S." },
    { .name = "mission",
      .arg = "M",
      .ref = REF_MISSION,
      .offset = offsetof(struct add_args, mission),
      .help = "a liaison's scope: the records of mission M." },
    { .name = NULL },
};

static const struct cmd_spec ADD_SPEC = {
    .name = "user add",
    .operands = "NAME",
    .min_operands = 1,
    .max_operands = 1,
    .help = "add an account for serve; the password is read from stdin.",
    .example = { "user add clerk --role officer",
                 "user add rus --role liaison --sending RUS" },
    .opts = ADD_OPTS,
};

static const struct cmd_spec LIST_SPEC = {
    .name = "user list",
    .operands = "",
    .help = "the accounts of serve, with their roles and scopes.",
    .example = { "user list", "--format csv user list" },
};

static const struct cmd_spec DISABLE_SPEC = {
    .name = "user disable",
    .operands = "NAME",
    .min_operands = 1,
    .max_operands = 1,
    .help = "disable an account and end its sessions.",
    .example = { "user disable clerk", "--actor admin user disable rus" },
};

static const struct cmd_spec PASSWD_SPEC = {
    .name = "user passwd",
    .operands = "NAME",
    .min_operands = 1,
    .max_operands = 1,
    .help = "set an account's password (read from stdin); ends its "
            "sessions.",
    .example = { "user passwd clerk", "--actor admin user passwd rus" },
};

/* Reads one line, without echo on a terminal. */
static enum status read_password(char *out, size_t size, struct err *e)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO);
    size_t n;

    if (tty) {
        fprintf(stderr, "password: ");
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    if (!fgets(out, (int)size, stdin))
        out[0] = '\0';
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    n = strcspn(out, "\r\n");
    if (out[n] == '\0' && n == size - 1)
        return err_set(e, ST_INVALID, "the password is longer than %d bytes",
                       PASSWORD_MAX);
    out[n] = '\0';
    if (!n)
        return err_set(e, ST_INVALID, "the password is empty");
    return ST_OK;
}

static enum status hash_password(char hash[crypto_pwhash_STRBYTES],
                                 struct err *e)
{
    char pw[PASSWORD_MAX + 2];
    enum status rc;

    if (sodium_init() < 0)
        return err_set(e, ST_ERROR, "libsodium failed to start");
    if ((rc = read_password(pw, sizeof(pw), e)))
        return rc;
    if (crypto_pwhash_str(hash, pw, strlen(pw),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE))
        rc = err_set(e, ST_ERROR, "out of memory hashing the password");
    sodium_memzero(pw, sizeof(pw));
    return rc;
}

/* The scope must name what the registry has, and only a liaison has one. */
static enum status check_scope(struct cli *cli, const struct account *a,
                               struct err *e)
{
    struct store *st;
    struct snapshot s;
    enum status rc = ST_OK;

    if (!a->role)
        return err_set(e, ST_USAGE, "an account needs a --role");
    if (strcmp(a->role, "liaison"))
        return a->sending || a->mission
                   ? err_set(e, ST_USAGE, "only a liaison has a scope")
                   : ST_OK;
    if (!a->sending == !a->mission)
        return err_set(e, ST_USAGE,
                       "a liaison needs one of --sending or --mission");
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, e)) {
        snapshot_release(&s);
        return e->status;
    }
    /* An unknown id is invalid input (3), naming the closest known. */
    if (a->sending)
        rc = opts_known(&s, REF_STATE, "--sending", a->sending, e);
    else
        rc = opts_known(&s, REF_MISSION, "--mission", a->mission, e);
    snapshot_release(&s);
    store_close(st);
    return rc;
}

/* The account add's command line describes; -1 to go on. */
static int parse_add(struct cli *cli, int argc, char **argv, struct account *a)
{
    struct add_args args = { 0, NULL, NULL };
    struct opts_rest name;
    int rc = opts_parse(cli, &ADD_SPEC, argc, argv, &args, NULL, &name);

    if (rc != OPTS_GO)
        return rc;
    a->name = name.v[0];
    a->role = ROLES[args.role];
    a->sending = args.sending;
    a->mission = args.mission;
    if (!*a->name || strlen(a->name) > 64 || strchr(a->name, ':'))
        return cli_error(ST_USAGE, "user name: 1 to 64 bytes, no ':'");
    return -1;
}

static int add(struct cli *cli, int argc, char **argv)
{
    struct account a = { NULL, NULL, NULL, NULL, NULL, 0 };
    char hash[crypto_pwhash_STRBYTES];
    struct store *st;
    struct err e;
    int rc = parse_add(cli, argc, argv, &a);

    if (rc != -1)
        return rc;
    if (check_scope(cli, &a, &e) || hash_password(hash, &e))
        return cli_fail(&e);
    a.hash = hash;
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    store_set_actor(st, cli->actor);
    rc = store_account_add(st, &a, store_actor(st), &e) ? cli_fail(&e) : 0;
    store_close(st);
    return rc;
}

static int list(struct cli *cli, int argc, char **argv)
{
    static const char *const cols[] = { "name", "role", "sending", "mission",
                                        "disabled:b" };
    struct account *all;
    struct store *st;
    struct grid g;
    struct err e;
    size_t n;
    int rc = opts_parse(cli, &LIST_SPEC, argc, argv, NULL, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e) ||
        store_account_list(st, &all, &n, &e))
        return cli_fail(&e);
    grid_init(&g, cols, 5);
    for (size_t i = 0; i < n; i++) {
        const char *row[] = { all[i].name, all[i].role,
                              all[i].sending ? all[i].sending : "",
                              all[i].mission ? all[i].mission : "",
                              all[i].disabled ? "true" : "false" };

        grid_add_row(&g, row);
        account_release(&all[i]);
    }
    free(all);
    cli_print_grid(cli, &g);
    grid_release(&g);
    store_close(st);
    return 0;
}

static int disable_or_passwd(struct cli *cli, int argc, char **argv)
{
    int passwd = !strcmp(argv[0], "passwd");
    char hash[crypto_pwhash_STRBYTES];
    struct store *st;
    struct err e;
    struct opts_rest name;
    enum status rc;
    int r = opts_parse(cli, passwd ? &PASSWD_SPEC : &DISABLE_SPEC, argc, argv,
                       NULL, NULL, &name);

    if (r != OPTS_GO)
        return r;
    if (passwd && hash_password(hash, &e))
        return cli_fail(&e);
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    store_set_actor(st, cli->actor);
    rc = passwd ? store_account_passwd(st, name.v[0], hash, store_actor(st), &e)
                : store_account_disable(st, name.v[0], store_actor(st), &e);
    store_close(st);
    return rc ? cli_fail(&e) : 0;
}

static const struct command USER_COMMANDS[] = {
    { "add", add, &ADD_SPEC },
    { "list", list, &LIST_SPEC },
    { "disable", disable_or_passwd, &DISABLE_SPEC },
    { "passwd", disable_or_passwd, &PASSWD_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec USER_SPEC = {
    .name = "user",
    .operands = "add|list|disable|passwd ...",
    .help = "the accounts of serve (passwords on stdin).",
    .subs = USER_COMMANDS,
};

int cmd_user(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &USER_SPEC, argc, argv);
}
