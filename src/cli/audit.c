/*
 * The verifiable log's commands (docs/registry.md, "The verifiable log"):
 * `audit keygen`, `audit checkpoint`, `audit verify-checkpoint`, `audit
 * prove` and `audit witness`. The formats are C2SP's and RFC 9162's
 * (base/note.h, base/merkle.h), so that an auditor can check what they print
 * with any transparency-log tool; the registry's signing key lives in a file of
 * mode 0600 and never in the database, which is what an attacker with
 * write access to the database would hold. `audit verify` itself stays in
 * cli/history.c with the family's table, which names these.
 *
 * Each command is an option table (cli/opts.h); all of them fill one
 * struct audit_args, whose fields a command does not offer stay NULL.
 */
#include "cli/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/date.h"
#include "base/merkle.h"
#include "base/note.h"
#include "base/xalloc.h"
#include "store/store.h"

/* A command's arguments: the values of the options it accepts (NULL when
 * absent) and its operands. */
struct audit_args {
    const char *sign, *origin, *name, *checkpoint, *key, *known, *log_key,
        *proof, *witness;
    long size; /* checkpoint --size; -1 when absent */
    struct opts_rest pos;
};

#define AUDIT_OPT(n, a, f, d, h, fl)                                   \
    {                                                                  \
        .name = n, .arg = a, .offset = offsetof(struct audit_args, f), \
        .def = d, .help = h, .flags = fl                               \
    }

static const struct opt KEYGEN_OPTS[] = {
    AUDIT_OPT("name", "KEYNAME", name, "NAME's last component",
              "the key's name, the registry's host/path by convention "
              "(state.gov/registry); no '+', spaces or control characters.",
              0),
    { .name = NULL },
};

const struct cmd_spec AUDIT_KEYGEN_SPEC = {
    .name = "audit keygen",
    .operands = "NAME",
    .min_operands = 1,
    .max_operands = 1,
    .help = "make an Ed25519 key: NAME.key (mode 0600) and NAME.pub.",
    .more = "NAME.key holds the C2SP signer key and is never overwritten nor "
            "kept in the database; NAME.pub holds the verifier key, which is "
            "also printed.",
    .example = { "audit keygen registry",
                 "audit keygen keys/witness --name mid.ru/witness" },
    .opts = KEYGEN_OPTS,
};

static const struct opt CHECKPOINT_OPTS[] = {
    AUDIT_OPT("sign", "NAME.key", sign, "unsigned",
              "sign the checkpoint with this signer key (C2SP signed note).",
              0),
    AUDIT_OPT("origin", "ORIGIN", origin,
              "$CHANCERY_ORIGIN, else the signing key's name, else chancery",
              "the name of the log the checkpoint's first line gives.", 0),
    { .name = "size",
      .arg = "N",
      .kind = OPT_INT,
      .offset = offsetof(struct audit_args, size),
      .def = "the log's size (as known on --as-known-on's date)",
      .help = "the checkpoint of the log's first N entries: the one printed "
              "when the log had N, byte for byte." },
    { .name = NULL },
};

const struct cmd_spec AUDIT_CHECKPOINT_SPEC = {
    .name = "audit checkpoint",
    .operands = "",
    .help = "print the log's checkpoint (C2SP tlog-checkpoint), signed with "
            "--sign.",
    .more = "A checkpoint is the log's origin, its size and its Merkle root; "
            "another office that keeps it can later check that the log was "
            "only appended to. --size N (or --as-known-on D) prints the "
            "checkpoint of the log's first N entries (as known on D), the "
            "same bytes as the one printed then.",
    .example = { "audit checkpoint",
                 "audit checkpoint --sign registry.key --origin "
                 "state.gov/registry" },
    .opts = CHECKPOINT_OPTS,
};

static const struct opt VERIFY_CHECKPOINT_OPTS[] = {
    AUDIT_OPT("key", "NAME.pub", key, "the signature is not checked",
              "check the log's signature with this verifier key.", 0),
    AUDIT_OPT("witness", "WITNESS.pub", witness, "no cosignature is checked",
              "check a witness's cosignature with this verifier key.", 0),
    { .name = NULL },
};

const struct cmd_spec AUDIT_VERIFY_CHECKPOINT_SPEC = {
    .name = "audit verify-checkpoint",
    .operands = "FILE",
    .min_operands = 1,
    .max_operands = 1,
    .help = "check a checkpoint's signature and that the log still has its "
            "root.",
    .more = "Fails when the log's first entries no longer have the "
            "checkpoint's root (a rewritten log, even with its chain "
            "recomputed) or when the log is shorter than the checkpoint.",
    .example = { "audit verify-checkpoint monday.checkpoint",
                 "audit verify-checkpoint monday.checkpoint --key "
                 "registry.pub --witness witness.pub" },
    .opts = VERIFY_CHECKPOINT_OPTS,
};

static const struct opt PROVE_OPTS[] = {
    AUDIT_OPT("checkpoint", "FILE", checkpoint, "the whole log",
              "inclusion: prove against this checkpoint's tree, which must "
              "match the log.",
              0),
    AUDIT_OPT("key", "NAME.pub", key, "signatures are not checked",
              "check the checkpoints' signatures with this verifier key.", 0),
    { .name = NULL },
};

const struct cmd_spec AUDIT_PROVE_SPEC = {
    .name = "audit prove",
    .operands = "inclusion SEQ | consistency OLD NEW",
    .min_operands = 2,
    .max_operands = 3,
    .help = "print an RFC 9162 inclusion or consistency proof.",
    .more = "The proof is printed as base64 hashes one a line, or with "
            "--format json as the RFC 9162 fields. A consistency proof is "
            "checked against both checkpoints' roots before it is printed.",
    .example = { "audit prove inclusion 42 --checkpoint monday.checkpoint",
                 "audit prove consistency monday.checkpoint "
                 "friday.checkpoint --key registry.pub" },
    .opts = PROVE_OPTS,
};

static const struct opt WITNESS_OPTS[] = {
    AUDIT_OPT("key", "WITNESS.key", key, NULL,
              "the witness's signer key, to cosign with.", OPT_REQUIRED),
    AUDIT_OPT("known", "OLD", known, NULL,
              "the last checkpoint this witness cosigned.", OPT_REQUIRED),
    AUDIT_OPT("log-key", "LOG.pub", log_key,
              "the log's signatures are not "
              "checked",
              "check the log's signature on both checkpoints.", 0),
    AUDIT_OPT("proof", "FILE", proof, "computed from the registry",
              "the consistency proof from OLD to NEW, as `audit prove "
              "consistency` printed it.",
              0),
    { .name = NULL },
};

const struct cmd_spec AUDIT_WITNESS_SPEC = {
    .name = "audit witness",
    .operands = "NEW",
    .min_operands = 1,
    .max_operands = 1,
    .help = "cosign a checkpoint consistent with the last one seen (C2SP "
            "tlog-cosignature).",
    .more = "Refuses a checkpoint of another log, a smaller one, a fork or a "
            "rewrite; else prints NEW with the witness's cosignature line "
            "added.",
    .example = { "audit witness friday.checkpoint --key witness.key --known "
                 "monday.checkpoint",
                 "audit witness friday.checkpoint --key witness.key --known "
                 "monday.checkpoint --log-key registry.pub --proof "
                 "friday.proof" },
    .opts = WITNESS_OPTS,
};

static const struct opt VERIFY_EXPORT_OPTS[] = {
    AUDIT_OPT("checkpoint", "FILE", checkpoint, NULL,
              "the published checkpoint the export must reproduce.",
              OPT_REQUIRED),
    AUDIT_OPT("key", "NAME.pub", key, NULL,
              "the registry's verifier key, to check the checkpoint's "
              "signature.",
              OPT_REQUIRED),
    AUDIT_OPT("witness", "WITNESS.pub", witness, "no cosignature is checked",
              "also check a witness's cosignature on the checkpoint.", 0),
    { .name = NULL },
};

const struct cmd_spec AUDIT_VERIFY_EXPORT_SPEC = {
    .name = "audit verify-export",
    .operands = "DIR",
    .min_operands = 1,
    .max_operands = 1,
    .help = "check an export offline: its change log has the checkpoint's "
            "root, and its records are the log's last images.",
    .more = "Needs no database. A truncated, reordered, edited or forged "
            "export fails, naming the first bad entry.",
    .example = { "audit verify-export backup --checkpoint monday.checkpoint "
                 "--key registry.pub",
                 "audit verify-export backup --checkpoint monday.checkpoint "
                 "--key registry.pub --witness witness.pub" },
    .opts = VERIFY_EXPORT_OPTS,
};

/* Parses argv against c into a. OPTS_GO to go on, else the exit code. */
static int audit_args(struct cli *cli, const struct cmd_spec *c, int argc,
                      char **argv, struct audit_args *a)
{
    memset(a, 0, sizeof(*a));
    a->size = -1;
    return opts_parse(cli, c, argc, argv, a, NULL, &a->pos);
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
    struct audit_args a;
    struct note_key k;
    struct buf text;
    struct err e;
    char *key_path, *pub_path;
    const char *base;
    int rc = audit_args(cli, &AUDIT_KEYGEN_SPEC, argc, argv, &a);

    if (rc != OPTS_GO)
        return rc;
    rc = 0;
    base = strrchr(a.pos.v[0], '/') ? strrchr(a.pos.v[0], '/') + 1 : a.pos.v[0];
    if (note_key_generate(a.name ? a.name : base, &k, &e))
        return cli_fail(&e);
    key_path = xasprintf("%s.key", a.pos.v[0]);
    pub_path = xasprintf("%s.pub", a.pos.v[0]);
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

/* The tree the checkpoint is of: its first --size leaves, else the log as
 * known on --as-known-on's date, else the log now. */
static enum status tree_at(const struct cli *cli, const struct audit_args *a,
                           struct store *st, struct checkpoint *c,
                           struct err *e)
{
    int64_t head;

    if (a->size >= 0) {
        c->size = (uint64_t)a->size;
        return store_tree_root(st, c->size, c->root, e);
    }
    if (cli->as_known_on == DATE_NONE)
        return store_tree_head(st, &c->size, c->root, e);
    if (store_log_head(st, cli->as_known_on, &head, e))
        return e->status;
    c->size = (uint64_t)head;
    return store_tree_root(st, c->size, c->root, e);
}

int audit_checkpoint(struct cli *cli, int argc, char **argv)
{
    struct audit_args a;
    struct note_key k;
    struct checkpoint c;
    struct store *st;
    struct buf text;
    struct err e;
    int rc = audit_args(cli, &AUDIT_CHECKPOINT_SPEC, argc, argv, &a);

    if (rc != OPTS_GO)
        return rc;
    rc = 0;
    if (a.sign && read_key(a.sign, 1, &k, &e))
        return cli_fail(&e);
    memset(&c, 0, sizeof(c));
    snprintf(c.origin, sizeof(c.origin), "%s",
             origin_of(&a, a.sign ? &k : NULL));
    if (!c.origin[0] || strchr(c.origin, '\n'))
        return cli_error(ST_USAGE, "bad origin '%s'", c.origin);
    if (a.size >= 0 && cli->as_known_on != DATE_NONE)
        return cli_error(ST_USAGE,
                         "--size and --as-known-on name the tree twice");
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    if (tree_at(cli, &a, st, &c, &e))
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
    struct audit_args a;
    struct checkpoint c;
    struct store *st;
    struct err e;
    int rc = audit_args(cli, &AUDIT_VERIFY_CHECKPOINT_SPEC, argc, argv, &a);

    if (rc != OPTS_GO)
        return rc;
    rc = 0;
    if (read_checkpoint(a.pos.v[0], a.key, &c, &e) ||
        (a.witness && check_cosigned(a.pos.v[0], a.witness, &e)))
        return cli_fail(&e);
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    if (check_against(st, a.pos.v[0], &c, &e))
        rc = cli_fail(&e);
    else
        printf("%s: %s%s%llu entries, root matches the change log\n",
               a.pos.v[0], a.key ? "signature good, " : "",
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

    if (a->pos.n != 2 || parse_seq(a->pos.v[1], &seq))
        return cli_error(ST_USAGE, "'audit prove inclusion' needs SEQ, a "
                                   "change's number (1 or more)");
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

    if (a->pos.n != 3)
        return cli_error(ST_USAGE, "'audit prove consistency' needs OLD "
                                   "and NEW, two checkpoint files");
    if (read_checkpoint(a->pos.v[1], a->key, &c1, &e) ||
        read_checkpoint(a->pos.v[2], a->key, &c2, &e))
        return cli_fail(&e);
    if (strcmp(c1.origin, c2.origin))
        return cli_error(ST_INVALID,
                         "the checkpoints are of different logs ('%s' and "
                         "'%s')",
                         c1.origin, c2.origin);
    if (c1.size > c2.size)
        return cli_error(ST_INVALID, "%s has %llu entries, more than %s (%llu)",
                         a->pos.v[1], (unsigned long long)c1.size, a->pos.v[2],
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
                         a->pos.v[2], a->pos.v[1], (unsigned long long)c2.size,
                         (unsigned long long)c1.size);
    print_proof(cli,
                json_pack("{s:I, s:I}", "tree_size_1", (json_int_t)c1.size,
                          "tree_size_2", (json_int_t)c2.size),
                "consistency_path", proof, n);
    return 0;
}

int audit_prove(struct cli *cli, int argc, char **argv)
{
    struct audit_args a;
    struct store *st;
    struct err e;
    int rc = audit_args(cli, &AUDIT_PROVE_SPEC, argc, argv, &a);

    if (rc != OPTS_GO)
        return rc;
    if (strcmp(a.pos.v[0], "inclusion") && strcmp(a.pos.v[0], "consistency"))
        return cli_error(ST_USAGE,
                         "'audit prove' proves inclusion or consistency, not "
                         "'%s'",
                         a.pos.v[0]);
    if (store_open(cli->db_path, STORE_OPEN_EXISTING, &st, &e))
        return cli_fail(&e);
    rc = !strcmp(a.pos.v[0], "inclusion") ? prove_inclusion(cli, st, &a)
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
    unsigned char proof[MERKLE_PROOF_MAX][STORE_TREE_HASH];
    struct checkpoint old, now;
    struct audit_args a;
    struct note_key w;
    struct buf text;
    struct err e;
    size_t n = 0;
    int rc = audit_args(cli, &AUDIT_WITNESS_SPEC, argc, argv, &a);

    if (rc != OPTS_GO)
        return rc;
    if (read_key(a.key, 1, &w, &e) ||
        read_checkpoint(a.known, a.log_key, &old, &e) ||
        read_checkpoint(a.pos.v[0], a.log_key, &now, &e))
        return cli_fail(&e);
    if (strcmp(old.origin, now.origin))
        return cli_error(ST_INVALID, "%s is of log '%s', not '%s' as %s",
                         a.pos.v[0], now.origin, old.origin, a.known);
    if (old.size > now.size)
        return cli_error(ST_INVALID,
                         "%s has %llu entries, fewer than %s (%llu)",
                         a.pos.v[0], (unsigned long long)now.size, a.known,
                         (unsigned long long)old.size);
    if (witness_proof(cli, &a, old.size, now.size, proof, &n, &e))
        return cli_fail(&e);
    if (!merkle_verify_consistency(old.size, now.size, old.root, now.root,
                                   (const unsigned char(*)[MERKLE_HASH])proof,
                                   n))
        return cli_error(ST_INVALID,
                         "%s is not consistent with %s: not cosigned (a fork "
                         "or a rewrite of the log)",
                         a.pos.v[0], a.known);
    if (cli_read_file(a.pos.v[0], &text, &e))
        return cli_fail(&e);
    {
        size_t text_len = 0;
        uint64_t when;
        struct buf out;

        rc = 0;
        buf_init(&out, 1 << 20);
        note_split(text.data, &text_len, &e);
        buf_add(&out, text.data, text.len);
        if (text_len == text.len)
            buf_addch(&out, '\n');
        if (clock_seconds(&when, &e))
            rc = cli_fail(&e);
        else
            note_cosign_line(&w, text.data, text_len, when, &out);
        if (!rc)
            fputs(out.data, stdout);
        buf_release(&out);
    }
    sodium_memzero(&w, sizeof(w));
    buf_release(&text);
    return rc;
}

int audit_verify_export(struct cli *cli, int argc, char **argv)
{
    struct audit_args a;
    struct checkpoint c;
    struct export_summary sum;
    struct err e;
    int rc = audit_args(cli, &AUDIT_VERIFY_EXPORT_SPEC, argc, argv, &a);

    if (rc != OPTS_GO)
        return rc;
    if (read_checkpoint(a.checkpoint, a.key, &c, &e) ||
        (a.witness && check_cosigned(a.checkpoint, a.witness, &e)))
        return cli_fail(&e);
    if (store_check_export(a.pos.v[0], c.size, c.root, &sum, &e)) {
        err_prefix(&e, "%s", a.pos.v[0]);
        return cli_fail(&e);
    }
    printf("%s: signature good, %s%llu entries, root matches %s; %zu "
           "records match their last images\n",
           a.pos.v[0], a.witness ? "cosignature good, " : "",
           (unsigned long long)sum.entries, a.checkpoint, sum.records);
    return 0;
}
