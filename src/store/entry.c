/*
 * The change-log entry's encoding and hashes (store/tlog.h). The encoding
 * is built in a buffer once and fed to both hashes: the chain's BLAKE2b
 * (what `audit verify` has always checked) and the Merkle leaf's SHA-256
 * (what a checkpoint commits to, in the hash the transparency-log world
 * verifies with). Encoding 1, the chain before schema 6, is kept only for
 * migration 6 to check the old chain before re-encoding it.
 */
#include <pthread.h>
#include <sodium.h>

#include "store/tlog.h"

/* libsodium picks its fastest BLAKE2b (AVX2, SSE4.1...) in sodium_init;
 * until then it runs the portable one, a third slower on an import. */
static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_start(void)
{
    /* Fails only without a source of randomness, which hashing needs not:
     * the portable BLAKE2b then gives the same hashes. */
    if (sodium_init() < 0)
        return;
}

static void put_u32(struct buf *b, uint32_t v)
{
    unsigned char be[4] = { v >> 24, v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff };

    buf_add(b, be, sizeof(be));
}

enum status entry_encode(const struct log_fields *f, struct buf *b)
{
    const char *parts[] = { f->recorded, f->actor,  f->op,    f->entity,
                            f->key,      f->before, f->after, f->reason };
    unsigned char head[9];
    uint64_t seq = (uint64_t)f->seq;
    enum status rc;

    buf_reset(b);
    head[0] = ENTRY_ENCODING;
    for (int i = 0; i < 8; i++)
        head[1 + i] = (unsigned char)(seq >> (56 - 8 * i));
    rc = buf_add(b, head, sizeof(head));
    for (size_t i = 0; !rc && i < sizeof(parts) / sizeof(parts[0]); i++) {
        size_t n = parts[i] ? strlen(parts[i]) : 0;

        if (n > UINT32_MAX)
            return ST_INVALID;
        rc = buf_addch(b, parts[i] ? 1 : 0);
        if (!rc && parts[i]) {
            put_u32(b, (uint32_t)n);
            rc = buf_add(b, parts[i], n);
        }
    }
    return rc;
}

void entry_hashes_raw(const unsigned char *prev, const struct buf *enc,
                      unsigned char chain[HASH_BYTES],
                      unsigned char leaf[HASH_BYTES])
{
    crypto_generichash_state h;

    pthread_once(&sodium_once, sodium_start);
    crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
    if (prev)
        crypto_generichash_update(&h, prev, HASH_BYTES);
    crypto_generichash_update(&h, (const unsigned char *)enc->data, enc->len);
    crypto_generichash_final(&h, chain, HASH_BYTES);
    merkle_leaf_hash(enc->data, enc->len, leaf);
}

void entry_hashes(const char *prev_hex, const struct buf *enc,
                  unsigned char chain[HASH_BYTES],
                  unsigned char leaf[HASH_BYTES])
{
    unsigned char prev[HASH_BYTES];
    int has_prev = prev_hex && *prev_hex && !hash_from_hex(prev_hex, prev);

    entry_hashes_raw(has_prev ? prev : NULL, enc, chain, leaf);
}

void change_hash(const char *prev_hex, const struct log_fields *f,
                 unsigned char digest[HASH_BYTES])
{
    struct buf enc;
    unsigned char leaf[HASH_BYTES];

    buf_init(&enc, BUF_MAX_DEFAULT);
    if (entry_encode(f, &enc))
        memset(digest, 0, HASH_BYTES); /* matches no stored hash */
    else
        entry_hashes(prev_hex, &enc, digest, leaf);
    buf_release(&enc);
}

static void v1_add(crypto_generichash_state *h, const char *text)
{
    crypto_generichash_update(h, (const unsigned char *)text, strlen(text));
}

void change_hash_v1(const char *prev_hex, const struct log_fields *f,
                    unsigned char digest[HASH_BYTES])
{
    const char *parts[] = { f->recorded, f->actor,  f->op,    f->entity,
                            f->key,      f->before, f->after, f->reason };
    crypto_generichash_state h;
    char seq[24];

    snprintf(seq, sizeof(seq), "%lld", (long long)f->seq);
    crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
    v1_add(&h, prev_hex);
    v1_add(&h, "\x1f");
    v1_add(&h, seq);
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        v1_add(&h, "\x1f");
        v1_add(&h, parts[i] ? parts[i] : "\x1e");
    }
    crypto_generichash_final(&h, digest, HASH_BYTES);
}
