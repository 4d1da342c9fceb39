/*
 * Listing records of one entity as a grid whose columns are the entity's
 * fields: the common shape of `mission list`, `person show` and the like.
 * A records value owns the opened registry and snapshot for the command.
 */
#ifndef CLI_RECORDS_H
#define CLI_RECORDS_H

#include "cli/cli.h"

struct records {
    struct store *st;
    struct snapshot s;
    const struct entity *ent;
    struct grid g;
};

/* Opens the registry (as known on cli's date) for listing records of kind. */
enum status records_open(struct records *r, struct cli *cli,
                         enum entity_kind kind, struct err *e);
/* Adds record i of the entity as a row. */
void records_add(struct records *r, uint32_t i);
/* Prints the rows as a list, or the first row as one record. */
void records_print(const struct records *r, const struct cli *cli);
void records_print_one(const struct records *r, const struct cli *cli);
void records_close(struct records *r);

/* `show KEY` for kind: opens the registry, finds the record and prints it as
 * one record. Returns an exit code; on 0, r stays open (OUT: *index, the
 * record) so the caller may print more before records_close. */
int records_show(struct records *r, struct cli *cli, enum entity_kind kind,
                 const char *key, uint32_t *index);

/* Opens the registry and adds the record of kind with key as the one row,
 * without printing it. Returns an exit code (3 for an unknown key, after
 * printing the error); on 0, r stays open (OUT: *index). */
int records_find(struct records *r, struct cli *cli, enum entity_kind kind,
                 const char *key, uint32_t *index);

/* Prints b to stdout and releases it. */
void records_print_buf(struct buf *b);

#endif
