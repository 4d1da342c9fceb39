/*
 * `chancery import PATH...` and `chancery export DIR`. Import is
 * all-or-nothing: every file is read and validated against the registry
 * and the rows before it, every problem is reported, and only a clean
 * import is committed, in one transaction with its change log. Rows are
 * written in chunks (store_feed) while the rest is read, and rolled back
 * if a later row has a problem. Policy files (the .json files of a
 * policies folder, or named directly) load after every CSV file, since a
 * policy names states, missions and persons.
 */
#include "core/interchange.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <unistd.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "report/notification.h"
#include "rules/notify.h"
#include "rules/policy.h"

struct import_file {
    char *path;
    const struct entity *ent;
};

struct import_plan {
    struct import_file *files;
    size_t n, alloc;
};

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);

    return n > k && !strcmp(name + n - k, suffix);
}

/* The entity a file holds: a policy for any .json file, notifications in
 * notifications.jsonl. */
static const struct entity *file_entity(const char *path)
{
    const char *base = strrchr(path, '/');

    if (!strcmp(base ? base + 1 : path, "notifications.jsonl"))
        return ENTITIES[ENT_NOTIFICATION];
    if (has_suffix(path, ".json"))
        return ENTITIES[ENT_POLICY];
    return interchange_entity_of(path);
}

static void plan_add(struct import_plan *plan, char *path, struct problems *p)
{
    const struct entity *ent = file_entity(path);

    if (!ent) {
        problems_add(p,
                     "%s: not a registry file (expected missions.csv, "
                     "persons.csv, postings.csv, dependents.csv, "
                     "visas.csv, consular.csv, notifications.jsonl or "
                     "policies/*.json)",
                     path);
        free(path);
        return;
    }
    XGROW(plan->files, plan->n + 1, plan->alloc);
    plan->files[plan->n++] = (struct import_file){ path, ent };
}

/* Adds the files of dir whose names end in suffix. */
static void plan_dir(struct import_plan *plan, const char *dir,
                     const char *suffix, struct problems *p)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d) {
        problems_add(p, "%s: cannot read the directory", dir);
        return;
    }
    while ((de = readdir(d))) {
        if (has_suffix(de->d_name, suffix))
            plan_add(plan, xasprintf("%s/%s", dir, de->d_name), p);
    }
    closedir(d);
}

/* A registry directory: its CSV files and its policies folder. */
static void plan_registry(struct import_plan *plan, const char *dir,
                          struct problems *p)
{
    char *policies = xasprintf("%s/policies", dir);
    char *notifications = xasprintf("%s/notifications.jsonl", dir);
    struct stat sb;

    plan_dir(plan, dir, ".csv", p);
    if (!stat(notifications, &sb) && S_ISREG(sb.st_mode))
        plan_add(plan, notifications, p);
    else
        free(notifications);
    if (!stat(policies, &sb) && S_ISDIR(sb.st_mode))
        plan_dir(plan, policies, ".json", p);
    free(policies);
}

/* Where a file's entity loads: policies after every CSV file, then the
 * notifications. */
static int load_rank(const struct entity *ent)
{
    if (ent->kind == ENT_NOTIFICATION)
        return ENT__COUNT + 1;
    return ent->kind == ENT_POLICY ? ENT__COUNT : (int)ent->kind;
}

/* Files load in entity order, so references point to rows read before. */
static int by_entity(const void *a, const void *b)
{
    const struct import_file *x = a, *y = b;

    if (x->ent->kind != y->ent->kind)
        return load_rank(x->ent) - load_rank(y->ent);
    return strcmp(x->path, y->path);
}

static void plan_paths(struct import_plan *plan, int n, char **paths,
                       struct problems *p)
{
    struct stat sb;

    for (int i = 0; i < n; i++) {
        if (stat(paths[i], &sb))
            problems_add(p, "%s: no such file or directory", paths[i]);
        else if (S_ISDIR(sb.st_mode) && !file_entity(paths[i]))
            plan_registry(plan, paths[i], p);
        else
            plan_add(plan, xstrdup(paths[i]), p);
    }
    if (plan->n)
        qsort(plan->files, plan->n, sizeof(*plan->files), by_entity);
}

/* What the reading hands the feed as it goes. */
struct import_feed {
    struct store_feed *feed;
    struct snapshot *s;
    struct problems *p;
    enum entity_kind kind;    /* of the file being read */
    size_t start[ENT__COUNT]; /* records before the import, per kind */
    size_t fed[ENT__COUNT];   /* records handed over, per kind */
    int tty;
};

/* Rows go to the writer in chunks of this many while a file is read. */
#define FEED_CHUNK 65536

/* Hands over the records of kind read since the last time. */
static void feed_rest(struct import_feed *f, enum entity_kind kind)
{
    size_t n = snapshot_count(f->s, kind);

    if (!f->p->n_total && n > f->fed[kind])
        store_feed_insert(f->feed, kind, (uint32_t)f->fed[kind], (uint32_t)n);
    f->fed[kind] = n;
}

/* After each record: progress on a terminal, a chunk to the writer, and,
 * when the next record would make the table grow and move its rows, a
 * wait until the writer is done with them. */
static void on_record(void *ctx, const char *path, unsigned long records)
{
    struct import_feed *f = ctx;
    size_t n = snapshot_count(f->s, f->kind);

    if (f->tty && records % 100000 == 0)
        fprintf(stderr, "\rreading %s: %lu records", path, records);
    if (n - f->fed[f->kind] >= FEED_CHUNK)
        feed_rest(f, f->kind);
    if (n == snapshot_capacity(f->s, f->kind)) {
        feed_rest(f, f->kind);
        store_feed_drain(f->feed);
    }
}

static void print_counts(const struct snapshot *s,
                         const size_t before[ENT__COUNT])
{
    printf("imported");
    for (int i = 0; i < INTERCHANGE_N_ENTITIES; i++) {
        enum entity_kind k = INTERCHANGE_ENTITIES[i];

        printf("%s %zu %s", i ? "," : "", snapshot_count(s, k) - before[k],
               ENTITIES[k]->table);
    }
    printf(", %zu policies",
           snapshot_count(s, ENT_POLICY) - before[ENT_POLICY]);
    if (snapshot_count(s, ENT_NOTIFICATION) > before[ENT_NOTIFICATION])
        printf(", %zu notifications",
               snapshot_count(s, ENT_NOTIFICATION) - before[ENT_NOTIFICATION]);
    printf("\n");
}

static enum status read_policies(struct snapshot *s, const char *path,
                                 struct problems *p, struct err *e)
{
    struct buf b;
    size_t n;

    if (cli_read_file(path, &b, e))
        return e->status;
    policy_read_text(s, path, b.data, b.len, p, &n);
    buf_release(&b);
    return ST_OK;
}

static enum status read_notifications(struct snapshot *s, const char *path,
                                      struct problems *p, struct err *e)
{
    struct buf b;

    if (cli_read_file(path, &b, e))
        return e->status;
    notify_read_lines(s, path, b.data, b.len, p);
    buf_release(&b);
    return ST_OK;
}

/* Reads one planned file into s; ST_OK unless it cannot be read. */
static enum status read_planned(struct import_feed *f,
                                const struct import_file *file, struct err *e)
{
    struct read_progress progress = { on_record, f };

    f->kind = file->ent->kind;
    /* Another file of a kind already handed over: reading it may grow the
     * table, moving the rows the writer may still be reading. */
    if (f->fed[f->kind] > f->start[f->kind])
        store_feed_drain(f->feed);
    if (f->kind == ENT_POLICY)
        return read_policies(f->s, file->path, f->p, e);
    if (f->kind == ENT_NOTIFICATION)
        return read_notifications(f->s, file->path, f->p, e);
    return interchange_read_file(f->s, file->ent, file->path, f->p, &progress,
                                 e);
}

/* About how many records the plan will add: a bulk write from 50,000. */
static size_t expected_records(const struct import_plan *plan)
{
    size_t n = 0;

    for (size_t i = 0; i < plan->n; i++)
        if (plan->files[i].ent->kind != ENT_POLICY &&
            plan->files[i].ent->kind != ENT_NOTIFICATION)
            n += interchange_estimate_records(plan->files[i].path);
    return n;
}

/* Reads the planned files in order, handing their records to the feed as
 * they are read (in chunks, and the rest at the end of each file), so that
 * they are written meanwhile. After a problem nothing more is handed over,
 * but every file is still read, to report every problem. */
static enum status read_all(struct snapshot *s, const struct import_plan *plan,
                            struct store_feed *feed, struct problems *p,
                            struct err *e)
{
    struct import_feed f = { feed, s, p, ENT_STATE, { 0 }, { 0 }, isatty(2) };

    for (int k = 0; k < ENT__COUNT; k++)
        f.start[k] = f.fed[k] = snapshot_count(s, k);
    for (size_t i = 0; i < plan->n; i++) {
        if (read_planned(&f, &plan->files[i], e))
            return e->status;
        feed_rest(&f, plan->files[i].ent->kind);
    }
    return ST_OK;
}

/* An import of one export directory carries its change log over into an
 * empty registry (store_feed_adopt_log): the log's file, else NULL. */
static char *log_to_adopt(int n, char **paths)
{
    struct stat sb;
    char *path;

    if (n != 1 || stat(paths[0], &sb) || !S_ISDIR(sb.st_mode))
        return NULL;
    path = xasprintf("%s/%s", paths[0], STORE_LOG_FILE);
    if (!stat(path, &sb))
        return path;
    free(path);
    return NULL;
}

static int import_files(struct cli *cli, struct import_plan *plan,
                        const char *log, struct problems *p)
{
    int adopted = 0;
    size_t before[ENT__COUNT];
    struct store_feed *feed;
    struct store *st = NULL;
    struct snapshot s;
    struct err e, fe;
    enum status read_rc, write_rc;
    int rc = 0;

    snapshot_init(&s);
    if (cli_open_for_write(cli, &st, &s, &e) ||
        store_feed_start(st, &s, &(struct change_meta){ cli->actor, "import" },
                         expected_records(plan), &feed, &e)) {
        snapshot_release(&s);
        store_close(st);
        return cli_fail(&e);
    }
    for (int k = 0; k < ENT__COUNT; k++)
        before[k] = snapshot_count(&s, k);
    if (log)
        store_feed_adopt_log(feed, log, &adopted);
    read_rc = read_all(&s, plan, feed, p, &e);
    if (isatty(2))
        fprintf(stderr, "\r\033[K");
    write_rc = store_feed_finish(feed, !read_rc && !p->n_total, &fe);
    if (read_rc)
        rc = cli_fail(&e);
    else if (p->n_total)
        rc = cli_fail_problems(p);
    else if (write_rc)
        rc = cli_fail(&fe);
    else
        print_counts(&s, before);
    if (!rc && log)
        fprintf(stderr,
                adopted ? "chancery: note: the change log of %s carried over\n"
                        : "chancery: note: %s not carried over: the registry "
                          "has a change log of its own, which records the "
                          "import\n",
                log);
    snapshot_release(&s);
    store_close(st);
    return rc;
}

int cli_import(struct cli *cli, int n, char **paths)
{
    struct import_plan plan = { NULL, 0, 0 };
    struct problems p;
    char *log = log_to_adopt(n, paths);
    int rc;

    problems_init(&p);
    plan_paths(&plan, n, paths, &p);
    rc = p.n_total ? cli_fail_problems(&p) : import_files(cli, &plan, log, &p);
    free(log);
    for (size_t i = 0; i < plan.n; i++)
        free(plan.files[i].path);
    free(plan.files);
    problems_release(&p);
    return rc;
}

const struct cmd_spec IMPORT_SPEC = {
    .name = "import",
    .operands = "PATH...",
    .min_operands = 1,
    .max_operands = -1,
    .help = "import a registry directory or interchange files, "
            "all-or-nothing.",
    .more = "A directory holds missions.csv, persons.csv, postings.csv, "
            "dependents.csv, visas.csv, consular.csv and policies/*.json "
            "(docs/registry.md); every problem is reported with its file, "
            "line and field, and nothing is written unless all are valid.",
    .example = { "import data/demo", "import missions.csv persons.csv" },
};

int cmd_import(struct cli *cli, int argc, char **argv)
{
    struct opts_rest paths;
    int rc = opts_parse(cli, &IMPORT_SPEC, argc, argv, NULL, NULL, &paths);

    if (rc != OPTS_GO)
        return rc;
    return cli_import(cli, paths.n, paths.v);
}

/* Writes each policy to DIR/policies/ID.json, as the registry holds it. */
static enum status export_policies(const struct snapshot *s, const char *dir,
                                   struct err *e)
{
    char *folder = xasprintf("%s/policies", dir);
    enum status rc = ST_OK;
    struct buf b;

    if (snapshot_count(s, ENT_POLICY) && mkdir(folder, 0777) && errno != EEXIST)
        rc = err_set(e, ST_ERROR, "cannot create '%s': %s", folder,
                     strerror(errno));
    buf_init(&b, BUF_MAX_DEFAULT);
    for (uint32_t i = 0; !rc && i < snapshot_count(s, ENT_POLICY); i++) {
        const struct policy *y = snapshot_row(s, ENT_POLICY, i);
        char *text = policy_pretty(y);
        char *path = xasprintf("%s/%s.json", folder, y->id);

        buf_reset(&b);
        if (buf_addstr(&b, text))
            rc = err_set(e, ST_ERROR, "'%s' is too large to write", path);
        else
            rc = interchange_write_file(path, &b, e);
        free(path);
        free(text);
    }
    buf_release(&b);
    free(folder);
    return rc;
}

/* Writes DIR/notifications.jsonl, one object per line, when the registry
 * holds any notification. */
static enum status export_notifications(const struct snapshot *s,
                                        const char *dir, struct err *e)
{
    char *path;
    enum status rc;
    struct buf b;

    if (!snapshot_count(s, ENT_NOTIFICATION))
        return ST_OK;
    path = xasprintf("%s/notifications.jsonl", dir);
    buf_init(&b, BUF_MAX_DEFAULT * 4);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_NOTIFICATION); i++)
        notification_line(&b, s, snapshot_row(s, ENT_NOTIFICATION, i));
    rc = interchange_write_file(path, &b, e);
    buf_release(&b);
    free(path);
    return rc;
}

/* 1 when name is what an export writes: a CSV file of the registry. */
static int export_file(const char *name)
{
    return interchange_entity_of(name) != NULL ||
           !strcmp(name, "notifications.jsonl") ||
           !strcmp(name, STORE_LOG_FILE);
}

/* Whether dir may be replaced: 0 when it is absent or empty, 1 when it
 * holds only what an export writes (so --force may remove it); else
 * ST_INVALID, naming the first other file: --force never removes a file
 * export did not write. */
static enum status dir_state(const char *dir, int *holds, struct err *e)
{
    char *policies = xasprintf("%s/policies", dir);
    struct dirent *de;
    enum status rc = ST_OK;
    DIR *d = opendir(dir);

    *holds = 0;
    if (!d && errno != ENOENT)
        rc = err_set(e, ST_INVALID, "%s: %s", dir, strerror(errno));
    while (!rc && d && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        *holds = 1;
        if (!export_file(de->d_name) && strcmp(de->d_name, "policies"))
            rc = err_set(e, ST_INVALID,
                         "%s: holds '%s', which export does not write: not "
                         "replaced",
                         dir, de->d_name);
    }
    if (d)
        closedir(d);
    d = rc ? NULL : opendir(policies);
    while (d && !rc && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
            !has_suffix(de->d_name, ".json"))
            rc = err_set(e, ST_INVALID,
                         "%s: holds '%s', which export does not write: not "
                         "replaced",
                         policies, de->d_name);
    }
    if (d)
        closedir(d);
    free(policies);
    return rc;
}

/* Removes an old export: its CSV files, its policies, and the folders. */
static void remove_export(const char *dir)
{
    char *policies = xasprintf("%s/policies", dir);
    const char *dirs[2] = { policies, dir };

    for (int k = 0; k < 2; k++) {
        DIR *d = opendir(dirs[k]);
        struct dirent *de;

        while (d && (de = readdir(d))) {
            char *path = xasprintf("%s/%s", dirs[k], de->d_name);

            if (k ? export_file(de->d_name) : has_suffix(de->d_name, ".json"))
                unlink(path);
            free(path);
        }
        if (d)
            closedir(d);
        rmdir(dirs[k]);
    }
    free(policies);
}

/* Moves the finished export tmp to dir, the old export (if any) aside
 * first and removed after. */
static enum status move_into_place(const char *tmp, const char *dir, int holds,
                                   struct err *e)
{
    char *old = xasprintf("%s.old-XXXXXX", dir);
    mode_t mask = umask(0);
    enum status rc = ST_OK;

    umask(mask);
    chmod(tmp, 0777 & ~mask);
    if (holds && (!mkdtemp(old) || rename(dir, old)))
        rc = err_set(e, ST_ERROR, "cannot move '%s' aside: %s", dir,
                     strerror(errno));
    else if (rename(tmp, dir))
        rc = err_set(e, ST_ERROR, "cannot rename '%s' to '%s': %s", tmp, dir,
                     strerror(errno));
    if (holds && !rc)
        remove_export(old);
    free(old);
    return rc;
}

/* Writes the export into a fresh directory beside dir, then moves it into
 * place: no file of an older export survives, and a failed export leaves
 * dir as it was. */
static enum status export_to(const struct snapshot *s, struct store *st,
                             int64_t head, const char *dir, int force,
                             struct err *e)
{
    char *log;
    char *tmp = xasprintf("%s.tmp-XXXXXX", dir);
    enum status rc;
    int holds;

    rc = dir_state(dir, &holds, e);
    if (!rc && holds && !force)
        rc = err_set(e, ST_INVALID,
                     "%s: not empty (export writes a fresh directory; "
                     "--force replaces an older export)",
                     dir);
    if (!rc && !mkdtemp(tmp))
        rc = err_set(e, ST_ERROR, "cannot create '%s': %s", tmp,
                     strerror(errno));
    else if (!rc && !(rc = interchange_write_dir(s, tmp, e)) &&
             !(rc = export_policies(s, tmp, e)) &&
             !(rc = export_notifications(s, tmp, e))) {
        log = xasprintf("%s/%s", tmp, STORE_LOG_FILE);
        rc = store_export_log(st, head, log, e);
        free(log);
        if (!rc)
            rc = move_into_place(tmp, dir, holds, e);
    }
    if (rc && strcmp(tmp + strlen(tmp) - 6, "XXXXXX"))
        remove_export(tmp);
    free(tmp);
    return rc;
}

struct export_args {
    int force;
};

static const struct opt EXPORT_OPTS[] = {
    { .name = "force",
      .kind = OPT_FLAG,
      .offset = offsetof(struct export_args, force),
      .help = "replace DIR when it holds an older export (only files export "
              "writes); without it a non-empty DIR is refused." },
    { .name = NULL },
};

const struct cmd_spec EXPORT_SPEC = {
    .name = "export",
    .operands = "DIR",
    .min_operands = 1,
    .max_operands = 1,
    .help = "write the registry as interchange files into DIR.",
    .more = "The files are those import reads, so an export imports back "
            "to the same registry. They are written to a fresh directory "
            "beside DIR and renamed into place, so no file of an older "
            "export survives.",
    .example = { "export backup", "--as-known-on 2021-11-30 export --force "
                                  "as-recorded-2021-11-30" },
    .opts = EXPORT_OPTS,
};

int cmd_export(struct cli *cli, int argc, char **argv)
{
    struct opts_rest dir;
    struct store *st;
    struct snapshot s;
    struct err e;
    struct export_args a = { 0 };
    int64_t head;
    char *path;
    int rc = opts_parse(cli, &EXPORT_SPEC, argc, argv, &a, NULL, &dir);

    if (rc != OPTS_GO)
        return rc;
    rc = 0;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    path = xstrdup(dir.v[0]);
    /* "exp/" names exp: the fresh directory goes beside it, not in it. */
    for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
        path[n - 1] = '\0';
    /* The log up to the registry loaded: its head when loaded, or as
     * known on the date asked. */
    head = store_known_head(st);
    if ((cli->as_known_on != DATE_NONE &&
         store_log_head(st, cli->as_known_on, &head, &e)) ||
        export_to(&s, st, head, path, a.force, &e))
        rc = cli_fail(&e);
    free(path);
    snapshot_release(&s);
    store_close(st);
    return rc;
}
