/*
 * UTF-8 validation, shared by the CSV reader and the field codec.
 */
#ifndef BASE_UTF8_H
#define BASE_UTF8_H

#include <stddef.h>

/* 1 when the n bytes of text are valid UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF) with no NUL byte, else 0. */
int utf8_valid(const char *text, size_t n);

/* The length in bytes of the hidden character at s (valid UTF-8), else 0:
 * a C0 control other than tab, DEL, a C1 control (U+0080-U+009F), which
 * a terminal obeys; the byte order mark U+FEFF; the bidirectional
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder
 * what is shown. Text fields refuse them; table output escapes them. */
size_t utf8_hidden(const char *s);

/* The code point of the UTF-8 sequence of n bytes at s. */
unsigned long utf8_code_point(const char *s, size_t n);

#endif
