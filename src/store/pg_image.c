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
 */
#include <sys/stat.h>

#include <errno.h>
#include <sodium.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/internal.h"

/* The image's name: this many bytes of the identity's hash, in hex. */
#define NAME_BYTES 16

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
