/*
 * Unit tests for report/grid, the one renderer of every read command's
 * output in its three formats (--format table|csv|json).
 *
 * Scripts parse the CSV and JSON, and people read the tables, so the exact
 * bytes matter: tables align on characters, not bytes (Cyrillic names are
 * two bytes a letter), with numbers on the right; CSV quotes what it must;
 * JSON gives numbers and booleans their JSON types, null for an empty cell,
 * and escapes strings. Expected outputs are spelt out in full.
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

#include "base/buf.h"
#include "report/grid.h"

static const char *const COLUMNS[] = { "name", "count:n", "active:b", "city" };

/* A grid of staff, one row per person. */
static void build(struct grid *g)
{
    static const char *const rows[][4] = {
        { "Лавров", "12", "true", "Moscow" },
        { "Sullivan, John", "7", "false", "" },
        { "Antonov", "", "true", "Washington" },
        { "O\"Brien", "1.5", "", "say \"hi\"\n\tthere\\" },
    };

    grid_init(g, COLUMNS, 4);
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
        grid_add_row(g, rows[r]);
}

/* Renders g (the whole grid, or one row when row >= 0) and compares. */
static void expect_render(const struct grid *g, long row,
                          enum out_format format, const char *want)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    if (row < 0)
        grid_render(g, format, &b);
    else
        grid_render_record(g, (size_t)row, format, &b);
    assert_string_equal(b.data, want);
    buf_release(&b);
}

static void test_columns(void **state)
{
    struct grid g;

    (void)state;
    build(&g);
    assert_int_equal(g.n_cols, 4);
    assert_int_equal(g.n_rows, 4);
    /* The type suffix is not part of the name. */
    assert_string_equal(g.names[1], "count");
    assert_string_equal(g.names[2], "active");
    assert_int_equal(g.types[0], COL_TEXT);
    assert_int_equal(g.types[1], COL_NUMBER);
    assert_int_equal(g.types[2], COL_BOOL);
    assert_int_equal(g.types[3], COL_TEXT);
    grid_release(&g);
}

static void test_table(void **state)
{
    static const char *const cols[] = { "name", "count:n", "active:b", "city" };
    static const char *const rows[][4] = {
        { "Лавров", "12", "true", "Moscow" },
        { "Sullivan", "7", "false", "" },
        { "Antonov", NULL, "true", "Washington" },
    };
    struct grid g;

    (void)state;
    grid_init(&g, cols, 4);
    for (size_t r = 0; r < 3; r++)
        grid_add_row(&g, rows[r]);
    /* "Лавров" is six characters in twelve bytes: padded to eight
     * characters like "Sullivan". Numbers and their heading align right;
     * the last text column is not padded. */
    expect_render(&g, -1, OUT_TABLE,
                  "name      count  active  city\n"
                  "Лавров       12  true    Moscow\n"
                  "Sullivan      7  false   \n"
                  "Antonov          true    Washington\n");
    grid_release(&g);
}

static void test_table_number_last(void **state)
{
    static const char *const cols[] = { "mission", "present:n" };
    static const char *const rows[][2] = {
        { "Посольство", "150" },
        { "M2", "7" },
    };
    struct grid g;

    (void)state;
    grid_init(&g, cols, 2);
    grid_add_row(&g, rows[0]);
    grid_add_row(&g, rows[1]);
    /* A number column keeps its width even when it is the last. */
    expect_render(&g, -1, OUT_TABLE,
                  "mission     present\n"
                  "Посольство      150\n"
                  "M2                7\n");
    grid_release(&g);
}

static void test_empty_grid(void **state)
{
    struct grid g;

    (void)state;
    grid_init(&g, COLUMNS, 4);
    expect_render(&g, -1, OUT_TABLE, "name  count  active  city\n");
    expect_render(&g, -1, OUT_CSV, "name,count,active,city\n");
    expect_render(&g, -1, OUT_JSON, "[]\n");
    grid_release(&g);
}

static void test_csv(void **state)
{
    struct grid g;

    (void)state;
    build(&g);
    expect_render(&g, -1, OUT_CSV,
                  "name,count,active,city\n"
                  "Лавров,12,true,Moscow\n"
                  "\"Sullivan, John\",7,false,\n"
                  "Antonov,,true,Washington\n"
                  "\"O\"\"Brien\",1.5,,\"say \"\"hi\"\"\n\tthere\\\"\n");
    grid_release(&g);
}

static void test_json(void **state)
{
    struct grid g;

    (void)state;
    build(&g);
    expect_render(&g, -1, OUT_JSON,
                  "[\n"
                  "  {\n"
                  "    \"name\": \"Лавров\",\n"
                  "    \"count\": 12,\n"
                  "    \"active\": true,\n"
                  "    \"city\": \"Moscow\"\n"
                  "  },\n"
                  "  {\n"
                  "    \"name\": \"Sullivan, John\",\n"
                  "    \"count\": 7,\n"
                  "    \"active\": false,\n"
                  "    \"city\": null\n"
                  "  },\n"
                  "  {\n"
                  "    \"name\": \"Antonov\",\n"
                  "    \"count\": null,\n"
                  "    \"active\": true,\n"
                  "    \"city\": \"Washington\"\n"
                  "  },\n"
                  "  {\n"
                  "    \"name\": \"O\\\"Brien\",\n"
                  "    \"count\": 1.5,\n"
                  "    \"active\": null,\n"
                  "    \"city\": \"say \\\"hi\\\"\\n\\tthere\\\\\"\n"
                  "  }\n"
                  "]\n");
    grid_release(&g);
}

static void test_json_numbers(void **state)
{
    static const char *const cols[] = { "n:n" };
    static const char *const values[] = { "0",   "-3",  "007",  "2.25",
                                          "1e3", "n/a", "12abc" };
    struct grid g;

    (void)state;
    grid_init(&g, cols, 1);
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        grid_add_row(&g, &values[i]);
    /* What does not read as a number stays a string rather than becoming
     * a wrong number. */
    expect_render(&g, -1, OUT_JSON,
                  "[\n"
                  "  {\n    \"n\": 0\n  },\n"
                  "  {\n    \"n\": -3\n  },\n"
                  "  {\n    \"n\": 7\n  },\n"
                  "  {\n    \"n\": 2.25\n  },\n"
                  "  {\n    \"n\": 1000.0\n  },\n"
                  "  {\n    \"n\": \"n/a\"\n  },\n"
                  "  {\n    \"n\": \"12abc\"\n  }\n"
                  "]\n");
    grid_release(&g);
}

static void test_json_control_characters(void **state)
{
    static const char *const cols[] = { "text" };
    static const char *const row[] = { "a\x01z\r/" };
    struct grid g;

    (void)state;
    grid_init(&g, cols, 1);
    grid_add_row(&g, row);
    expect_render(&g, -1, OUT_JSON,
                  "[\n  {\n    \"text\": \"a\\u0001z\\r/\"\n  }\n]\n");
    grid_release(&g);
}

/* A table goes to a terminal: a control character (ESC, BEL, a C1
 * control) or a bidirectional override in a value is shown escaped, never
 * sent raw, and counts as its escape for the alignment. */
static void test_table_escapes_controls(void **state)
{
    static const char *const cols[] = { "name", "n:n" };
    static const char *const rows[][2] = {
        { "Evil\x1b[2J\x07", "1" },
        { "a\xc2\x9b"
          "b\xe2\x80\xaez",
          "2" },
        { "tab\tkept", "3" },
    };
    struct grid g;

    (void)state;
    grid_init(&g, cols, 2);
    for (size_t r = 0; r < 3; r++)
        grid_add_row(&g, rows[r]);
    expect_render(&g, -1, OUT_TABLE,
                  "name             n\n"
                  "Evil\\x1b[2J\\x07  1\n"
                  "a\\u009bb\\u202ez  2\n"
                  "tab\tkept         3\n");
    expect_render(&g, 0, OUT_TABLE,
                  "name  Evil\\x1b[2J\\x07\n"
                  "n     1\n");
    grid_release(&g);
}

static void test_record(void **state)
{
    struct grid g;

    (void)state;
    build(&g);
    /* Names padded to the longest name, then the value as it is. */
    expect_render(&g, 0, OUT_TABLE,
                  "name    Лавров\n"
                  "count   12\n"
                  "active  true\n"
                  "city    Moscow\n");
    expect_render(&g, 1, OUT_TABLE,
                  "name    Sullivan, John\n"
                  "count   7\n"
                  "active  false\n"
                  "city    \n");
    expect_render(&g, 1, OUT_CSV,
                  "name,count,active,city\n"
                  "\"Sullivan, John\",7,false,\n");
    expect_render(&g, 2, OUT_JSON,
                  "{\n"
                  "  \"name\": \"Antonov\",\n"
                  "  \"count\": null,\n"
                  "  \"active\": true,\n"
                  "  \"city\": \"Washington\"\n"
                  "}\n");
    expect_render(&g, 3, OUT_JSON,
                  "{\n"
                  "  \"name\": \"O\\\"Brien\",\n"
                  "  \"count\": 1.5,\n"
                  "  \"active\": null,\n"
                  "  \"city\": \"say \\\"hi\\\"\\n\\tthere\\\\\"\n"
                  "}\n");
    grid_release(&g);
}

static void test_render_appends(void **state)
{
    struct grid g;
    struct buf b;

    (void)state;
    build(&g);
    buf_init(&b, BUF_MAX_DEFAULT);
    buf_addstr(&b, "# staff\n");
    grid_render_record(&g, 0, OUT_CSV, &b);
    assert_string_equal(b.data, "# staff\n"
                                "name,count,active,city\n"
                                "Лавров,12,true,Moscow\n");
    buf_release(&b);
    grid_release(&g);
}

static void test_format_names(void **state)
{
    (void)state;
    assert_int_equal(out_format_from_name("table"), OUT_TABLE);
    assert_int_equal(out_format_from_name("csv"), OUT_CSV);
    assert_int_equal(out_format_from_name("json"), OUT_JSON);
    assert_int_equal(out_format_from_name("JSON"), -1);
    assert_int_equal(out_format_from_name("xml"), -1);
    assert_int_equal(out_format_from_name(""), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_table_number_last),
        cmocka_unit_test(test_empty_grid),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_numbers),
        cmocka_unit_test(test_json_control_characters),
        cmocka_unit_test(test_table_escapes_controls),
        cmocka_unit_test(test_record),
        cmocka_unit_test(test_render_appends),
        cmocka_unit_test(test_format_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
