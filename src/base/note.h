/*
 * C2SP signed notes and transparency-log checkpoints, for the verifiable
 * log (docs/registry.md, "The verifiable log"): the formats the
 * transparency-log world verifies with (Go's sumdb/note, sigsum,
 * transparency-dev witnesses), built on libsodium's Ed25519.
 *
 *   checkpoint (C2SP tlog-checkpoint): the note's text
 *       <origin>\n<tree size, decimal>\n<root hash, base64>\n
 *   signed note (C2SP signed-note): the text, a blank line, then a line
 *       "— <key name> <base64(key ID, 4 bytes || Ed25519 signature)>"
 *       per signature; the signature covers the text with its last \n
 *   key ID: the first 4 bytes of SHA-256(key name || \n || 0x01 || public
 *       key), big-endian
 *   verifier key: <key name>+<key ID, 8 hex digits>+<base64(0x01 || public
 *       key)>
 *   signer key: PRIVATE+KEY+<key name>+<key ID>+<base64(0x01 || seed)>
 *   cosignature (C2SP tlog-cosignature/v1): key ID over type 0x04, signing
 *       "cosignature/v1\ntime <seconds>\n" || checkpoint text, the line's
 *       base64 holding key ID || 8-byte big-endian time || signature
 */
#ifndef BASE_NOTE_H
#define BASE_NOTE_H

#include <stdint.h>

#include "base/buf.h"
#include "base/status.h"

#define NOTE_NAME_MAX    256
#define NOTE_HASH        32
#define NOTE_SIG_ED25519 0x01
#define NOTE_SIG_COSIGN  0x04

struct note_key {
    char name[NOTE_NAME_MAX];
    uint32_t id; /* of type 0x01 */
    unsigned char pub[32];
    unsigned char secret[64]; /* libsodium's: seed || public key */
    int has_secret;
};

/* 1 when name may name a key: not empty, no '+', no space or control
 * character, shorter than NOTE_NAME_MAX. */
int note_name_ok(const char *name);
/* A new Ed25519 key named name. */
enum status note_key_generate(const char *name, struct note_key *k,
                              struct err *e);
/* The key ID of k's name and public key for signature type type. */
uint32_t note_key_id(const struct note_key *k, unsigned char type);
/* The verifier key line (with \n) into b. */
enum status note_key_public_text(const struct note_key *k, struct buf *b);
/* The signer key line (with \n) into b. */
enum status note_key_secret_text(const struct note_key *k, struct buf *b);
/* Parses a verifier key, or a signer key when secret; ST_INVALID with a
 * message when malformed or its key ID does not match. */
enum status note_key_parse(const char *text, int secret, struct note_key *k,
                           struct err *e);

/* Appends the signature line of text (ending in \n) by k to b. */
enum status note_sign_line(const struct note_key *k, const char *text, size_t n,
                           struct buf *b);
/* Appends a cosignature/v1 line of checkpoint text by k at time t. */
enum status note_cosign_line(const struct note_key *k, const char *text,
                             size_t n, uint64_t t, struct buf *b);

/* Splits a note: *text_len is the length of its text (with its last \n);
 * the signature lines follow a blank line. ST_INVALID when malformed. */
enum status note_split(const char *note, size_t *text_len, struct err *e);
/* Checks that note carries a valid signature by k (by name and key ID);
 * ST_INVALID when it has none or a bad one. With cosign, a cosignature
 * (OUT: *time) rather than a signature. */
enum status note_verify(const char *note, const struct note_key *k, int cosign,
                        uint64_t *time, struct err *e);

struct checkpoint {
    char origin[NOTE_NAME_MAX];
    uint64_t size;
    unsigned char root[NOTE_HASH];
};

/* The checkpoint's text into b (emptied first). */
enum status checkpoint_text(const struct checkpoint *c, struct buf *b);
/* Parses the text of a note as a checkpoint (extension lines ignored). */
enum status checkpoint_parse(const char *note, struct checkpoint *c,
                             struct err *e);

#endif
