/*
 * The verifiable log's commands (docs/registry.md, "The verifiable log"):
 * `audit keygen`, `audit checkpoint`, `audit verify-checkpoint` and `audit
 * prove`. The formats are C2SP's and RFC 9162's (base/note.h,
 * base/merkle.h), so that an auditor can check what they print with any
 * transparency-log tool; the registry's signing key lives in a file of
 * mode 0600 and never in the database, which is what an attacker with
 * write access to the database would hold. `audit verify` itself stays in
 * cli/history.c; its table there names these.
 *
 * Options are parsed here by one small function (audit_args), not by
 * getopt: every command takes a few "--name VALUE" pairs and positionals.
 */
#include "cli/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <unistd.h>

#include "base/merkle.h"
#include "base/note.h"
#include "base/xalloc.h"
#include "store/store.h"

#define MAX_POS 3

/* A command's arguments: the values of the options it accepts (NULL when
 * absent) and its positionals. */
struct audit_args {
    const char *sign, *origin, *name, *checkpoint, *key, *known, *log_key,
        *proof, *witness;
    const char *pos[MAX_POS];
    int n_pos;
};

/* Parses argv (argv[0] the command) against the options allowed, a string
 * like "sign origin". 0, or the exit code of a usage error or --help. */
static int audit_args(int argc, char **argv, const char *allowed,
                      const char *usage, struct audit_args *a)
{
    memset(a, 0, sizeof(*a));
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], **slot = NULL;

        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            printf("usage: chancery audit %s %s\n", argv[0], usage);
            return -1;
        }
        if (strncmp(arg, "--", 2) || !arg[2]) {
            if (a->n_pos == MAX_POS)
                return cli_usage(argv[0], usage);
            a->pos[a->n_pos++] = arg;
            continue;
        }
        if (!strstr(allowed, arg + 2))
            return cli_usage(argv[0], usage);
        slot = !strcmp(arg, "--sign")         ? &a->sign
               : !strcmp(arg, "--origin")     ? &a->origin
               : !strcmp(arg, "--name")       ? &a->name
               : !strcmp(arg, "--checkpoint") ? &a->checkpoint
               : !strcmp(arg, "--key")        ? &a->key
               : !strcmp(arg, "--known")      ? &a->known
               : !strcmp(arg, "--log-key")    ? &a->log_key
               : !strcmp(arg, "--proof")      ? &a->proof
               : !strcmp(arg, "--witness")    ? &a->witness
                                              : NULL;
        if (!slot || i + 1 == argc)
            return cli_usage(argv[0], usage);
        *slot = argv[++i];
    }
    return 0;
}

/* Writes text to path, created with mode (never replacing a file). */
static enum status write_new(const char *path, const char *text, mode_t mode,
                             struct err *e)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    size_t n = strlen(text);
    ssize_t w;

    if (fd < 0)
        return err_set(e, ST_ERROR, "cannot create '%s': %s", path,
                       strerror(errno));
    w = write(fd, text, n);
    if (close(fd) || w != (ssize_t)n) {
        unlink(path);
        return err_set(e, ST_ERROR, "cannot write '%s': %s", path,
                       strerror(errno));
    }
    return ST_OK;
}

/* Writes k's signer (secret) or verifier key to a new file at path,
 * through text, which it leaves holding the key's line. */
static enum status write_key(const struct note_key *k, int secret,
                             const char *path, struct buf *text, struct err *e)
{
    if (secret ? note_key_secret_text(k, text) : note_key_public_text(k, text))
        return err_set(e, ST_ERROR, "cannot format the key");
    return write_new(path, text->data, secret ? 0600 : 0644, e);
}

int audit_keygen(struct cli *cli, int argc, char **argv)
{
    static const char usage[] = "NAME [--name KEYNAME]";
    struct audit_args a;
    struct note_key k;
    struct buf text;
    struct err e;
    char *key_path, *pub_path;
    const char *base;
    int rc = audit_args(argc, argv, "name", usage, &a);

    (void)cli;
    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.n_pos != 1)
        return cli_usage("audit keygen", usage);
    base = strrchr(a.pos[0], '/') ? strrchr(a.pos[0], '/') + 1 : a.pos[0];
    if (note_key_generate(a.name ? a.name : base, &k, &e))
        return cli_fail(&e);
    key_path = xasprintf("%s.key", a.pos[0]);
    pub_path = xasprintf("%s.pub", a.pos[0]);
    buf_init(&text, 4096);
    if (write_key(&k, 1, key_path, &text, &e) ||
        write_key(&k, 0, pub_path, &text, &e))
        rc = cli_fail(&e);
    else
        printf("%s", text.data);
    sodium_memzero(text.data, text.len);
    sodium_memzero(&k, sizeof(k));
    buf_release(&text);
    free(key_path);
    free(pub_path);
    return rc;
}

/* Reads a key file; e names the file. */
static enum status read_key(const char *path, int secret, struct note_key *k,
                            struct err *e)
{
    struct buf text;
    enum status rc;

    if (cli_read_file(path, &text, e))
        return e->status;
    rc = note_key_parse(text.data, secret, k, e);
    if (rc)
        err_prefix(e, "%s", path);
    sodium_memzero(text.data, text.len);
    buf_release(&text);
    return rc;
}

/* The origin of the registry's checkpoints: --origin, else
 * $CHANCERY_ORIGIN, else the signing key's name, else "chancery". */
static const char *origin_of(const struct audit_args *a,
                             const struct note_key *k)
{
    const char *env = getenv("CHANCERY_ORIGIN");

    if (a->origin)
        return a->origin;
    if (env && *env)
        return env;
    return k ? k->name : "chancery";
}

int audit_checkpoint(struct cli *cli, int argc, char **argv)
{
    static const char usage[] = "[--sign NAME.key] [--origin ORIGIN]";
    struct audit_args a;
    struct note_key k;
    struct checkpoint c;
    struct store *st;
    struct buf text;
    struct err e;
    int rc = audit_args(argc, argv, "sign origin", usage, &a);

    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.n_pos)
        return cli_usage("audit checkpoint", usage);
    if (a.sign && read_key(a.sign, 1, &k, &e))
        return cli_fail(&e);
    memset(&c, 0, sizeof(c));
    snprintf(c.origin, sizeof(c.origin), "%s",
             origin_of(&a, a.sign ? &k : NULL));
    if (!c.origin[0] || strchr(c.origin, '\n'))
        return cli_error(ST_USAGE, "bad origin '%s'", c.origin);
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    if (store_tree_head(st, &c.size, c.root, &e))
        rc = cli_fail(&e);
    store_close(st);
    buf_init(&text, 1 << 16);
    if (!rc) {
        checkpoint_text(&c, &text);
        if (a.sign) {
            buf_addch(&text, '\n');
            note_sign_line(&k, text.data, text.len - 1, &text);
        }
        fputs(text.data, stdout);
    }
    sodium_memzero(&k, sizeof(k));
    buf_release(&text);
    return rc;
}

/* Reads a checkpoint file, checking its signature when key is given. */
static enum status read_checkpoint(const char *path, const char *key,
                                   struct checkpoint *c, struct err *e)
{
    struct buf text;
    struct note_key k;
    enum status rc;

    memset(c, 0, sizeof(*c));
    if (key && read_key(key, 0, &k, e))
        return e->status;
    if (cli_read_file(path, &text, e))
        return e->status;
    if (!text.len || memchr(text.data, '\0', text.len))
        rc = err_set(e, ST_INVALID, "not a text note");
    else
        rc = checkpoint_parse(text.data, c, e);
    if (!rc && key)
        rc = note_verify(text.data, &k, 0, NULL, e);
    if (rc)
        err_prefix(e, "%s", path);
    buf_release(&text);
    return rc;
}

/* The registry's log agrees with checkpoint c: its first c->size entries
 * have c's root. */
static enum status check_against(struct store *st, const char *path,
                                 const struct checkpoint *c, struct err *e)
{
    unsigned char root[STORE_TREE_HASH];

    if (store_tree_root(st, c->size, root, e)) {
        err_prefix(e, "%s", path);
        return e->status;
    }
    if (sodium_memcmp(root, c->root, sizeof(root)))
        return err_set(e, ST_INVALID,
                       "%s: the change log's first %llu entries do not have "
                       "the checkpoint's root hash: the log was rewritten "
                       "since, or the checkpoint is not this registry's",
                       path, (unsigned long long)c->size);
    return ST_OK;
}

/* The note in path carries a good cosignature by the witness key in
 * witness_path. */
static enum status check_cosigned(const char *path, const char *witness_path,
                                  struct err *e)
{
    struct note_key w;
    struct buf text;
    uint64_t t;
    enum status rc;

    if (read_key(witness_path, 0, &w, e) || cli_read_file(path, &text, e))
        return e->status;
    rc = note_verify(text.data, &w, 1, &t, e);
    if (rc)
        err_prefix(e, "%s", path);
    buf_release(&text);
    return rc;
}

int audit_verify_checkpoint(struct cli *cli, int argc, char **argv)
{
    static const char usage[] = "FILE [--key NAME.pub] [--witness WITNESS.pub]";
    struct audit_args a;
    struct checkpoint c;
    struct store *st;
    struct err e;
    int rc = audit_args(argc, argv, "key witness", usage, &a);

    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.n_pos != 1)
        return cli_usage("audit verify-checkpoint", usage);
    if (read_checkpoint(a.pos[0], a.key, &c, &e) ||
        (a.witness && check_cosigned(a.pos[0], a.witness, &e)))
        return cli_fail(&e);
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    if (check_against(st, a.pos[0], &c, &e))
        rc = cli_fail(&e);
    else
        printf("%s: %s%s%llu entries, root matches the change log\n", a.pos[0],
               a.key ? "signature good, " : "",
               a.witness ? "cosignature good, " : "",
               (unsigned long long)c.size);
    store_close(st);
    return rc;
}

static char *b64(const unsigned char h[STORE_TREE_HASH])
{
    char *s = xmalloc(sodium_base64_ENCODED_LEN(
        STORE_TREE_HASH, sodium_base64_VARIANT_ORIGINAL));

    return sodium_bin2base64(
        s,
        sodium_base64_ENCODED_LEN(STORE_TREE_HASH,
                                  sodium_base64_VARIANT_ORIGINAL),
        h, STORE_TREE_HASH, sodium_base64_VARIANT_ORIGINAL);
}

/* Prints a proof: base64 hashes one a line, or the RFC 9162 proof's fields
 * as JSON (path_name the list's). */
static void print_proof(const struct cli *cli, json_t *head,
                        const char *path_name,
                        unsigned char proof[][STORE_TREE_HASH], size_t n)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        char *s = b64(proof[i]);

        if (cli->format != OUT_JSON)
            printf("%s\n", s);
        json_array_append_new(list, json_string(s));
        free(s);
    }
    json_object_set_new(head, path_name, list);
    if (cli->format == OUT_JSON) {
        json_dumpf(head, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    }
    json_decref(head);
}

static int parse_seq(const char *text, int64_t *seq)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < 1)
        return -1;
    *seq = v;
    return 0;
}

static int prove_inclusion(struct cli *cli, struct store *st,
                           const struct audit_args *a)
{
    unsigned char leaf[STORE_TREE_HASH], root[STORE_TREE_HASH];
    unsigned char proof[MERKLE_PROOF_MAX][STORE_TREE_HASH];
    struct checkpoint c;
    struct err e;
    int64_t seq;
    size_t n;
    char *s;

    if (a->n_pos != 2 || parse_seq(a->pos[1], &seq))
        return cli_usage("audit prove",
                         "inclusion SEQ [--checkpoint FILE [--key NAME.pub]]");
    if (a->checkpoint) {
        if (read_checkpoint(a->checkpoint, a->key, &c, &e) ||
            check_against(st, a->checkpoint, &c, &e))
            return cli_fail(&e);
    } else if (store_tree_head(st, &c.size, c.root, &e)) {
        return cli_fail(&e);
    }
    if (store_inclusion_proof(st, seq, c.size, leaf, proof, &n, &e))
        return cli_fail(&e);
    memcpy(root, c.root, sizeof(root));
    if (!merkle_verify_inclusion(leaf, (uint64_t)seq - 1, c.size,
                                 (const unsigned char(*)[MERKLE_HASH])proof, n,
                                 root))
        return cli_error(ST_INVALID,
                         "change %lld: its inclusion proof does not verify "
                         "against the root of %llu entries",
                         (long long)seq, (unsigned long long)c.size);
    s = b64(leaf);
    print_proof(cli,
                json_pack("{s:I, s:I, s:s}", "leaf_index",
                          (json_int_t)(seq - 1), "tree_size",
                          (json_int_t)c.size, "leaf_hash", s),
                "inclusion_path", proof, n);
    free(s);
    return 0;
}

static int prove_consistency(struct cli *cli, struct store *st,
                             const struct audit_args *a)
{
    unsigned char proof[MERKLE_PROOF_MAX][STORE_TREE_HASH];
    struct checkpoint c1, c2;
    struct err e;
    size_t n;

    if (a->n_pos != 3)
        return cli_usage("audit prove",
                         "consistency OLD.checkpoint NEW.checkpoint "
                         "[--key NAME.pub]");
    if (read_checkpoint(a->pos[1], a->key, &c1, &e) ||
        read_checkpoint(a->pos[2], a->key, &c2, &e))
        return cli_fail(&e);
    if (strcmp(c1.origin, c2.origin))
        return cli_error(ST_INVALID,
                         "the checkpoints are of different logs ('%s' and "
                         "'%s')",
                         c1.origin, c2.origin);
    if (c1.size > c2.size)
        return cli_error(ST_INVALID, "%s has %llu entries, more than %s (%llu)",
                         a->pos[1], (unsigned long long)c1.size, a->pos[2],
                         (unsigned long long)c2.size);
    if (store_consistency_proof(st, c1.size, c2.size, proof, &n, &e))
        return cli_fail(&e);
    if (!merkle_verify_consistency(c1.size, c2.size, c1.root, c2.root,
                                   (const unsigned char(*)[MERKLE_HASH])proof,
                                   n))
        return cli_error(ST_INVALID,
                         "%s and %s are not consistent: the log of %llu "
                         "entries does not extend the log of %llu as the "
                         "registry holds them (a fork, a rewrite, or a "
                         "checkpoint of another log)",
                         a->pos[2], a->pos[1], (unsigned long long)c2.size,
                         (unsigned long long)c1.size);
    print_proof(cli,
                json_pack("{s:I, s:I}", "tree_size_1", (json_int_t)c1.size,
                          "tree_size_2", (json_int_t)c2.size),
                "consistency_path", proof, n);
    return 0;
}

int audit_prove(struct cli *cli, int argc, char **argv)
{
    static const char usage[] =
        "inclusion SEQ [--checkpoint FILE] [--key NAME.pub] | "
        "consistency OLD.checkpoint NEW.checkpoint [--key NAME.pub]";
    struct audit_args a;
    struct store *st;
    struct err e;
    int rc = audit_args(argc, argv, "checkpoint key", usage, &a);

    if (rc)
        return rc < 0 ? 0 : rc;
    if (!a.n_pos ||
        (strcmp(a.pos[0], "inclusion") && strcmp(a.pos[0], "consistency")))
        return cli_usage("audit prove", usage);
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    rc = !strcmp(a.pos[0], "inclusion") ? prove_inclusion(cli, st, &a)
                                        : prove_consistency(cli, st, &a);
    store_close(st);
    return rc;
}

/* Reads a consistency proof: base64 hashes one a line. */
static enum status read_proof(const char *path,
                              unsigned char proof[][STORE_TREE_HASH], size_t *n,
                              struct err *e)
{
    struct buf text;
    enum status rc = ST_OK;
    char *line, *save = NULL;

    *n = 0;
    if (cli_read_file(path, &text, e))
        return e->status;
    for (line = strtok_r(text.data, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        size_t len = 0;
        const char *end = NULL;

        if (*n == MERKLE_PROOF_MAX ||
            sodium_base642bin(proof[*n], STORE_TREE_HASH, line, strlen(line),
                              NULL, &len, &end,
                              sodium_base64_VARIANT_ORIGINAL) ||
            *end || len != STORE_TREE_HASH)
            rc = err_set(e, ST_INVALID, "%s:%zu: not a base64 hash of 32 bytes",
                         path, *n + 1);
        else
            ++*n;
    }
    buf_release(&text);
    return rc;
}

/* The consistency proof from old to new: --proof's, else the registry's. */
static enum status witness_proof(struct cli *cli, const struct audit_args *a,
                                 uint64_t first, uint64_t second,
                                 unsigned char proof[][STORE_TREE_HASH],
                                 size_t *n, struct err *e)
{
    struct store *st;
    enum status rc;

    if (a->proof)
        return read_proof(a->proof, proof, n, e);
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, e))
        return e->status;
    rc = store_consistency_proof(st, first, second, proof, n, e);
    store_close(st);
    return rc;
}

int audit_witness(struct cli *cli, int argc, char **argv)
{
    static const char usage[] =
        "NEW.checkpoint --key WITNESS.key --known OLD.checkpoint "
        "[--log-key LOG.pub] [--proof FILE]";
    unsigned char proof[MERKLE_PROOF_MAX][STORE_TREE_HASH];
    struct checkpoint old, now;
    struct audit_args a;
    struct note_key w;
    struct buf text;
    struct err e;
    size_t n = 0;
    int rc = audit_args(argc, argv, "key known log-key proof", usage, &a);

    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.n_pos != 1 || !a.key || !a.known)
        return cli_usage("audit witness", usage);
    if (read_key(a.key, 1, &w, &e) ||
        read_checkpoint(a.known, a.log_key, &old, &e) ||
        read_checkpoint(a.pos[0], a.log_key, &now, &e))
        return cli_fail(&e);
    if (strcmp(old.origin, now.origin))
        return cli_error(ST_INVALID, "%s is of log '%s', not '%s' as %s",
                         a.pos[0], now.origin, old.origin, a.known);
    if (old.size > now.size)
        return cli_error(ST_INVALID,
                         "%s has %llu entries, fewer than %s (%llu)", a.pos[0],
                         (unsigned long long)now.size, a.known,
                         (unsigned long long)old.size);
    if (witness_proof(cli, &a, old.size, now.size, proof, &n, &e))
        return cli_fail(&e);
    if (!merkle_verify_consistency(old.size, now.size, old.root, now.root,
                                   (const unsigned char(*)[MERKLE_HASH])proof,
                                   n))
        return cli_error(ST_INVALID,
                         "%s is not consistent with %s: not cosigned (a fork "
                         "or a rewrite of the log)",
                         a.pos[0], a.known);
    if (cli_read_file(a.pos[0], &text, &e))
        return cli_fail(&e);
    {
        size_t text_len = 0;
        struct buf out;

        buf_init(&out, 1 << 20);
        note_split(text.data, &text_len, &e);
        buf_add(&out, text.data, text.len);
        if (text_len == text.len)
            buf_addch(&out, '\n');
        note_cosign_line(&w, text.data, text_len, (uint64_t)time(NULL), &out);
        fputs(out.data, stdout);
        buf_release(&out);
    }
    sodium_memzero(&w, sizeof(w));
    buf_release(&text);
    return 0;
}
