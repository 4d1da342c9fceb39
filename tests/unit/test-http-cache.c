/*
 * Unit tests for the answer cache of `chancery serve` (src/http/cache.c):
 * what it keeps and, above all, what it lets go. Its answers are keyed on
 * the change log's head of the registry they were rendered from, so once
 * a write moved the head, no request asks for an older answer again: the
 * cache must free them at once rather than hold thousands of them in its
 * slots until other keys land there (a long-running server under writes
 * grew so). The test reads the cache's own count and bytes.
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

#include "http/cache.h"

/* Keeps an answer of len bytes for key at head seq. */
static void put(struct answer_cache *c, const char *key, int64_t seq,
                size_t len)
{
    struct buf body;

    buf_init(&body, BUF_MAX_DEFAULT);
    for (size_t i = 0; i < len; i++)
        buf_add(&body, "x", 1);
    cache_put(c, key, seq, &body, "application/json");
    buf_release(&body);
}

static void expect(struct answer_cache *c, size_t count, size_t bytes)
{
    size_t n, b;

    cache_stats(c, &n, &b);
    assert_int_equal(n, count);
    assert_int_equal(b, bytes);
}

static void test_cache_keeps_one_head(void **state)
{
    struct answer_cache c;
    char key[64];

    (void)state;
    cache_init(&c);
    expect(&c, 0, 0);
    put(&c, "GET /a\n7", 7, 100);
    put(&c, "GET /b\n7", 7, 50);
    expect(&c, 2, 150);
    /* A newer head frees the older answers at once. */
    put(&c, "GET /a\n8", 8, 10);
    expect(&c, 1, 10);
    /* A request still on an older registry: its answer is not kept, and
     * the newer one stays. */
    put(&c, "GET /b\n7", 7, 30);
    expect(&c, 1, 10);
    /* Many heads, as under a steady write load: one head's answers. */
    for (int64_t seq = 9; seq < 2009; seq++) {
        snprintf(key, sizeof(key), "GET /a\n%lld", (long long)seq);
        put(&c, key, seq, 200);
        snprintf(key, sizeof(key), "GET /b\n%lld", (long long)seq);
        put(&c, key, seq, 300);
    }
    expect(&c, 2, 500);
    cache_release(&c);
}

static void test_cache_same_key_replaced(void **state)
{
    struct answer_cache c;

    (void)state;
    cache_init(&c);
    put(&c, "GET /a\n1", 1, 100);
    put(&c, "GET /a\n1", 1, 40);
    expect(&c, 1, 40);
    /* Too large an answer is not kept. */
    put(&c, "GET /big\n1", 1, CACHE_ANSWER_MAX + 1);
    expect(&c, 1, 40);
    cache_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_keeps_one_head),
        cmocka_unit_test(test_cache_same_key_replaced),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
