/*
 * Where a PostgreSQL registry's snapshot image lives. An SQLite registry's
 * image is PATH.snapshot beside its file (store/cache.c); a PostgreSQL
 * registry has no file, and its server is usually another machine, so
 * each machine that reads it keeps an image of its own in a cache folder
 * of the user's: $CHANCERY_CACHE_DIR, else $XDG_CACHE_HOME/chancery, else
 * ~/.cache/chancery (made 0700 when missing). The image is then used and
 * kept current exactly as SQLite's (store/load.c): mapped in place, the
 * change log's tail folded in, written again atomically.
 *
 * The file is named from the database's identity, a hash of the
 * cluster's system identifier (pg_control_system(), made by initdb), the
 * database's name and the schema the registry lies in, so that two
 * registries (two clusters, two databases of one cluster, two schemas of
 * one database) never share a file, whatever the URL says (a host name or
 * an address, a port through a pooler). A primary and its streaming
 * standbys, one cluster copied, share one; so does a registry dropped and
 * made again under the same name. The name is never trusted alone: an
 * image is used only when the registry's log holds its head, seq and hash
 * (store/load.c, log_has), so an image of another history is rebuilt, and
 * one ahead of the log is read by nobody whose log lacks its head. A
 * standby that lags its primary does not replace an image ahead of it
 * (pg_image_keep): the primary's readers would rebuild it at once.
 *
 * The folder must be a directory of the user's own that no one else may
 * write to: an image is trusted to skip the tables (its checksums guard
 * against accident, not forgery), so one that another user could have
 * put there is not read. When there is no such folder, or the identity
 * cannot be read (a server that refuses pg_control_system() to the role),
 * the registry keeps no image and every read loads the tables, as before,
 * with no error; a folder that is the user's but not writable keeps
 * whatever image is there usable and writes none (nor encodes one: at a
 * million postings that is seconds of work thrown away).
 *
 * An image is written to a temporary file of a unique name in the folder
 * (mkstemp: PATH.XXXXXX), then renamed into place: two machines sharing
 * a home over NFS could both have a process of one PID. Writing one also
 * bounds the folder: our temporary files (pg-*.snapshot.*, of this user)
 * older than a day are left by a process killed while writing (one being
 * written is younger), and images (pg-*.snapshot) whose access and
 * modification times are both over 30 days old are not used any more,
 * so both are removed, never the image being written. Since mounts may
 * not record reads (noatime, NFS), opening a registry sets its image's
 * access time when it is over an hour old.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/internal.h"

/* The image's name: this many bytes of the identity's hash, in hex. */
#define NAME_BYTES 16
/* A temporary file this old was left by a process killed while writing. */
#define STALE_TMP_SECONDS (24 * 3600)
/* An image not used for this long is removed when another is written. */
#define UNUSED_IMAGE_SECONDS (30 * 24 * 3600)
/* Opening a registry sets its image's access time when older than this. */
#define MARK_USED_SECONDS 3600

/* Makes path (and, with parents, its missing parents) as directories of
 * mode 0700; 0 when it exists as a directory after. */
static int make_dir(char *path, int parents)
{
    struct stat sb;

    if (!stat(path, &sb))
        return !S_ISDIR(sb.st_mode);
    if (parents) {
        char *slash = strrchr(path, '/');

        if (slash && slash != path) {
            *slash = '\0';
            make_dir(path, 1);
            *slash = '/';
        }
    }
    return mkdir(path, 0700) && errno != EEXIST;
}

/* The cache folder, made if missing; NULL when there is none fit for
 * images (see above). */
static char *cache_dir(void)
{
    const char *dir = getenv("CHANCERY_CACHE_DIR"),
               *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char *path;
    struct stat sb;

    if (dir && *dir)
        path = xstrdup(dir);
    else if (xdg && *xdg == '/')
        path = xasprintf("%s/chancery", xdg);
    else if (home && *home == '/')
        path = xasprintf("%s/.cache/chancery", home);
    else
        return NULL;
    if (make_dir(path, 1) || stat(path, &sb) || !S_ISDIR(sb.st_mode) ||
        sb.st_uid != geteuid() || (sb.st_mode & (S_IWGRP | S_IWOTH))) {
        free(path);
        return NULL;
    }
    return path;
}

/* The database's identity, "SYSID/DATABASE/SCHEMA", and whether it is a
 * standby; NULL when it cannot be read. */
static char *identity(struct store *st, int *standby)
{
    struct sql_stmt *q;
    char *id = NULL;

    if (db_prepare(st,
                   "SELECT system_identifier::text, current_database(), "
                   "current_schema(), pg_is_in_recovery()::int "
                   "FROM pg_control_system()",
                   &q, NULL))
        return NULL;
    if (sql_step(q) == SQL_ROW && sql_column_text(q, 0) &&
        sql_column_text(q, 1) && sql_column_text(q, 2)) {
        id = xasprintf("%s/%s/%s", (const char *)sql_column_text(q, 0),
                       (const char *)sql_column_text(q, 1),
                       (const char *)sql_column_text(q, 2));
        *standby = sql_column_int(q, 3);
    }
    sql_finalize(q);
    return id;
}

/* Sets file's access time to now when it is over MARK_USED_SECONDS old:
 * the image is in use, whatever the mount records of reads. */
static void mark_used(const char *file)
{
    struct timespec times[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
    struct stat sb;

    if (!stat(file, &sb) && sb.st_atime < time(NULL) - MARK_USED_SECONDS)
        utimensat(AT_FDCWD, file, times, 0);
}

/* Whether name, a file of the cache folder, is one to remove when keep
 * (the image being written, by its name in the folder) is written. */
static int sweepable(const char *name, const char *keep, const struct stat *sb,
                     time_t now)
{
    const char *dot = strstr(name, ".snapshot");
    time_t used = sb->st_atime > sb->st_mtime ? sb->st_atime : sb->st_mtime;

    if (strncmp(name, "pg-", 3) || !dot || !S_ISREG(sb->st_mode) ||
        sb->st_uid != geteuid() || !strcmp(name, keep))
        return 0;
    if (dot[9] == '.') /* a temporary file */
        return sb->st_mtime < now - STALE_TMP_SECONDS;
    return !dot[9] && used < now - UNUSED_IMAGE_SECONDS;
}

/* Removes the cache folder's stale temporary files and unused images. */
static void sweep(const char *path)
{
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');
    const char *keep = slash ? slash + 1 : path;
    time_t now = time(NULL);
    struct dirent *de;
    DIR *d;

    if (!slash) {
        free(dir);
        return;
    }
    *slash = '\0';
    d = opendir(dir);
    while (d && (de = readdir(d))) {
        struct stat sb;

        if (!fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) &&
            sweepable(de->d_name, keep, &sb, now))
            unlinkat(dirfd(d), de->d_name, 0);
    }
    if (d)
        closedir(d);
    free(dir);
}

char *image_tmp_name(struct store *st, const char *path)
{
    char *tmp;
    int fd;

    if (!st->pg)
        return xasprintf("%s.%ld", path, (long)getpid());
    sweep(path);
    tmp = xasprintf("%s.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return NULL;
    }
    close(fd);
    return tmp;
}

void pg_image_locate(struct store *st)
{
    unsigned char sum[NAME_BYTES];
    char hex[2 * NAME_BYTES + 1], *dir, *id;
    int standby = 0;

    if (!cache_wanted() || !(id = identity(st, &standby)))
        return;
    dir = cache_dir();
    if (dir) {
        crypto_generichash(sum, sizeof(sum), (const unsigned char *)id,
                           strlen(id), NULL, 0);
        sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
        st->image_file = xasprintf("%s/pg-%s.snapshot", dir, hex);
        st->pg_standby = standby;
        st->pg_image_readonly = access(dir, W_OK) != 0;
        mark_used(st->image_file);
    }
    free(dir);
    free(id);
}

int pg_image_keep(struct store *st, int64_t seq)
{
    struct image_info info;

    if (st->pg_image_readonly)
        return 0;
    return !st->pg_standby || cache_head(st, &info) || info.seq <= seq;
}
