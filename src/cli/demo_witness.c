/*
 * The demo's witnesses (docs/registry.md, "The verifiable log"): the US
 * and Russian offices each keep a registry, sign its checkpoints, and
 * cosign the other's once it is consistent with the last one they saw,
 * so that neither can later show the other a log other than the one both
 * saw. The demo's registry is the US office's (origin state.gov/registry);
 * the Russian office's is a registry of its own beside it (mid.ru/registry,
 * its reference data). Everything lives in PATH.witness beside the demo's
 * database PATH (witness_dir says where for PostgreSQL): each office's
 * Ed25519 key (made once, mode 0600, never replaced), each registry's
 * latest checkpoint cosigned by the other office, and the checkpoint each
 * office last cosigned, so that a second run checks consistency with the
 * first.
 *
 * The first time, the Russian office is shown the US registry as it was
 * recorded by 2021-11-30 (its tree of that size, which the log keeps) and
 * then today's, and cosigns today's only once a consistency proof from the
 * one to the other verifies. The Russian registry is new: its first
 * checkpoint is taken on first sight. The same formats and checks as
 * `audit checkpoint`, `audit witness` and `audit verify-checkpoint`.
 */
#include "cli/demo_witness.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/date.h"
#include "base/merkle.h"
#include "base/note.h"
#include "base/xalloc.h"
#include "cli/commands.h"

#define SEEN_BY_RU "2021-11-30"

/* One office: its registry, its key, its files in the witness folder. */
struct office {
    const char *name; /* "us", "ru" */
    const char *origin;
    char *db;
    struct note_key key;
};

static enum status write_file(const char *path, const char *text, mode_t mode,
                              int replace, struct err *e)
{
    int fd =
        open(path, O_WRONLY | O_CREAT | (replace ? O_TRUNC : O_EXCL), mode);
    size_t n = strlen(text);
    ssize_t w;

    if (fd < 0)
        return err_set(e, ST_ERROR, "cannot create '%s': %s", path,
                       strerror(errno));
    w = write(fd, text, n);
    if (close(fd) || w != (ssize_t)n)
        return err_set(e, ST_ERROR, "cannot write '%s': %s", path,
                       strerror(errno));
    return ST_OK;
}

/* The office's key from DIR/NAME.key, made (with DIR/NAME.pub) the first
 * time. */
static enum status office_key(const char *dir, struct office *o, struct err *e)
{
    char *key = xasprintf("%s/%s.key", dir, o->name);
    char *pub = xasprintf("%s/%s.pub", dir, o->name);
    struct buf text;
    enum status rc;

    buf_init(&text, 4096);
    if (!access(key, F_OK)) {
        buf_release(&text);
        rc = cli_read_file(key, &text, e)
                 ? e->status
                 : note_key_parse(text.data, 1, &o->key, e);
    } else if (!(rc = note_key_generate(o->origin, &o->key, e)) &&
               !(rc = note_key_secret_text(&o->key, &text)) &&
               !(rc = write_file(key, text.data, 0600, 0, e)) &&
               !(rc = note_key_public_text(&o->key, &text))) {
        rc = write_file(pub, text.data, 0644, 0, e);
    }
    if (rc)
        err_prefix(e, "%s", key);
    sodium_memzero(text.data, text.len);
    buf_release(&text);
    free(key);
    free(pub);
    return rc;
}

/* The signed checkpoint of the first size entries of st's log into b. */
static enum status sign_checkpoint(struct store *st, const struct office *o,
                                   uint64_t size, struct checkpoint *c,
                                   struct buf *b, struct err *e)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->origin, sizeof(c->origin), "%s", o->origin);
    c->size = size;
    if (store_tree_root(st, size, c->root, e))
        return e->status;
    checkpoint_text(c, b);
    buf_addch(b, '\n');
    return note_sign_line(&o->key, b->data, b->len - 1, b);
}

/* The checkpoint the witness last cosigned of the office's registry: the
 * file it kept, else (first sight) the one given. */
static enum status known_checkpoint(const char *path, struct checkpoint *c,
                                    struct err *e)
{
    struct buf text;
    enum status rc;

    if (access(path, F_OK))
        return ST_OK;
    if (cli_read_file(path, &text, e))
        return e->status;
    rc = checkpoint_parse(text.data, c, e);
    buf_release(&text);
    return rc;
}

/* w cosigns the signed checkpoint of log in note (of c) once it is
 * consistent with known, the one w saw last; out gets the note with the
 * cosignature added. */
static enum status cosign(struct store *st, const struct office *log,
                          const struct office *w,
                          const struct checkpoint *known,
                          const struct checkpoint *c, const struct buf *note,
                          struct buf *out, struct err *e)
{
    size_t n = 0, text_len = 0;
    uint64_t when;
    unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH];

    if (note_verify(note->data, &log->key, 0, NULL, e) ||
        store_consistency_proof(st, known->size, c->size, proof, &n, e))
        return e->status;
    if (strcmp(known->origin, c->origin) || known->size > c->size ||
        !merkle_verify_consistency(known->size, c->size, known->root, c->root,
                                   (const unsigned char(*)[MERKLE_HASH])proof,
                                   n))
        return err_set(e, ST_INVALID,
                       "%s will not cosign %s's checkpoint of %llu entries: "
                       "it is not consistent with the one of %llu it saw",
                       w->origin, log->origin, (unsigned long long)c->size,
                       (unsigned long long)known->size);
    note_split(note->data, &text_len, e);
    buf_reset(out);
    buf_add(out, note->data, note->len);
    if (clock_seconds(&when, e))
        return e->status;
    return note_cosign_line(&w->key, note->data, text_len, when, out);
}

/* Checkpoints log's registry (as known on first_seen the first time w
 * sees it, else what w kept) and has w cosign today's; prints a line. */
static enum status witness_one(const char *dir, const struct office *log,
                               const struct office *w, int32_t first_seen,
                               struct err *e)
{
    char *seen =
        xasprintf("%s/%s-seen-by-%s.checkpoint", dir, log->name, w->name);
    char *path = xasprintf("%s/%s.checkpoint", dir, log->name);
    struct checkpoint known, now;
    struct buf note, out;
    struct store *st = NULL;
    int64_t head = 0, then = 0;
    enum status rc = store_open(log->db, STORE_OPEN_EXISTING, &st, e);

    buf_init(&note, 1 << 16);
    buf_init(&out, 1 << 16);
    if (!rc)
        rc = store_log_head(st, DATE_NONE, &head, e);
    if (!rc)
        rc = store_log_head(st, first_seen, &then, e);
    if (!rc)
        rc = sign_checkpoint(st, log, (uint64_t)then, &known, &note, e);
    if (!rc)
        rc = known_checkpoint(seen, &known, e);
    if (!rc)
        rc = sign_checkpoint(st, log, (uint64_t)head, &now, &note, e);
    if (!rc)
        rc = cosign(st, log, w, &known, &now, &note, &out, e);
    if (!rc && !(rc = write_file(path, out.data, 0644, 1, e)) &&
        !(rc = write_file(seen, out.data, 0644, 1, e)))
        printf("  %-19s %6llu entries, consistent with the %llu %s saw: "
               "cosigned by %s\n",
               log->origin, (unsigned long long)now.size,
               (unsigned long long)known.size, w->origin, w->origin);
    if (st)
        store_close(st);
    buf_release(&note);
    buf_release(&out);
    free(seen);
    free(path);
    return rc;
}

/* The witness folder: PATH.witness beside an SQLite database; for a
 * database named by URL (PostgreSQL), which has no folder beside it,
 * $CHANCERY_WITNESS, else chancery.witness in the current folder. */
static char *witness_dir(const char *db_path)
{
    const char *env = getenv("CHANCERY_WITNESS");

    if (!strstr(db_path, "://"))
        return xasprintf("%s.witness", db_path);
    return xstrdup(env && *env ? env : "chancery.witness");
}

int demo_witness(struct cli *cli)
{
    struct office us = { .name = "us", .origin = "state.gov/registry" };
    struct office ru = { .name = "ru", .origin = "mid.ru/registry" };
    char *dir = witness_dir(cli->db_path);
    struct cli other = *cli;
    int32_t seen, never = DATE_NONE;
    struct err e;
    int created, rc = 0;

    us.db = xstrdup(cli->db_path);
    ru.db = xasprintf("%s/ru.db", dir);
    other.db_path = ru.db;
    if (date_parse(SEEN_BY_RU, &seen, NULL))
        BUG("bad date");
    if ((mkdir(dir, 0777) && errno != EEXIST &&
         err_set(&e, ST_ERROR, "cannot create '%s': %s", dir,
                 strerror(errno))) ||
        office_key(dir, &us, &e) || office_key(dir, &ru, &e) ||
        registry_init_at(&other, "1992-01-01T00:00:00Z", &created, &e))
        rc = cli_fail(&e);
    if (!rc)
        printf("\nWitnessed checkpoints (%s): each office signs its "
               "registry's and cosigns the other's\n",
               dir);
    if (!rc && (witness_one(dir, &us, &ru, seen, &e) ||
                witness_one(dir, &ru, &us, never, &e)))
        rc = cli_fail(&e);
    if (!rc)
        printf("  check one: chancery --db %s audit verify-checkpoint "
               "%s/us.checkpoint --key %s/us.pub --witness %s/ru.pub\n",
               cli->db_path, dir, dir, dir);
    sodium_memzero(&us.key, sizeof(us.key));
    sodium_memzero(&ru.key, sizeof(ru.key));
    free(us.db);
    free(ru.db);
    free(dir);
    return rc;
}
