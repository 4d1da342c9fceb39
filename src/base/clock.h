/*
 * The wall clock, for the time a change is recorded. It honours
 * CHANCERY_TODAY like date_today (base/date.h): with it set, the time is
 * that day at 00:00:00 UTC, so tests can record changes "on" chosen days.
 */
#ifndef BASE_CLOCK_H
#define BASE_CLOCK_H

#include <stdint.h>

#include "base/status.h"

/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define TIMESTAMP_BUF 21

enum status clock_timestamp(char out[TIMESTAMP_BUF], struct err *e);

/* The same instant as seconds since 1970-01-01T00:00:00Z (a cosignature's
 * time, C2SP tlog-cosignature): pinned by CHANCERY_TODAY as above. */
enum status clock_seconds(uint64_t *out, struct err *e);

#endif
