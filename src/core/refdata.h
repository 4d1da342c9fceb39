/*
 * Reference data loaded by `init`: every ISO 3166-1 state from Debian's
 * iso-codes (its JSON list), and the international organizations that host
 * missions (data/organizations.csv: code,name,seat).
 */
#ifndef CORE_REFDATA_H
#define CORE_REFDATA_H

#include "base/problems.h"
#include "core/snapshot.h"

#define ISO_3166_PATH "/usr/share/iso-codes/json/iso_3166-1.json"

/* Appends every state of the iso-codes ISO 3166-1 JSON file at path to s
 * (alpha-3 code and common or short name); ST_ERROR when it cannot be read,
 * ST_INVALID when it is not that file's shape. */
enum status refdata_read_states(struct snapshot *s, const char *path,
                                struct err *e);

#endif
