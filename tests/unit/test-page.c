/*
 * Unit tests for report/page, the writer of the web pages: everything a
 * page shows from the registry or a request goes through its escaping,
 * so these tests feed it the strings an attacker would (markup, quotes in
 * attributes, URLs that leave the site) and check the exact bytes; and
 * the layout's landmarks, the role's navigation and the form fields'
 * labels and error descriptions, which the accessibility checks rely on.
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
#include "report/page.h"

static const char XSS[] = "<script>alert(1)</script>";

static void test_fmt_escapes_strings_not_markup(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, PAGE_MAX);
    page_fmt(&b, "<td title=\"%s\">%s %d %zu</td>", "a\"b'c", XSS, -3,
             (size_t)7);
    assert_string_equal(b.data,
                        "<td title=\"a&quot;b&#39;c\">&lt;script&gt;alert(1)"
                        "&lt;/script&gt; -3 7</td>");
    buf_release(&b);
}

static void test_url_and_link(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, PAGE_MAX);
    page_link(&b, "/persons/", "P1/../x?y=\"z\"", "O'Brien & <Co>");
    assert_string_equal(b.data,
                        "<a href=\"/persons/P1%2F..%2Fx%3Fy%3D%22z%22\">"
                        "O&#39;Brien &amp; &lt;Co&gt;</a>");
    buf_release(&b);
}

static void test_json_table_escapes_and_links(void **state)
{
    struct buf b;
    static const struct page_link links[] = { { "posting", "/postings/" },
                                              { NULL, NULL } };

    (void)state;
    buf_init(&b, PAGE_MAX);
    page_json_text(&b,
                   "[{\"posting\":\"T1\",\"family_name\":"
                   "\"<script>alert(1)</script>\",\"n\":3,\"ok\":true,"
                   "\"none\":null}]",
                   "Staff", links, 0);
    assert_non_null(strstr(b.data, "<caption>Staff</caption>"));
    assert_non_null(strstr(b.data, "<th scope=\"col\">family name</th>"));
    assert_non_null(strstr(b.data, "<a href=\"/postings/T1\">T1</a>"));
    assert_non_null(
        strstr(b.data, "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
    assert_non_null(strstr(b.data, "<td class=\"n\">3</td>"));
    assert_non_null(strstr(b.data, "<td>yes</td>"));
    assert_null(strstr(b.data, "<script>"));
    buf_release(&b);
}

static void test_layout_landmarks_and_nav(void **state)
{
    struct page_frame f = { XSS, "lia<b>", "liaison", "RUS", "abc", "/", 0 };
    struct buf b;

    (void)state;
    buf_init(&b, PAGE_MAX);
    page_begin(&b, &f);
    page_end(&b);
    assert_non_null(strstr(b.data, "<html lang=\"en\">"));
    assert_non_null(strstr(b.data, "<a class=\"skip\" href=\"#main\">"));
    assert_non_null(strstr(b.data, "<header>"));
    assert_non_null(strstr(b.data, "<nav aria-label=\"Main\">"));
    assert_non_null(strstr(b.data, "<main id=\"main\""));
    assert_non_null(strstr(b.data, "<footer>"));
    /* The liaison's entries, and none of the officer's. */
    assert_non_null(strstr(b.data, "href=\"/notify\""));
    assert_null(strstr(b.data, "href=\"/inbox\""));
    assert_non_null(strstr(b.data, "<a href=\"/\" aria-current=\"page\">"));
    /* The sign-out form carries the token; every text is escaped. */
    assert_non_null(
        strstr(b.data, "<input type=\"hidden\" name=\"csrf\" value=\"abc\">"));
    assert_non_null(strstr(b.data, "lia&lt;b&gt;"));
    assert_null(strstr(b.data, "<script>alert"));
    /* Nothing inline: no style attribute or element, no script body. */
    assert_null(strstr(b.data, "style="));
    assert_null(strstr(b.data, "<style"));
    assert_non_null(
        strstr(b.data, "<script src=\"/static/app.js\" defer></script>"));
    buf_release(&b);
}

static void test_field_label_hint_error(void **state)
{
    struct page_field f = { "person.sex",      "Sex",
                            "select",          "F",
                            "invalid sex 'Q'", "One of F, M, X.",
                            "|F|M|X",          1 };
    struct buf b;

    (void)state;
    buf_init(&b, PAGE_MAX);
    page_field(&b, &f);
    assert_non_null(strstr(b.data, "<label for=\"f-person.sex\">Sex "
                                   "(required)</label>"));
    assert_non_null(strstr(b.data, "<select id=\"f-person.sex\" "
                                   "name=\"person.sex\" required "
                                   "aria-invalid=\"true\" aria-describedby="
                                   "\"h-person.sex e-person.sex\">"));
    assert_non_null(strstr(b.data, "<option value=\"F\" selected>F</option>"));
    assert_non_null(strstr(b.data, "<p class=\"error\" id=\"e-person.sex\">"
                                   "invalid sex &#39;Q&#39;</p>"));
    buf_release(&b);
}

static void test_svg_inline_without_prolog(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, PAGE_MAX);
    page_svg(&b, "<?xml version=\"1.0\"?>\n<svg role=\"img\"></svg>\n",
             "a <chart>");
    assert_string_equal(b.data, "<figure class=\"chart\">\n<svg role=\"img\">"
                                "</svg>\n<figcaption>a &lt;chart&gt;"
                                "</figcaption>\n</figure>\n");
    buf_release(&b);
}

static void test_pager(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, PAGE_MAX);
    page_pager(&b, "/missions?", 100, 250);
    assert_non_null(strstr(b.data, "Rows 101 to 200 of 250."));
    assert_non_null(strstr(b.data, "href=\"/missions?offset=0\""));
    assert_non_null(strstr(b.data, "href=\"/missions?offset=200\""));
    buf_reset(&b);
    page_pager(&b, "/missions?", 0, 100);
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_escapes_strings_not_markup),
        cmocka_unit_test(test_url_and_link),
        cmocka_unit_test(test_json_table_escapes_and_links),
        cmocka_unit_test(test_layout_landmarks_and_nav),
        cmocka_unit_test(test_field_label_hint_error),
        cmocka_unit_test(test_svg_inline_without_prolog),
        cmocka_unit_test(test_pager),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
