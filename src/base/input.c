/*
 * Input files are opened with O_NONBLOCK, so that opening a FIFO returns at
 * once instead of waiting for a writer; fstat on the open descriptor then
 * says what the file is (no race between a check of the name and the
 * open), and only a regular file is read, in blocking mode again.
 */
#include "base/input.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

enum status input_max_size(uint64_t *out, struct err *e)
{
    const char *env = getenv("CHANCERY_MAX_INPUT");
    uint64_t v = 0;
    const char *c;

    *out = INPUT_MAX_DEFAULT;
    if (!env || !*env)
        return ST_OK;
    for (c = env; *c >= '0' && *c <= '9' && v < ((uint64_t)1 << 50); c++)
        v = v * 10 + (uint64_t)(*c - '0');
    if (c == env)
        v = 0;
    else if (*c == 'K' || *c == 'M' || *c == 'G')
        v <<= *c == 'K' ? 10 : *c == 'M' ? 20 : 30, c++;
    if (*c || !v || v > ((uint64_t)1 << 50))
        return err_set(e, ST_USAGE,
                       "CHANCERY_MAX_INPUT='%s': expected a positive number of "
                       "bytes, optionally with K, M or G",
                       env);
    *out = v;
    return ST_OK;
}

static enum status not_regular(const char *path, mode_t mode, struct err *e)
{
    const char *what = S_ISDIR(mode)    ? "a directory"
                       : S_ISFIFO(mode) ? "a FIFO"
                       : S_ISCHR(mode)  ? "a character device"
                       : S_ISBLK(mode)  ? "a block device"
                       : S_ISSOCK(mode) ? "a socket"
                                        : "not a regular file";

    return err_set(e, ST_INVALID, "%s: %s, not a regular file", path, what);
}

enum status input_open(const char *path, FILE **out, uint64_t *max,
                       struct err *e)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    enum status rc = ST_OK;
    struct stat sb;
    int flags;

    *out = NULL;
    if (fd < 0)
        return err_set(e, ST_ERROR, "cannot read '%s': %s", path,
                       strerror(errno));
    if (fstat(fd, &sb))
        rc =
            err_set(e, ST_ERROR, "cannot read '%s': %s", path, strerror(errno));
    else if (!S_ISREG(sb.st_mode))
        rc = not_regular(path, sb.st_mode, e);
    else if (!(rc = input_max_size(max, e)) && (uint64_t)sb.st_size > *max)
        rc = err_set(e, ST_INVALID,
                     "%s: %llu bytes, more than the %llu an input file may "
                     "hold (CHANCERY_MAX_INPUT)",
                     path, (unsigned long long)sb.st_size,
                     (unsigned long long)*max);
    if (!rc && ((flags = fcntl(fd, F_GETFL)) < 0 ||
                fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
                !(*out = fdopen(fd, "rb"))))
        rc =
            err_set(e, ST_ERROR, "cannot read '%s': %s", path, strerror(errno));
    if (rc)
        close(fd);
    return rc;
}
