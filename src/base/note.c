/*
 * C2SP signed notes, keys and checkpoints (base/note.h). Parsing is strict
 * where a lenient reading could let two parties disagree on what was
 * signed: the text must end in a newline, a signature line must be exactly
 * the em dash, a space, the name, a space and canonical base64, and a key
 * whose ID does not match its name and public key is refused.
 */
#include "base/note.h"

#include <sodium.h>

#include "base/xalloc.h"

#define EM_DASH_SP "\xe2\x80\x94 "

int note_name_ok(const char *name)
{
    size_t n = strlen(name);

    if (!n || n >= NOTE_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c <= ' ' || c == '+' || c == 0x7f)
            return 0;
    }
    return 1;
}

uint32_t note_key_id(const struct note_key *k, unsigned char type)
{
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];

    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)k->name,
                              strlen(k->name));
    crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&h, &type, 1);
    crypto_hash_sha256_update(&h, k->pub, sizeof(k->pub));
    crypto_hash_sha256_final(&h, d);
    return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 |
           d[3];
}

enum status note_key_generate(const char *name, struct note_key *k,
                              struct err *e)
{
    memset(k, 0, sizeof(*k));
    if (!note_name_ok(name))
        return err_set(e, ST_INVALID,
                       "bad key name '%s': it must be non-empty, without "
                       "'+', spaces or control characters",
                       name);
    snprintf(k->name, sizeof(k->name), "%s", name);
    crypto_sign_keypair(k->pub, k->secret);
    k->has_secret = 1;
    k->id = note_key_id(k, NOTE_SIG_ED25519);
    return ST_OK;
}

static enum status add_base64(struct buf *b, const unsigned char *bin, size_t n)
{
    size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *text = xmalloc(len);
    enum status rc;

    sodium_bin2base64(text, len, bin, n, sodium_base64_VARIANT_ORIGINAL);
    rc = buf_addstr(b, text);
    free(text);
    return rc;
}

/* Decodes canonical base64 of at most max bytes; -1 when malformed. */
static int from_base64(const char *text, size_t len, unsigned char *out,
                       size_t max, size_t *n)
{
    const char *end = NULL;

    if (sodium_base642bin(out, max, text, len, NULL, n, &end,
                          sodium_base64_VARIANT_ORIGINAL) ||
        end != text + len)
        return -1;
    return 0;
}

static enum status key_text(const struct note_key *k, int secret, struct buf *b)
{
    unsigned char typed[33];

    typed[0] = NOTE_SIG_ED25519;
    memcpy(typed + 1, secret ? k->secret : k->pub, 32);
    buf_reset(b);
    if (buf_addf(b, "%s%s+%08x+", secret ? "PRIVATE+KEY+" : "", k->name,
                 (unsigned)k->id) ||
        add_base64(b, typed, sizeof(typed)) || buf_addch(b, '\n')) {
        sodium_memzero(typed, sizeof(typed));
        return ST_ERROR;
    }
    sodium_memzero(typed, sizeof(typed));
    return ST_OK;
}

enum status note_key_public_text(const struct note_key *k, struct buf *b)
{
    return key_text(k, 0, b);
}

enum status note_key_secret_text(const struct note_key *k, struct buf *b)
{
    return key_text(k, 1, b);
}

enum status note_key_parse(const char *text, int secret, struct note_key *k,
                           struct err *e)
{
    const char *p = text, *plus, *end;
    unsigned char typed[40];
    size_t n = 0;
    char *idend;
    unsigned long id;

    memset(k, 0, sizeof(*k));
    if (secret && strncmp(p, "PRIVATE+KEY+", 12))
        return err_set(e, ST_INVALID, "not a signer key (PRIVATE+KEY+...)");
    if (secret)
        p += 12;
    end = p + strcspn(p, "\n");
    if (*end && end[1])
        return err_set(e, ST_INVALID, "more than one line");
    if (!(plus = memchr(p, '+', (size_t)(end - p))) ||
        (size_t)(plus - p) >= sizeof(k->name))
        return err_set(e, ST_INVALID, "not a key: NAME+ID+KEY expected");
    memcpy(k->name, p, (size_t)(plus - p));
    if (!note_name_ok(k->name))
        return err_set(e, ST_INVALID, "bad key name '%s'", k->name);
    id = strtoul(plus + 1, &idend, 16);
    if (idend != plus + 9 || *idend != '+')
        return err_set(e, ST_INVALID, "bad key ID: 8 hex digits expected");
    if (from_base64(idend + 1, (size_t)(end - idend - 1), typed, sizeof(typed),
                    &n) ||
        n != 33 || typed[0] != NOTE_SIG_ED25519)
        return err_set(e, ST_INVALID,
                       "bad key: base64 of 0x01 and 32 bytes "
                       "expected");
    if (secret) {
        crypto_sign_seed_keypair(k->pub, k->secret, typed + 1);
        k->has_secret = 1;
    } else {
        memcpy(k->pub, typed + 1, 32);
    }
    sodium_memzero(typed, sizeof(typed));
    k->id = note_key_id(k, NOTE_SIG_ED25519);
    if (k->id != id)
        return err_set(e, ST_INVALID,
                       "key ID %08lx does not match the key (%08x)", id,
                       (unsigned)k->id);
    return ST_OK;
}

static enum status sig_line(const struct note_key *k, uint32_t id,
                            const unsigned char *extra, size_t n_extra,
                            const unsigned char *msg, size_t n, struct buf *b)
{
    unsigned char blob[4 + 8 + crypto_sign_BYTES];

    if (!k->has_secret)
        return ST_ERROR;
    for (int i = 0; i < 4; i++)
        blob[i] = (unsigned char)(id >> (24 - 8 * i));
    if (n_extra)
        memcpy(blob + 4, extra, n_extra);
    crypto_sign_detached(blob + 4 + n_extra, NULL, msg, n, k->secret);
    if (buf_addf(b, EM_DASH_SP "%s ", k->name) ||
        add_base64(b, blob, 4 + n_extra + crypto_sign_BYTES) ||
        buf_addch(b, '\n'))
        return ST_ERROR;
    return ST_OK;
}

enum status note_sign_line(const struct note_key *k, const char *text, size_t n,
                           struct buf *b)
{
    return sig_line(k, k->id, NULL, 0, (const unsigned char *)text, n, b);
}

/* The message a cosignature/v1 signs. */
static enum status cosigned_message(const char *text, size_t n, uint64_t t,
                                    struct buf *m)
{
    buf_reset(m);
    if (buf_addf(m, "cosignature/v1\ntime %llu\n", (unsigned long long)t) ||
        buf_add(m, text, n))
        return ST_ERROR;
    return ST_OK;
}

enum status note_cosign_line(const struct note_key *k, const char *text,
                             size_t n, uint64_t t, struct buf *b)
{
    unsigned char be[8];
    struct buf m;
    enum status rc;

    for (int i = 0; i < 8; i++)
        be[i] = (unsigned char)(t >> (56 - 8 * i));
    buf_init(&m, BUF_MAX_DEFAULT);
    rc = cosigned_message(text, n, t, &m);
    if (!rc)
        rc = sig_line(k, note_key_id(k, NOTE_SIG_COSIGN), be, sizeof(be),
                      (const unsigned char *)m.data, m.len, b);
    buf_release(&m);
    return rc;
}

enum status note_split(const char *note, size_t *text_len, struct err *e)
{
    const char *blank = NULL, *p = note;

    /* The last blank line separates the text from the signatures. */
    while ((p = strstr(p, "\n\n"))) {
        blank = p;
        p++;
    }
    if (!blank) {
        size_t n = strlen(note);

        if (!n || note[n - 1] != '\n')
            return err_set(e, ST_INVALID, "a note must end with a newline");
        *text_len = n;
        return ST_OK;
    }
    *text_len = (size_t)(blank - note) + 1;
    return ST_OK;
}

/* The signature blob of line (after its name) when it is k's; its length
 * in *n; 0, 1 when the line is someone else's, -1 when malformed. */
static int line_blob(const char *line, size_t len, const struct note_key *k,
                     uint32_t id, unsigned char *blob, size_t max, size_t *n)
{
    size_t name_len = strlen(k->name), dash = strlen(EM_DASH_SP);

    if (len < dash || memcmp(line, EM_DASH_SP, dash))
        return -1;
    line += dash;
    len -= dash;
    if (len <= name_len + 1 || memcmp(line, k->name, name_len) ||
        line[name_len] != ' ')
        return 1;
    if (from_base64(line + name_len + 1, len - name_len - 1, blob, max, n) ||
        *n < 4)
        return -1;
    if (((uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
         (uint32_t)blob[2] << 8 | blob[3]) != id)
        return 1;
    return 0;
}

static int check_blob(const unsigned char *blob, size_t n,
                      const struct note_key *k, const char *text,
                      size_t text_len, int cosign, uint64_t *time)
{
    struct buf m;
    uint64_t t = 0;
    int ok;

    if (!cosign)
        return n == 4 + crypto_sign_BYTES &&
               !crypto_sign_verify_detached(
                   blob + 4, (const unsigned char *)text, text_len, k->pub);
    if (n != 4 + 8 + crypto_sign_BYTES)
        return 0;
    for (int i = 0; i < 8; i++)
        t = t << 8 | blob[4 + i];
    buf_init(&m, BUF_MAX_DEFAULT);
    ok = !cosigned_message(text, text_len, t, &m) &&
         !crypto_sign_verify_detached(blob + 12, (const unsigned char *)m.data,
                                      m.len, k->pub);
    buf_release(&m);
    if (ok && time)
        *time = t;
    return ok;
}

enum status note_verify(const char *note, const struct note_key *k, int cosign,
                        uint64_t *time, struct err *e)
{
    uint32_t id = cosign ? note_key_id(k, NOTE_SIG_COSIGN) : k->id;
    size_t text_len = 0;
    const char *line;

    if (note_split(note, &text_len, e))
        return e->status;
    for (line = note + text_len + 1; text_len < strlen(note) && *line;) {
        size_t len = strcspn(line, "\n"), n = 0;
        unsigned char blob[4 + 8 + crypto_sign_BYTES + 4];
        int rc = line_blob(line, len, k, id, blob, sizeof(blob), &n);

        if (rc < 0)
            return err_set(e, ST_INVALID, "malformed signature line");
        if (!rc)
            return check_blob(blob, n, k, note, text_len, cosign, time)
                       ? ST_OK
                       : err_set(e, ST_INVALID, "bad %s by key '%s'",
                                 cosign ? "cosignature" : "signature", k->name);
        line += len + (line[len] == '\n');
    }
    return err_set(e, ST_INVALID, "no %s by key '%s' (key ID %08x)",
                   cosign ? "cosignature" : "signature", k->name, (unsigned)id);
}

enum status checkpoint_text(const struct checkpoint *c, struct buf *b)
{
    buf_reset(b);
    if (buf_addf(b, "%s\n%llu\n", c->origin, (unsigned long long)c->size) ||
        add_base64(b, c->root, NOTE_HASH) || buf_addch(b, '\n'))
        return ST_ERROR;
    return ST_OK;
}

/* Line i (0-based) of text, its length in *n; NULL past the end. */
static const char *line_at(const char *text, size_t text_len, int i, size_t *n)
{
    const char *p = text, *end = text + text_len;

    for (; i > 0 && p < end; i--) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));

        if (!nl)
            return NULL;
        p = nl + 1;
    }
    if (p >= end)
        return NULL;
    *n = strcspn(p, "\n");
    return p;
}

enum status checkpoint_parse(const char *note, struct checkpoint *c,
                             struct err *e)
{
    size_t text_len = 0, n[3] = { 0, 0, 0 }, root_n = 0;
    const char *l[3] = { NULL, NULL, NULL };
    char size[24];
    char *end;

    memset(c, 0, sizeof(*c));
    if (note_split(note, &text_len, e))
        return e->status;
    for (int i = 0; i < 3; i++)
        if (!(l[i] = line_at(note, text_len, i, &n[i])))
            return err_set(e, ST_INVALID,
                           "a checkpoint has an origin, a tree size and a "
                           "root hash, one a line");
    if (!n[0] || n[0] >= sizeof(c->origin))
        return err_set(e, ST_INVALID, "line 1: bad origin");
    memcpy(c->origin, l[0], n[0]);
    if (!n[1] || n[1] >= sizeof(size) || (n[1] > 1 && l[1][0] == '0') ||
        strspn(l[1], "0123456789") < n[1])
        return err_set(e, ST_INVALID, "line 2: bad tree size");
    memcpy(size, l[1], n[1]);
    size[n[1]] = '\0';
    c->size = strtoull(size, &end, 10);
    if (from_base64(l[2], n[2], c->root, sizeof(c->root), &root_n) ||
        root_n != NOTE_HASH)
        return err_set(e, ST_INVALID,
                       "line 3: bad root hash: base64 of 32 bytes expected");
    return ST_OK;
}
