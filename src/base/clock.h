/*
 * The wall clock, for the time a change is recorded. It honours
 * CHANCERY_TODAY like date_today (base/date.h): with it set, the time is
 * that day at 00:00:00 UTC, so tests can record changes "on" chosen days.
 */
#ifndef BASE_CLOCK_H
#define BASE_CLOCK_H

#include "base/status.h"

/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define TIMESTAMP_BUF 21

enum status clock_timestamp(char out[TIMESTAMP_BUF], struct err *e);

#endif
