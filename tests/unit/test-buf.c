/*
 * Unit tests for the small memory modules of base/: buf (bounded growable
 * strings), arena (strings and objects freed in one call) and problems
 * (bounded lists of error messages).
 *
 * Each of them carries a promise that hostile input relies on: a buffer
 * refuses to pass its maximum and is left exactly as it was, an arena hands
 * out aligned, non-overlapping memory however large the request, and a
 * problem list keeps a bounded number of messages while counting them all.
 * Under `make asan` these tests also check that nothing is written out of
 * bounds or leaked.
 */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above; project headers come last because they
 * pull in base/banned.h. */
#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/problems.h"

static void test_buf_init(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 100);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    buf_release(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_buf_appends(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, BUF_MAX_DEFAULT);
    assert_int_equal(buf_add(&b, "abcdef", 3), ST_OK);
    assert_int_equal(buf_addstr(&b, "-"), ST_OK);
    assert_int_equal(buf_addch(&b, 'x'), ST_OK);
    assert_int_equal(buf_addf(&b, "[%d|%s|%05.1f]", 42, "Лавров", 2.5), ST_OK);
    assert_int_equal(buf_addstr(&b, ""), ST_OK);
    assert_int_equal(buf_addf(&b, "%s", ""), ST_OK);
    assert_string_equal(b.data, "abc-x[42|Лавров|002.5]");
    assert_int_equal(b.len, strlen("abc-x[42|Лавров|002.5]"));

    /* Bytes are bytes: a NUL inside counts and the end is terminated. */
    assert_int_equal(buf_add(&b, "a\0b", 3), ST_OK);
    assert_int_equal(b.len, strlen("abc-x[42|Лавров|002.5]") + 3);
    assert_memory_equal(b.data + b.len - 3, "a\0b", 3);
    assert_int_equal(b.data[b.len], '\0');
    buf_release(&b);
}

static void test_buf_growth(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, BUF_MAX_DEFAULT);
    for (int i = 0; i < 100000; i++) {
        assert_int_equal(buf_addch(&b, (char)('a' + i % 26)), ST_OK);
        assert_int_equal(b.data[b.len], '\0');
    }
    assert_int_equal(b.len, 100000);
    assert_true(b.alloc > b.len);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(b.data[i], 'a' + i % 26);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(buf_addf(&b, "%d,", i), ST_OK);
    assert_memory_equal(b.data + 100000, "0,1,2,", 6);
    assert_string_equal(b.data + b.len - 5, "9999,");
    buf_release(&b);
}

/* Checks that b still holds exactly text. */
static void expect_contents(const struct buf *b, const char *text)
{
    assert_int_equal(b->len, strlen(text));
    assert_string_equal(b->data, text);
}

static void test_buf_max(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 10);
    assert_int_equal(buf_addstr(&b, "12345"), ST_OK);
    /* Each refused append leaves the buffer as it was. */
    assert_int_equal(buf_addstr(&b, "abcdef"), ST_INVALID);
    expect_contents(&b, "12345");
    assert_int_equal(buf_add(&b, "abcdefghijklmnop", 6), ST_INVALID);
    expect_contents(&b, "12345");
    assert_int_equal(buf_addf(&b, "%d", 123456), ST_INVALID);
    expect_contents(&b, "12345");
    assert_int_equal(buf_addf(&b, "%s-%s", "abc", "de"), ST_INVALID);
    expect_contents(&b, "12345");
    /* Exactly up to the maximum is allowed. */
    assert_int_equal(buf_addf(&b, "%d", 6789), ST_OK);
    assert_int_equal(buf_addch(&b, '0'), ST_OK);
    expect_contents(&b, "1234567890");
    assert_int_equal(buf_addch(&b, '!'), ST_INVALID);
    assert_int_equal(buf_add(&b, "", 0), ST_OK);
    expect_contents(&b, "1234567890");
    /* After a reset the room is there again. */
    buf_reset(&b);
    assert_int_equal(buf_addstr(&b, "abcdefghij"), ST_OK);
    assert_int_equal(buf_addstr(&b, "k"), ST_INVALID);
    expect_contents(&b, "abcdefghij");
    buf_release(&b);

    /* A maximum of zero admits nothing but nothing. */
    buf_init(&b, 0);
    assert_int_equal(buf_addch(&b, 'x'), ST_INVALID);
    assert_int_equal(buf_addstr(&b, ""), ST_OK);
    expect_contents(&b, "");
    buf_release(&b);
}

static void test_buf_detach(void **state)
{
    struct buf b;
    char *text;

    (void)state;
    buf_init(&b, 50);
    buf_addstr(&b, "registry");
    text = buf_detach(&b);
    assert_string_equal(text, "registry");
    /* b is empty, usable, and keeps its maximum. */
    expect_contents(&b, "");
    assert_int_equal(b.max, 50);
    assert_ptr_not_equal(b.data, text);
    buf_addstr(&b, "next");
    expect_contents(&b, "next");
    assert_string_equal(text, "registry");
    free(text);
    buf_release(&b);
}

static void test_buf_reset(void **state)
{
    struct buf b;
    size_t alloc;
    char *data;

    (void)state;
    buf_init(&b, BUF_MAX_DEFAULT);
    for (int i = 0; i < 1000; i++)
        buf_addstr(&b, "0123456789");
    data = b.data;
    alloc = b.alloc;
    buf_reset(&b);
    expect_contents(&b, "");
    /* The allocation is kept for reuse. */
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.alloc, alloc);
    buf_addstr(&b, "again");
    expect_contents(&b, "again");
    buf_release(&b);
}

static int is_aligned(const void *p)
{
    return (uintptr_t)p % alignof(max_align_t) == 0;
}

/* arena_used counts what was handed out, across blocks and beside a
 * large request's block of its own (compaction of `serve` reads it). */
static void test_arena_used(void **state)
{
    struct arena a;
    size_t before;

    (void)state;
    arena_init(&a);
    assert_int_equal(arena_used(&a), 0);
    arena_strdup(&a, "abc");
    assert_int_equal(arena_used(&a), 4);
    arena_strndup(&a, "abcdef", 2);
    assert_int_equal(arena_used(&a), 7);
    for (int i = 0; i < 100000; i++) /* past the first blocks */
        arena_strdup(&a, "0123456789");
    assert_true(arena_used(&a) >= 7 + 100000 * 11);
    assert_true(arena_used(&a) < 7 + 100000 * 11 + (256 << 10));
    before = arena_used(&a);
    arena_alloc(&a, (size_t)8 << 20); /* a block of its own */
    assert_true(arena_used(&a) >= before + ((size_t)8 << 20));
    arena_release(&a);
    assert_int_equal(arena_used(&a), 0);
}

static void test_arena_many_allocations(void **state)
{
    enum { N = 200000 };
    static char *strings[N];
    char want[32];
    struct arena a;

    (void)state;
    arena_init(&a);
    /* About 3 MiB in small strings: several blocks. */
    for (int i = 0; i < N; i++) {
        snprintf(want, sizeof(want), "string-%d", i);
        strings[i] = arena_strdup(&a, want);
    }
    for (int i = 0; i < N; i++) {
        snprintf(want, sizeof(want), "string-%d", i);
        assert_string_equal(strings[i], want);
    }
    arena_release(&a);
    assert_null(a.head);
    /* A released arena is empty and usable. */
    assert_string_equal(arena_strdup(&a, "again"), "again");
    arena_release(&a);
}

static void test_arena_strndup(void **state)
{
    struct arena a;
    char *s;

    (void)state;
    arena_init(&a);
    s = arena_strndup(&a, "Embassy of Russia", 7);
    assert_string_equal(s, "Embassy");
    assert_string_equal(arena_strndup(&a, "abc", 0), "");
    assert_string_equal(arena_strdup(&a, ""), "");
    assert_string_equal(s, "Embassy");
    arena_release(&a);
}

static void test_arena_alignment(void **state)
{
    static const size_t sizes[] = { 1, 3, 7, 8, 9, 15, 16, 17, 33, 100, 0, 5 };
    unsigned char *prev = NULL;
    size_t prev_size = 0;
    struct arena a;

    (void)state;
    arena_init(&a);
    for (int round = 0; round < 20000; round++) {
        size_t size = sizes[round % (sizeof(sizes) / sizeof(sizes[0]))];
        unsigned char *p = arena_alloc(&a, size);

        if (!is_aligned(p))
            fail_msg("arena_alloc(%zu) at %p is not aligned", size, (void *)p);
        memset(p, 0xAB, size);
        /* A new allocation never overlaps the one before. */
        if (prev && p > prev)
            assert_true(p >= prev + prev_size);
        prev = p;
        prev_size = size;
        /* Strings of odd lengths between allocations shift the cursor. */
        arena_strndup(&a, "xyz", (size_t)round % 4);
    }
    arena_release(&a);
}

static void test_arena_large_allocation(void **state)
{
    const size_t big = ((size_t)3 << 20) + 5;
    unsigned char *first, *large, *after, *lead;
    struct arena a;

    (void)state;
    arena_init(&a);
    first = arena_alloc(&a, 100);
    memset(first, 1, 100);
    large = arena_alloc(&a, big);
    assert_true(is_aligned(large));
    memset(large, 2, big);
    /* The block being filled is kept: small allocations go on after it. */
    after = arena_alloc(&a, 100);
    assert_true(is_aligned(after));
    memset(after, 3, 100);
    assert_true(after > first && after < first + ((size_t)1 << 20));
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(first[i], 1);
    for (size_t i = 0; i < big; i += 4093)
        assert_int_equal(large[i], 2);
    assert_int_equal(large[big - 1], 2);
    arena_release(&a);

    /* A large allocation into an empty arena, then small ones. */
    arena_init(&a);
    lead = arena_alloc(&a, big);
    assert_true(is_aligned(lead));
    memset(lead, 4, big);
    for (int i = 0; i < 1000; i++) {
        unsigned char *p = arena_alloc(&a, 1000);

        assert_true(is_aligned(p));
        memset(p, 5, 1000);
    }
    assert_int_equal(lead[0], 4);
    assert_int_equal(lead[big - 1], 4);
    arena_release(&a);
}

static void test_problems(void **state)
{
    struct problems p;

    (void)state;
    problems_init(&p);
    assert_int_equal(p.n_kept, 0);
    assert_int_equal(p.n_total, 0);
    for (int i = 0; i < PROBLEMS_KEEP + 500; i++)
        problems_add(&p, "missions.csv:%d: column '%s': bad", i + 2, "kind");
    assert_int_equal(p.n_total, PROBLEMS_KEEP + 500);
    assert_int_equal(p.n_kept, PROBLEMS_KEEP);
    /* The first messages are kept, in order. */
    assert_string_equal(p.msgs[0], "missions.csv:2: column 'kind': bad");
    assert_string_equal(p.msgs[PROBLEMS_KEEP - 1],
                        "missions.csv:1001: column 'kind': bad");
    problems_release(&p);
    assert_int_equal(p.n_kept, 0);
    assert_int_equal(p.n_total, 0);
    assert_null(p.msgs);
}

static void test_problems_long_message(void **state)
{
    static char long_text[3 * ERR_MSG_MAX];
    struct problems p;

    (void)state;
    memset(long_text, 'x', sizeof(long_text) - 1);
    problems_init(&p);
    problems_add(&p, "%s", long_text);
    problems_add(&p, "short");
    assert_int_equal(p.n_kept, 2);
    /* A long message is cut at ERR_MSG_MAX, not lost or overflowed. */
    assert_int_equal(strlen(p.msgs[0]), ERR_MSG_MAX - 1);
    assert_string_equal(p.msgs[1], "short");
    problems_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_init),
        cmocka_unit_test(test_buf_appends),
        cmocka_unit_test(test_buf_growth),
        cmocka_unit_test(test_buf_max),
        cmocka_unit_test(test_buf_detach),
        cmocka_unit_test(test_buf_reset),
        cmocka_unit_test(test_arena_used),
        cmocka_unit_test(test_arena_many_allocations),
        cmocka_unit_test(test_arena_strndup),
        cmocka_unit_test(test_arena_alignment),
        cmocka_unit_test(test_arena_large_allocation),
        cmocka_unit_test(test_problems),
        cmocka_unit_test(test_problems_long_message),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
