/*
 * Status codes and error messages.
 *
 * Fallible functions return an enum status (0 = ok) and fill a caller's
 * struct err with one message, as git's error() does, but without printing:
 * only cli/ prints and http/ maps statuses to HTTP codes. The numeric values
 * are the process exit codes of DESIGN.md, so cli/ can return them as is.
 */
#ifndef BASE_STATUS_H
#define BASE_STATUS_H

#include <stddef.h>

enum status {
    ST_OK = 0,
    ST_ERROR = 1,    /* runtime failure: I/O, database */
    ST_USAGE = 2,    /* bad command line */
    ST_INVALID = 3,  /* invalid input: nothing was written */
    ST_FINDINGS = 4, /* check --strict found findings */
    ST_NOT_FOUND = 5,
    ST_AMBIGUOUS = 6 /* a date computation the rules refuse to guess */
};

#define ERR_MSG_MAX 1024

struct err {
    enum status status;
    char msg[ERR_MSG_MAX];
};

/* Sets e (which may be NULL) to status and a printf-style message; returns
 * status so that callers can write `return err_set(e, ST_INVALID, ...)`. */
enum status err_set(struct err *e, enum status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes e's message with a printf-style context and ": ". */
void err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears e to ST_OK with an empty message. */
void err_clear(struct err *e);

/* The process exit code for a status (ST_NOT_FOUND and ST_AMBIGUOUS are
 * invalid input, 3). */
int status_exit_code(enum status status);

/* Reports an impossible state and aborts; for bugs, never for bad input. */
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
void bug_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/* banned.h must come after every system header that declares what it bans
 * (a later declaration would hit its macros), so those headers are included
 * here first; their include guards make any later include a no-op. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

#endif
