/*
 * Unit tests for base/note: C2SP signed notes, keys and checkpoints,
 * against the reference vector of Go's golang.org/x/mod/sumdb/note (the
 * PeterNeumann signer and verifier keys and the note they sign; data
 * copied, not code). Ed25519 signatures are deterministic, so chancery's
 * signature line must be that note's byte for byte: then any Go-ecosystem
 * witness or verifier reads chancery's checkpoints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above; project headers come last because they
 * pull in base/banned.h. */
#include <cmocka.h>
#include <sodium.h>

#include "base/note.h"

static const char PETER_SKEY[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char PETER_VKEY[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char ENOCH_VKEY[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
/* A verifier key whose base64 holds a '+'. */
static const char PLUS_VKEY[] =
    "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6";
static const char TEXT[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
static const char SIG_LINE[] =
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
    "tpRZb6KE6RyyBwJnAM=\n";

static void test_go_vector(void **state)
{
    struct note_key k, v;
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 1 << 16);
    assert_int_equal(note_key_parse(PETER_SKEY, 1, &k, &e), ST_OK);
    assert_string_equal(k.name, "PeterNeumann");
    assert_int_equal(k.id, 0xc74f20a3);
    assert_int_equal(note_key_public_text(&k, &b), ST_OK);
    assert_string_equal(b.data, "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhK"
                                "qiBfsVkmqq/LDE4izWy10TW\n");
    assert_int_equal(note_key_secret_text(&k, &b), ST_OK);
    assert_int_equal(strncmp(b.data, PETER_SKEY, strlen(PETER_SKEY)), 0);
    buf_reset(&b);
    assert_int_equal(note_sign_line(&k, TEXT, strlen(TEXT), &b), ST_OK);
    assert_string_equal(b.data, SIG_LINE);

    buf_reset(&b);
    buf_addf(&b, "%s\n%s", TEXT, SIG_LINE);
    assert_int_equal(note_key_parse(PETER_VKEY, 0, &v, &e), ST_OK);
    assert_int_equal(note_verify(b.data, &v, 0, NULL, &e), ST_OK);
    assert_int_equal(note_key_parse(ENOCH_VKEY, 0, &v, &e), ST_OK);
    assert_int_equal(note_verify(b.data, &v, 0, NULL, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "no signature by key 'EnochRoot'"));
    /* The text changed by one letter: the signature no longer holds. */
    b.data[3] = 'X';
    assert_int_equal(note_key_parse(PETER_VKEY, 0, &v, &e), ST_OK);
    assert_int_equal(note_verify(b.data, &v, 0, NULL, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "bad signature"));
    buf_release(&b);
}

static void test_key_parsing(void **state)
{
    struct note_key k;
    struct err e;
    char bad[sizeof(PETER_VKEY)];

    (void)state;
    assert_int_equal(note_key_parse(PLUS_VKEY, 0, &k, &e), ST_OK);
    assert_int_equal(k.id, 0x7997405c);
    /* A key ID that does not match, a secret key read as public and the
     * reverse, a cut key and a bad name are all refused. */
    memcpy(bad, PETER_VKEY, sizeof(bad));
    bad[13] = bad[13] == '0' ? '1' : '0';
    assert_int_equal(note_key_parse(bad, 0, &k, &e), ST_INVALID);
    assert_int_equal(note_key_parse(PETER_SKEY, 0, &k, &e), ST_INVALID);
    assert_int_equal(note_key_parse(PETER_VKEY, 1, &k, &e), ST_INVALID);
    assert_int_equal(note_key_parse("PeterNeumann+c74f20a3+ARpc2Qc", 0, &k, &e),
                     ST_INVALID);
    assert_int_equal(note_key_parse("", 0, &k, &e), ST_INVALID);
    assert_false(note_name_ok("a b"));
    assert_false(note_name_ok("a+b"));
    assert_false(note_name_ok(""));
    assert_true(note_name_ok("state.gov/registry"));
    assert_int_equal(note_key_generate("a+b", &k, &e), ST_INVALID);
}

static void test_cosignature(void **state)
{
    struct note_key log, witness, other;
    struct buf b;
    struct err e;
    uint64_t t = 0;

    (void)state;
    buf_init(&b, 1 << 16);
    assert_int_equal(note_key_generate("us.example/registry", &log, &e), 0);
    assert_int_equal(note_key_generate("ru.example/witness", &witness, &e), 0);
    assert_int_equal(note_key_generate("ru.example/witness", &other, &e), 0);
    buf_addf(&b, "us.example/registry\n5\nAAAA\n\n");
    note_sign_line(&log, b.data, b.len - 1, &b);
    note_cosign_line(&witness, b.data, 27, 1638576000, &b);
    assert_int_equal(note_verify(b.data, &log, 0, NULL, &e), ST_OK);
    assert_int_equal(note_verify(b.data, &witness, 1, &t, &e), ST_OK);
    assert_int_equal(t, 1638576000);
    /* A cosignature is no signature, and a key of the same name is not the
     * witness's. */
    assert_int_equal(note_verify(b.data, &witness, 0, NULL, &e), ST_INVALID);
    assert_int_equal(note_verify(b.data, &other, 1, NULL, &e), ST_INVALID);
    buf_release(&b);
}

static void test_checkpoint(void **state)
{
    static const char *const bad[] = {
        "o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n1\nAAAA\n",
        "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "o\n1\n",
        "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    };
    struct checkpoint c, d;
    struct buf b;
    struct err e;

    (void)state;
    memset(&c, 0, sizeof(c));
    snprintf(c.origin, sizeof(c.origin), "us.example/registry");
    c.size = 20852163;
    for (int i = 0; i < NOTE_HASH; i++)
        c.root[i] = (unsigned char)(i * 7);
    buf_init(&b, 1 << 16);
    assert_int_equal(checkpoint_text(&c, &b), ST_OK);
    assert_int_equal(strncmp(b.data, "us.example/registry\n20852163\n", 29), 0);
    assert_int_equal(checkpoint_parse(b.data, &d, &e), ST_OK);
    assert_memory_equal(&c, &d, sizeof(c));
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_int_equal(checkpoint_parse(bad[i], &d, &e), ST_INVALID);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_go_vector),
        cmocka_unit_test(test_key_parsing),
        cmocka_unit_test(test_cosignature),
        cmocka_unit_test(test_checkpoint),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
