/*
 * Timestamps in UTC through gmtime_r (gmtime and localtime are banned: the
 * registry never depends on the machine's time zone).
 */
#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/date.h"

enum status clock_timestamp(char out[TIMESTAMP_BUF], struct err *e)
{
    const char *pinned = getenv("CHANCERY_TODAY");
    char day[DATE_BUF];
    struct tm tm;
    time_t now;
    int32_t d;

    if (pinned && *pinned) {
        if (date_today(&d, e))
            return e->status;
        date_format(d, day);
        snprintf(out, TIMESTAMP_BUF, "%sT00:00:00Z", day);
        return ST_OK;
    }
    now = time(NULL);
    if (!gmtime_r(&now, &tm))
        return err_set(e, ST_ERROR, "cannot read the clock");
    snprintf(out, TIMESTAMP_BUF, "%04d-%02d-%02dT%02d:%02d:%02dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    return ST_OK;
}

enum status clock_seconds(uint64_t *out, struct err *e)
{
    const char *pinned = getenv("CHANCERY_TODAY");
    time_t now;
    int32_t d;

    if (pinned && *pinned) {
        if (date_today(&d, e))
            return e->status;
        if (d < 0)
            return err_set(e, ST_INVALID,
                           "CHANCERY_TODAY: a time before 1970 cannot be "
                           "a cosignature's");
        *out = (uint64_t)d * 86400u;
        return ST_OK;
    }
    now = time(NULL);
    if (now < 0)
        return err_set(e, ST_ERROR, "cannot read the clock");
    *out = (uint64_t)now;
    return ST_OK;
}
