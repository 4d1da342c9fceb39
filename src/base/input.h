/*
 * Opening an input file (a CSV file, a policy or scenario JSON file) the
 * careful way: only a regular file is read, never a FIFO (which would block
 * for ever), a device (/dev/zero never ends) or a directory, and never one
 * larger than the input cap. A symbolic link is followed to what it names,
 * and that is what is checked.
 */
#ifndef BASE_INPUT_H
#define BASE_INPUT_H

#include <stdint.h>
#include <stdio.h>

#include "base/status.h"

/* The default cap on the size of one input file: 4 GiB, room for some 40
 * million visa rows. */
#define INPUT_MAX_DEFAULT ((uint64_t)4 << 30)

/* The cap on the size of one input file in bytes: CHANCERY_MAX_INPUT when
 * set (a number of bytes, or with a K, M or G suffix for KiB, MiB, GiB),
 * else INPUT_MAX_DEFAULT. ST_USAGE when the variable is malformed. */
enum status input_max_size(uint64_t *out, struct err *e);

/* Opens path for reading. ST_INVALID, naming path, when it is not a
 * regular file or is larger than the cap (*max is set to the cap, so that a
 * reader can stop a file that grows while it is read); ST_ERROR when it
 * cannot be opened. Never blocks on a FIFO. */
enum status input_open(const char *path, FILE **out, uint64_t *max,
                       struct err *e);

#endif
