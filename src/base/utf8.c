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
