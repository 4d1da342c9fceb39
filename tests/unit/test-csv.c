/*
 * Unit tests for base/csv: the reader on real files and the field writer.
 *
 * The reader is what every import stands on, and its own work is what
 * libcsv leaves to it: the line each record starts on (which must stay
 * right after a quoted field that spans lines, with CRLF endings, blank
 * lines and a byte order mark), and the checks that turn bad input into
 * "FILE:LINE: message" errors. The writer must quote exactly when it has to,
 * and anything it writes must read back as the same fields, which a
 * randomized round trip checks.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka needs the headers above; project headers come last because they
 * pull in base/banned.h. */
#include <cmocka.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/xalloc.h"

/* The records a read delivered, each with its fields and line. */
struct record {
    char **fields;
    size_t n_fields;
    unsigned long line;
};

struct records {
    struct record *items;
    size_t n, alloc;
    size_t stop_after; /* return ST_NOT_FOUND after this many; 0: never */
};

struct fixture {
    char dir[64];
    char path[128];
    struct records got;
    struct err e;
};

static enum status collect(const struct csv_record *rec, void *ctx)
{
    struct records *r = ctx;
    struct record *out;

    XGROW(r->items, r->n + 1, r->alloc);
    out = &r->items[r->n++];
    out->fields = xcalloc(rec->n_fields, sizeof(*out->fields));
    out->n_fields = rec->n_fields;
    out->line = rec->line;
    for (size_t i = 0; i < rec->n_fields; i++)
        out->fields[i] = xstrdup(rec->fields[i]);
    if (r->stop_after && r->n == r->stop_after)
        return ST_NOT_FOUND;
    return ST_OK;
}

/* Frees the records, keeping stop_after. */
static void records_release(struct records *r)
{
    size_t stop_after = r->stop_after;

    for (size_t i = 0; i < r->n; i++) {
        for (size_t k = 0; k < r->items[i].n_fields; k++)
            free(r->items[i].fields[k]);
        free(r->items[i].fields);
    }
    free(r->items);
    memset(r, 0, sizeof(*r));
    r->stop_after = stop_after;
}

static int setup(void **state)
{
    struct fixture *fx = xcalloc(1, sizeof(*fx));

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/chancery-test-csv-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(fx->path, sizeof(fx->path), "%s/in.csv", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    records_release(&fx->got);
    unlink(fx->path);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* Writes n bytes to the fixture's file (NUL bytes included). */
static void write_file(struct fixture *fx, const char *data, size_t n)
{
    FILE *f = fopen(fx->path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Writes text to the file and reads it back; returns csv_read_file's
 * status, with the records in fx->got and the error in fx->e. */
static enum status read_text(struct fixture *fx, const char *text)
{
    records_release(&fx->got);
    err_clear(&fx->e);
    write_file(fx, text, strlen(text));
    return csv_read_file(fx->path, collect, &fx->got, &fx->e);
}

static void read_ok(struct fixture *fx, const char *text)
{
    enum status st = read_text(fx, text);

    if (st != ST_OK)
        fail_msg("reading failed (%d): %s", (int)st, fx->e.msg);
}

/* Checks record i: its line and its fields joined by '|'. */
static void expect_record(const struct fixture *fx, size_t i,
                          unsigned long line, const char *joined)
{
    struct buf b;

    assert_true(i < fx->got.n);
    buf_init(&b, BUF_MAX_DEFAULT);
    for (size_t k = 0; k < fx->got.items[i].n_fields; k++) {
        if (k)
            buf_addch(&b, '|');
        buf_addstr(&b, fx->got.items[i].fields[k]);
    }
    assert_string_equal(b.data, joined);
    assert_int_equal(fx->got.items[i].line, line);
    buf_release(&b);
}

/* Checks that reading text fails with status and "PATH:msg". */
static void expect_error(struct fixture *fx, const char *text, size_t n,
                         enum status status, const char *msg)
{
    char want[ERR_MSG_MAX];

    records_release(&fx->got);
    err_clear(&fx->e);
    write_file(fx, text, n);
    assert_int_equal(csv_read_file(fx->path, collect, &fx->got, &fx->e),
                     status);
    assert_int_equal(fx->e.status, status);
    snprintf(want, sizeof(want), "%s:%s", fx->path, msg);
    assert_string_equal(fx->e.msg, want);
}

static void test_header_and_rows(void **state)
{
    struct fixture *fx = *state;

    read_ok(fx, "id,name,city\nM1,Embassy,Moscow\nM2,Consulate,Vladivostok\n");
    assert_int_equal(fx->got.n, 3);
    expect_record(fx, 0, 1, "id|name|city");
    expect_record(fx, 1, 2, "M1|Embassy|Moscow");
    expect_record(fx, 2, 3, "M2|Consulate|Vladivostok");
    assert_int_equal(fx->got.items[1].n_fields, 3);

    /* The last record needs no line feed. */
    read_ok(fx, "a,b\nc,d");
    assert_int_equal(fx->got.n, 2);
    expect_record(fx, 1, 2, "c|d");

    /* An empty file has no records at all. */
    read_ok(fx, "");
    assert_int_equal(fx->got.n, 0);
}

static void test_quoted_field_spanning_lines(void **state)
{
    struct fixture *fx = *state;

    read_ok(fx, "id,note\n"
                "P1,\"two\nlines\"\n"
                "P2,x\n"
                "P3,\"three\n\nlines\",tail\n"
                "\"P4\nsplit\",\"a\nb\"\n"
                "P5,y\n");
    assert_int_equal(fx->got.n, 6);
    expect_record(fx, 0, 1, "id|note");
    expect_record(fx, 1, 2, "P1|two\nlines");
    expect_record(fx, 2, 4, "P2|x");
    expect_record(fx, 3, 5, "P3|three\n\nlines|tail");
    expect_record(fx, 4, 8, "P4\nsplit|a\nb");
    expect_record(fx, 5, 11, "P5|y");
}

static void test_crlf_and_blank_lines(void **state)
{
    struct fixture *fx = *state;

    read_ok(fx, "a,b\r\nc,d\r\n\r\ne,f\r\n");
    assert_int_equal(fx->got.n, 3);
    expect_record(fx, 0, 1, "a|b");
    expect_record(fx, 1, 2, "c|d");
    expect_record(fx, 2, 4, "e|f");

    /* A CRLF inside quotes is kept, and still counts as one line. */
    read_ok(fx, "x,\"1\r\n2\"\r\ny,z\r\n");
    assert_int_equal(fx->got.n, 2);
    expect_record(fx, 0, 1, "x|1\r\n2");
    expect_record(fx, 1, 3, "y|z");

    read_ok(fx, "\n\na,b\n\n\nc,d\n\n\n");
    assert_int_equal(fx->got.n, 2);
    expect_record(fx, 0, 3, "a|b");
    expect_record(fx, 1, 6, "c|d");
}

static void test_byte_order_mark(void **state)
{
    struct fixture *fx = *state;

    read_ok(fx, "\xEF\xBB\xBFid,name\nM1,x\n");
    assert_int_equal(fx->got.n, 2);
    expect_record(fx, 0, 1, "id|name");
    expect_record(fx, 1, 2, "M1|x");

    /* Only a mark at the very start is dropped: elsewhere it is text. */
    read_ok(fx, "id,name\n\xEF\xBB\xBFM1,x\n");
    expect_record(fx, 1, 2, "\xEF\xBB\xBFM1|x");
}

static void test_quoting(void **state)
{
    struct fixture *fx = *state;

    read_ok(fx, "\"a,b\",\"say \"\"hi\"\"\",plain,\"\"\"\"\n");
    assert_int_equal(fx->got.n, 1);
    assert_int_equal(fx->got.items[0].n_fields, 4);
    assert_string_equal(fx->got.items[0].fields[0], "a,b");
    assert_string_equal(fx->got.items[0].fields[1], "say \"hi\"");
    assert_string_equal(fx->got.items[0].fields[2], "plain");
    assert_string_equal(fx->got.items[0].fields[3], "\"");
}

static void test_empty_fields(void **state)
{
    struct fixture *fx = *state;

    read_ok(fx, ",,\na,,b\n\"\",x\nlast,\n");
    assert_int_equal(fx->got.n, 4);
    assert_int_equal(fx->got.items[0].n_fields, 3);
    expect_record(fx, 0, 1, "||");
    expect_record(fx, 1, 2, "a||b");
    expect_record(fx, 2, 3, "|x");
    assert_int_equal(fx->got.items[3].n_fields, 2);
    expect_record(fx, 3, 4, "last|");
}

static void test_valid_utf8_accepted(void **state)
{
    struct fixture *fx = *state;

    /* Two-, three- and four-byte sequences at the edges of the ranges. */
    read_ok(fx, "Лавров,€,\xF0\x9D\x84\x9E,\xC2\x80,\xED\x9F\xBF,"
                "\xEE\x80\x80,\xF4\x8F\xBF\xBF\n");
    expect_record(fx, 0, 1,
                  "Лавров|€|\xF0\x9D\x84\x9E|\xC2\x80|\xED\x9F\xBF|"
                  "\xEE\x80\x80|\xF4\x8F\xBF\xBF");
}

static void test_invalid_utf8(void **state)
{
    static const char *const bad[] = {
        "\xFF",             /* never valid */
        "\x80",             /* a continuation byte alone */
        "\xC0\xAF",         /* an overlong '/' */
        "\xE0\x80\xAF",     /* an overlong '/' in three bytes */
        "\xF0\x80\x80\xAF", /* an overlong '/' in four bytes */
        "\xE2\x82",         /* a truncated euro sign */
        "\xE2\x82x",        /* a euro sign cut by an ASCII byte */
        "\xED\xA0\x80",     /* a UTF-16 surrogate, U+D800 */
        "\xED\xBF\xBF",     /* a UTF-16 surrogate, U+DFFF */
        "\xF4\x90\x80\x80", /* U+110000, past the last code point */
        "\xF5\x80\x80\x80", /* a lead byte past U+10FFFF */
    };
    struct fixture *fx = *state;
    char text[128];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), "a,b\nc,d\ne,x%sy\n", bad[i]);
        expect_error(fx, text, strlen(text), ST_INVALID,
                     "3: column 'b': invalid UTF-8");
    }
    /* The line counts the lines of a quoted field before it. */
    snprintf(text, sizeof(text), "a,b\n\"c\nd\",e\nf,\xFF\n");
    expect_error(fx, text, strlen(text), ST_INVALID,
                 "4: column 'b': invalid UTF-8");
    /* A bad byte in the header is on line 1, in a column named by number. */
    snprintf(text, sizeof(text), "\xC3(,b\n");
    expect_error(fx, text, strlen(text), ST_INVALID,
                 "1: column 1: invalid UTF-8");
}

static void test_nul_byte(void **state)
{
    static const char text[] = "a,b\nc,d\ne\0f,g\n";
    static const char quoted[] = "a,b\n\"c\0\",d\n";
    struct fixture *fx = *state;

    expect_error(fx, text, sizeof(text) - 1, ST_INVALID,
                 "3: column 'a': a NUL byte: not a text file");
    expect_error(fx, quoted, sizeof(quoted) - 1, ST_INVALID,
                 "2: column 'a': a NUL byte: not a text file");
    assert_non_null(strstr(fx->e.msg, "not a text file"));
}

static void test_unclosed_quote(void **state)
{
    static const char text[] = "a,b\nc,\"open\nd,e\n";
    struct fixture *fx = *state;

    expect_error(fx, text, sizeof(text) - 1, ST_INVALID,
                 "2: malformed CSV (an unclosed quote)");
    /* The complete record before it was delivered, the open one was not. */
    assert_int_equal(fx->got.n, 1);
    expect_record(fx, 0, 1, "a|b");
}

static void test_stray_quote(void **state)
{
    static const char inside[] = "a,b\nc,d\"e\n";
    static const char after[] = "a,b\nc,\"d\"e\n";
    struct fixture *fx = *state;

    expect_error(fx, inside, sizeof(inside) - 1, ST_INVALID,
                 "2: malformed CSV (a stray or unclosed quote)");
    expect_error(fx, after, sizeof(after) - 1, ST_INVALID,
                 "2: malformed CSV (a stray or unclosed quote)");
}

static void test_missing_file(void **state)
{
    struct fixture *fx = *state;
    char path[160], want[ERR_MSG_MAX];

    snprintf(path, sizeof(path), "%s/absent.csv", fx->dir);
    assert_int_equal(csv_read_file(path, collect, &fx->got, &fx->e), ST_ERROR);
    assert_int_equal(fx->e.status, ST_ERROR);
    snprintf(want, sizeof(want), "cannot read '%s': No such file or directory",
             path);
    assert_string_equal(fx->e.msg, want);
    assert_int_equal(fx->got.n, 0);
}

/* Appends a record of n fields "f0,f1,..." and a line feed to b. */
static void add_wide_record(struct buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_addf(b, "%sf%zu", i ? "," : "", i);
    buf_addch(b, '\n');
}

static void test_too_many_fields(void **state)
{
    struct fixture *fx = *state;
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    add_wide_record(&b, CSV_MAX_FIELDS);
    read_ok(fx, b.data);
    assert_int_equal(fx->got.n, 1);
    assert_int_equal(fx->got.items[0].n_fields, CSV_MAX_FIELDS);
    assert_string_equal(fx->got.items[0].fields[CSV_MAX_FIELDS - 1], "f255");

    add_wide_record(&b, CSV_MAX_FIELDS + 1);
    expect_error(fx, b.data, b.len, ST_INVALID,
                 "2: column 257: too many fields");
    assert_int_equal(fx->got.n, 1);
    buf_release(&b);
}

static void test_callback_stops_reading(void **state)
{
    struct fixture *fx = *state;

    fx->got.stop_after = 2;
    assert_int_equal(read_text(fx, "a\nb\nc\nd\n"), ST_NOT_FOUND);
    assert_int_equal(fx->got.n, 2);
    expect_record(fx, 1, 2, "b");
}

/* A file larger than the reader's 64 KiB blocks, so that quoted fields and
 * CRLF pairs straddle block boundaries: every line must still be right. */
static void test_lines_across_blocks(void **state)
{
    struct fixture *fx = *state;
    unsigned long line = 1;
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    for (int i = 0; i < 6000; i++)
        buf_addf(&b, "R%d,\"note %d\nsecond line\",%s\r\n", i, i,
                 i % 7 ? "x" : "\"\"\"q\"\"\"");
    read_ok(fx, b.data);
    assert_true(b.len > 3 * 65536);
    assert_int_equal(fx->got.n, 6000);
    for (int i = 0; i < 6000; i++, line += 2) {
        const struct record *r = &fx->got.items[i];
        char want[32];

        snprintf(want, sizeof(want), "R%d", i);
        assert_string_equal(r->fields[0], want);
        assert_int_equal(r->line, line);
        assert_string_equal(r->fields[2], i % 7 ? "x" : "\"q\"");
    }
    buf_release(&b);
}

static void expect_field(const char *field, const char *want)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    assert_int_equal(csv_add_field(&b, field), ST_OK);
    assert_string_equal(b.data, want);
    buf_release(&b);
}

static void test_add_field_quoting(void **state)
{
    (void)state;
    expect_field("plain", "plain");
    expect_field("", "");
    expect_field("two words", "two words");
    expect_field("Лавров", "Лавров");
    expect_field("a,b", "\"a,b\"");
    expect_field("say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_field("\"", "\"\"\"\"");
    expect_field("two\nlines", "\"two\nlines\"");
    expect_field("cr\rhere", "\"cr\rhere\"");
    expect_field(" lead", "\" lead\"");
    expect_field("trail ", "\"trail \"");
    expect_field(" ", "\" \"");
    /* libcsv trims tabs at the ends of unquoted fields as it trims spaces. */
    expect_field("\tlead", "\"\tlead\"");
    expect_field("trail\t", "\"trail\t\"");
    expect_field("mid\ttab", "mid\ttab");
}

static void test_add_field_max(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 4);
    assert_int_equal(csv_add_field(&b, "abcd"), ST_OK);
    assert_int_equal(csv_add_field(&b, ""), ST_OK);
    /* An unquoted field that does not fit leaves the buffer as it was. */
    assert_int_equal(csv_add_field(&b, "x"), ST_INVALID);
    assert_string_equal(b.data, "abcd");
    buf_release(&b);

    /* A quoted field fails too, and never writes past the maximum. */
    buf_init(&b, 6);
    assert_int_equal(csv_add_field(&b, "abc"), ST_OK);
    assert_int_equal(csv_add_field(&b, "a,b"), ST_INVALID);
    assert_true(b.len <= 6);
    assert_int_equal(strlen(b.data), b.len);
    buf_release(&b);
}

/* A fixed linear congruential generator: rand() is banned, and the test
 * must be the same on every run. */
static uint32_t next_random(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*seed >> 33);
}

/* A random string of up to 12 pieces, heavy in the characters that need
 * quoting. */
static char *random_field(uint64_t *seed)
{
    static const char *const pieces[] = {
        "a",    "Z", "0",  ",", "\"", "\"\"", "\n", "\r",
        "\r\n", " ", "\t", "'", ";",  "Л",    "€",  "\xF0\x9D\x84\x9E",
        "x y",  "é",
    };
    const size_t n_pieces = sizeof(pieces) / sizeof(pieces[0]);
    size_t n = next_random(seed) % 13;
    struct buf b;
    char *s;

    buf_init(&b, BUF_MAX_DEFAULT);
    for (size_t i = 0; i < n; i++)
        buf_addstr(&b, pieces[next_random(seed) % n_pieces]);
    s = buf_detach(&b);
    buf_release(&b);
    return s;
}

static void test_round_trip(void **state)
{
    enum { N_RECORDS = 400, N_FIELDS = 4 };
    struct fixture *fx = *state;
    char *want[N_RECORDS][N_FIELDS];
    uint64_t seed = 20211204;
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    for (int r = 0; r < N_RECORDS; r++) {
        for (int k = 0; k < N_FIELDS; k++) {
            want[r][k] = random_field(&seed);
            if (k)
                buf_addch(&b, ',');
            assert_int_equal(csv_add_field(&b, want[r][k]), ST_OK);
        }
        buf_addstr(&b, r % 2 ? "\r\n" : "\n");
    }
    read_ok(fx, b.data);
    assert_int_equal(fx->got.n, N_RECORDS);
    for (int r = 0; r < N_RECORDS; r++) {
        assert_int_equal(fx->got.items[r].n_fields, N_FIELDS);
        for (int k = 0; k < N_FIELDS; k++) {
            if (strcmp(fx->got.items[r].fields[k], want[r][k]))
                fail_msg("record %d field %d: wrote [%s], read [%s]", r, k,
                         want[r][k], fx->got.items[r].fields[k]);
            free(want[r][k]);
        }
    }
    buf_release(&b);
}

/* Spaces are data: nothing is trimmed, so validation sees ' embassy'. */
static void test_spaces_kept(void **state)
{
    struct fixture *fx = *state;

    read_ok(fx, "a,b\n embassy ,\t x\n");
    expect_record(fx, 1, 2, " embassy |\t x");
}

/* A run of NUL bytes (a sparse file's hole, /dev/zero behind a link) is
 * refused at its first byte, naming the column, without reading on. */
static void test_nul_run(void **state)
{
    struct fixture *fx = *state;
    size_t n = (size_t)3 << 20;
    char *text = xcalloc(n, 1);

    memcpy(text, "a,b\nc,", 6);
    expect_error(fx, text, n, ST_INVALID,
                 "2: column 'b': a NUL byte: not a text file");
    free(text);
}

/* A record that never ends is refused after 1 MiB, not buffered whole. */
static void test_record_too_long(void **state)
{
    struct fixture *fx = *state;
    size_t n = (size_t)3 << 20;
    char *text = xmalloc(n);

    memset(text, 'x', n);
    memcpy(text, "a,b\nc,", 6);
    expect_error(fx, text, n, ST_INVALID,
                 "2: column 'b': a record longer than 1 MiB");
    free(text);
}

/* Only a regular file is read: a directory, a FIFO (which would block a
 * plain open for ever) and a device are refused, naming the path. */
static void test_not_regular(void **state)
{
    struct fixture *fx = *state;
    char fifo[160], want[256];

    assert_int_equal(csv_read_file(fx->dir, collect, &fx->got, &fx->e),
                     ST_INVALID);
    snprintf(want, sizeof(want), "%s: a directory, not a regular file",
             fx->dir);
    assert_string_equal(fx->e.msg, want);
    snprintf(fifo, sizeof(fifo), "%s/fifo.csv", fx->dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(csv_read_file(fifo, collect, &fx->got, &fx->e),
                     ST_INVALID);
    snprintf(want, sizeof(want), "%s: a FIFO, not a regular file", fifo);
    assert_string_equal(fx->e.msg, want);
    unlink(fifo);
    assert_int_equal(csv_read_file("/dev/zero", collect, &fx->got, &fx->e),
                     ST_INVALID);
    assert_string_equal(fx->e.msg,
                        "/dev/zero: a character device, not a regular file");
}

/* CHANCERY_MAX_INPUT caps the size of an input file. */
static void test_size_cap(void **state)
{
    struct fixture *fx = *state;
    char want[256];

    setenv("CHANCERY_MAX_INPUT", "1K", 1);
    read_ok(fx, "a,b\nc,d\n");
    records_release(&fx->got);
    write_file(fx, "a,b\n", 4);
    {
        FILE *f = fopen(fx->path, "ab");

        for (int i = 0; i < 300; i++)
            fputs("c,d\n", f);
        fclose(f);
    }
    assert_int_equal(csv_read_file(fx->path, collect, &fx->got, &fx->e),
                     ST_INVALID);
    snprintf(want, sizeof(want),
             "%s: 1204 bytes, more than the 1024 an input file may hold "
             "(CHANCERY_MAX_INPUT)",
             fx->path);
    assert_string_equal(fx->e.msg, want);
    setenv("CHANCERY_MAX_INPUT", "12Q", 1);
    assert_int_equal(csv_read_file(fx->path, collect, &fx->got, &fx->e),
                     ST_USAGE);
    unsetenv("CHANCERY_MAX_INPUT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_header_and_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quoted_field_spanning_lines, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_crlf_and_blank_lines, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_byte_order_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_valid_utf8_accepted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unclosed_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stray_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callback_stops_reading, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lines_across_blocks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_spaces_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size_cap, setup, teardown),
        cmocka_unit_test(test_add_field_quoting),
        cmocka_unit_test(test_add_field_max),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
