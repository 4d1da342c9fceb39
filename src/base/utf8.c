/*
 * UTF-8 validation (RFC 3629): every byte of text that enters the registry
 * passes here, from files and from the command line alike, so the change
 * log's JSON images, which jansson must read back, never hold a bad byte.
 */
#include "base/utf8.h"

int utf8_valid(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;

    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = c < 0x80         ? 1
                     : (c >> 5) == 6  ? 2
                     : (c >> 4) == 14 ? 3
                     : (c >> 3) == 30 ? 4
                                      : 0;

        if (!c || !len || i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        }
        /* Overlong forms, UTF-16 surrogates and code points past U+10FFFF
         * are not UTF-8 (RFC 3629); jansson refuses them too. */
        if ((len == 2 && c < 0xC2) ||
            (len == 3 && c == 0xE0 && s[i + 1] < 0xA0) ||
            (len == 3 && c == 0xED && s[i + 1] > 0x9F) ||
            (len == 4 && (c > 0xF4 || (c == 0xF0 && s[i + 1] < 0x90) ||
                          (c == 0xF4 && s[i + 1] > 0x8F))))
            return 0;
        i += len;
    }
    return 1;
}

size_t utf8_hidden(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;

    if ((s[0] < 0x20 && s[0] && s[0] != '\t') || s[0] == 0x7F)
        return 1;
    if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
        return 2;
    if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return 3;
    if (s[0] == 0xE2 && ((s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE) ||
                         (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9)))
        return 3;
    return 0;
}

unsigned long utf8_code_point(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned long c = n == 1 ? s[0] : s[0] & (0x3F >> (n - 1));

    for (size_t i = 1; i < n; i++)
        c = (c << 6) | (s[i] & 0x3F);
    return c;
}
