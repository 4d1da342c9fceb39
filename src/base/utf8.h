/*
 * UTF-8 validation, shared by the CSV reader and the field codec.
 */
#ifndef BASE_UTF8_H
#define BASE_UTF8_H

#include <stddef.h>

/* 1 when the n bytes of text are valid UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF) with no NUL byte, else 0. */
int utf8_valid(const char *text, size_t n);

#endif
