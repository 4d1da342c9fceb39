/*
 * Texts the pages keep between requests (memo.c): the costly part of a
 * page (a docket's JSON, a report's body) by a key naming all it depends
 * on, the registry's change-log head first, so that the page asked again
 * of the same registry is rendered without computing it again, and no
 * text outlives the registry it came from (a write moves the head). The
 * API keeps whole answers likewise (cache.h); a page cannot be kept whole,
 * as it carries its account's name and form token.
 */
#ifndef HTTP_MEMO_H
#define HTTP_MEMO_H

#define MEMO_SLOTS    32
#define MEMO_TEXT_MAX ((size_t)1 << 20) /* a longer text is not kept */

/* A copy of key's text (the caller frees it), or NULL. */
char *memo_get(const char *key);

/* Keeps text as key's, replacing the oldest kept. */
void memo_put(const char *key, const char *text);

#endif
