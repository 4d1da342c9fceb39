/*
 * The registry's interchange files (DESIGN.md, "Interchange files"): one
 * CSV file per entity, named after its table (missions.csv, persons.csv,
 * postings.csv, dependents.csv, visas.csv, consular.csv), with a header
 * row naming the columns. A reference to a record of the same file (a
 * visa's previous case) may point to a later row: the record is added
 * right after the one it names, and a chain that loops is reported as a
 * cycle.
 *
 * Reading validates as it goes and reports every problem as
 * "FILE:LINE: column 'X': message" into a problem list; the records are
 * appended to the snapshot even when invalid (so one bad mission does not
 * cascade into an error on each of its postings), and the caller writes
 * nothing unless the list is empty.
 */
#ifndef CORE_INTERCHANGE_H
#define CORE_INTERCHANGE_H

#include <stdio.h>

#include "base/buf.h"
#include "base/problems.h"
#include "base/status.h"
#include "core/snapshot.h"

/* The entities a registry directory holds, in the order they must load. */
extern const enum entity_kind INTERCHANGE_ENTITIES[];
extern const int INTERCHANGE_N_ENTITIES;

/* Called after each record read, so a long import can show progress. */
struct read_progress {
    void (*fn)(void *ctx, const char *path, unsigned long records);
    void *ctx;
};

/* About how many records the CSV file at path holds: its size over the
 * length of its first lines (0 when it cannot be read). */
size_t interchange_estimate_records(const char *path);

/* Reads one CSV file of entity ent into s. ST_ERROR when the file cannot be
 * read at all; validation problems go to p and leave the status ST_OK. */
enum status interchange_read_file(struct snapshot *s, const struct entity *ent,
                                  const char *path, struct problems *p,
                                  const struct read_progress *progress,
                                  struct err *e);

/* The same from an open stream, named path in messages (the fuzzers read
 * from memory through fmemopen). */
enum status interchange_read_stream(struct snapshot *s,
                                    const struct entity *ent, const char *path,
                                    FILE *f, struct problems *p, struct err *e);

/* Appends the CSV text of the records of ent in s (the header first) to b;
 * ST_ERROR when b is full. */
enum status interchange_format(const struct snapshot *s,
                               const struct entity *ent, struct buf *b);
/* Checks the parsed record rec by its entity's rules and appends it to s,
 * as an import does with each row: every problem goes to p as
 * "WHERE: column 'X': message" (a notification reuses it, so its records
 * are validated with the import's very messages). */
void interchange_add_row(struct snapshot *s, const struct entity *ent,
                         const void *rec, const char *where,
                         struct problems *p);

/* The entity a file holds, from its name ("dir/postings.csv" -> posting),
 * or NULL. */
const struct entity *interchange_entity_of(const char *path);

/* Writes b to path through a temporary file renamed into place, so a
 * failed write never leaves half a file. */
enum status interchange_write_file(const char *path, const struct buf *b,
                                   struct err *e);

/* Writes one CSV file per interchange entity into dir (created if absent),
 * rows in snapshot order. */
enum status interchange_write_dir(const struct snapshot *s, const char *dir,
                                  struct err *e);

#endif
