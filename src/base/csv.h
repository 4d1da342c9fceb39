/*
 * CSV (RFC 4180) reading through libcsv, and writing. The reader adds what
 * libcsv leaves to its caller: the line number each record starts on, UTF-8
 * and NUL checks per field, a UTF-8 byte order mark skipped, blank lines
 * skipped, and errors that name the file and line.
 */
#ifndef BASE_CSV_H
#define BASE_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/status.h"

/* The most fields a record may have; more is an error, not a slow death. */
#define CSV_MAX_FIELDS 256
/* The longest record (1 MiB): a longer one (a file of NUL bytes, /dev/zero
 * behind a link) is an error before it can fill the memory. */
#define CSV_MAX_RECORD ((size_t)1 << 20)

struct csv_record {
    char **fields; /* NUL-terminated, borrowed for the callback */
    size_t n_fields;
    unsigned long line; /* the line the record starts on, from 1 */
};

/* Calls on_record for every record of the file at path, the header first.
 * Stops at the first non-OK status on_record returns and returns it. A file
 * that cannot be read is ST_ERROR; one that is no regular file or is over
 * the input cap (base/input.h) is ST_INVALID; so are malformed CSV, invalid
 * UTF-8, a NUL byte, too many fields or a record over CSV_MAX_RECORD, with
 * "PATH:LINE: column 'X': message" in e (the column named by the header).
 * Fields are read exactly: no space is trimmed. */
enum status csv_read_file(const char *path,
                          enum status (*on_record)(const struct csv_record *,
                                                   void *),
                          void *ctx, struct err *e);

/* The same on an open stream f, named path in messages, read to its end or
 * to max bytes (more is ST_INVALID). */
enum status csv_read_stream(FILE *f, const char *path, uint64_t max,
                            enum status (*on_record)(const struct csv_record *,
                                                     void *),
                            void *ctx, struct err *e);

/* Appends one field to b, quoted only when it must be (a comma, a quote, a
 * line break, or space at either end). */
enum status csv_add_field(struct buf *b, const char *field);

#endif
