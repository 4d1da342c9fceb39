/*
 * `chancery user add|list|disable|passwd`: the accounts of `chancery
 * serve` (store/account.h). A password is read from stdin (its first line),
 * or prompted for without echo when stdin is a terminal, and stored as
 * libsodium's argon2id string (crypto_pwhash_str) with the INTERACTIVE
 * limits: a server verifies each login while others wait, so the work per
 * login is kept to about 64 MiB and a fraction of a second.
 */
#include <getopt.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "store/account.h"

#define PASSWORD_MAX 1024
#define ADD_USAGE                                      \
    "add NAME --role officer|liaison|analyst|auditor " \
    "[--sending S] [--mission M]"

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
    if (a->sending)
        rc = cli_state(&s, "--sending", a->sending, e);
    else if (snapshot_find(&s, ENT_MISSION, a->mission) == IDMAP_NONE)
        rc =
            err_set(e, ST_USAGE, "--mission: unknown mission '%s'", a->mission);
    snapshot_release(&s);
    store_close(st);
    return rc;
}

static int parse_add(int argc, char **argv, struct account *a)
{
    static const struct option opts[] = {
        { "role", required_argument, NULL, 'r' },
        { "sending", required_argument, NULL, 's' },
        { "mission", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h')
            return printf("usage: chancery user " ADD_USAGE "\n"), 0;
        if (c == 'r')
            a->role = optarg;
        else if (c == 's')
            a->sending = optarg;
        else if (c == 'm')
            a->mission = optarg;
        else
            return cli_usage("user", ADD_USAGE);
    }
    if (optind + 1 != argc || !a->role)
        return cli_usage("user", ADD_USAGE);
    a->name = argv[optind];
    if (strcmp(a->role, "officer") && strcmp(a->role, "liaison") &&
        strcmp(a->role, "analyst") && strcmp(a->role, "auditor"))
        return cli_error(ST_USAGE,
                         "--role: '%s' is not officer, liaison, analyst or "
                         "auditor",
                         a->role);
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
    int rc = parse_add(argc, argv, &a);

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

    (void)argv;
    if (argc != 1)
        return cli_usage("user", "list");
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
    enum status rc;

    if (argc != 2)
        return cli_usage("user", passwd ? "passwd NAME" : "disable NAME");
    if (passwd && hash_password(hash, &e))
        return cli_fail(&e);
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    store_set_actor(st, cli->actor);
    rc = passwd ? store_account_passwd(st, argv[1], hash, store_actor(st), &e)
                : store_account_disable(st, argv[1], store_actor(st), &e);
    store_close(st);
    return rc ? cli_fail(&e) : 0;
}

static const struct command USER_COMMANDS[] = {
    { "add", add,
      "NAME --role officer|liaison|analyst|auditor [--sending S] "
      "[--mission M]",
      "add an account (password on stdin)" },
    { "list", list, "", "the accounts" },
    { "disable", disable_or_passwd, "NAME",
      "disable an account and end its sessions" },
    { "passwd", disable_or_passwd, "NAME",
      "set an account's password (on stdin); ends its sessions" },
    { NULL, NULL, NULL, NULL },
};

int cmd_user(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "user", USER_COMMANDS, argc, argv);
}
