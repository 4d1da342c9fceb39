/*
 * The change log in an export, and the offline check of an export against
 * a checkpoint (docs/registry.md, "The change log in an export").
 *
 * `export` writes the log as changelog.jsonl: one JSON object per entry, in
 * seq order, with every field the entry's encoding covers (the after
 * images derived as `audit verify` derives them) and its chain hash. So
 * the file alone gives every leaf of the Merkle tree.
 *
 * `audit verify-export` needs no database: it re-encodes each entry (the
 * encoding of store/entry.c), recomputes the chain and the tree, and
 * compares size and root with a checkpoint the auditor trusts. Then it
 * reads the export's registry files as an import would (the reference data
 * from the log's own images) and compares each record's image with the
 * log's last image of it. Each failure names the first bad entry: a seq
 * out of place (deleted or reordered entries), an entry whose hash no
 * longer matches (edited), the first entry past the end (truncated), the
 * last entry of a record that differs from the export (a forged record).
 * An entry rewritten with every hash recomputed can only be seen in the
 * root, which no entry names.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <unistd.h>

#include "base/idmap.h"
#include "base/xalloc.h"
#include "core/interchange.h"
#include "rules/notify.h"
#include "rules/policy.h"
#include "store/tlog.h"

/* ---- Writing. */

struct log_writer {
    FILE *f;
    const char *path;
};

static json_t *text_or_null(const char *text)
{
    return text ? json_string(text) : json_null();
}

static enum status write_entry(void *ctx, const struct log_fields *f,
                               const char *hash, struct err *e)
{
    struct log_writer *w = ctx;
    json_t *o = json_object();
    int bad;

    json_object_set_new(o, "seq", json_integer(f->seq));
    json_object_set_new(o, "recorded", text_or_null(f->recorded));
    json_object_set_new(o, "actor", text_or_null(f->actor));
    json_object_set_new(o, "op", text_or_null(f->op));
    json_object_set_new(o, "entity", text_or_null(f->entity));
    json_object_set_new(o, "key", text_or_null(f->key));
    json_object_set_new(o, "before", text_or_null(f->before));
    json_object_set_new(o, "after", text_or_null(f->after));
    json_object_set_new(o, "reason", text_or_null(f->reason));
    json_object_set_new(o, "hash", json_string(hash));
    bad = json_dumpf(o, w->f, JSON_COMPACT | JSON_PRESERVE_ORDER) ||
          fputc('\n', w->f) == EOF;
    json_decref(o);
    if (bad)
        return err_set(e, ST_ERROR, "cannot write '%s': %s", w->path,
                       strerror(errno));
    return ST_OK;
}

enum status store_export_log(struct store *st, int64_t upto, const char *path,
                             struct err *e)
{
    struct log_writer w = { fopen(path, "w"), path };
    enum status rc;

    if (!w.f)
        return err_set(e, ST_ERROR, "cannot create '%s': %s", path,
                       strerror(errno));
    rc = log_walk(st, upto, write_entry, &w, e);
    if (fclose(w.f) && !rc)
        rc = err_set(e, ST_ERROR, "cannot write '%s': %s", path,
                     strerror(errno));
    return rc;
}

/* ---- Checking. */

/* A record as the log leaves it: its last entry and image (NULL once
 * deleted), and whether the export holds it. */
struct last_image {
    char *id; /* entity, 0x1F, key */
    int64_t seq;
    char *image;
    const struct entity *ent;
    int seen;
};

struct export_checker {
    const char *dir;
    char *log_path;
    uint64_t size; /* the checkpoint's */
    struct idmap by_record;
    struct last_image *records;
    size_t n_records, alloc_records;
    struct merkle_frontier tree;
    unsigned char prev[HASH_BYTES];
    uint64_t n; /* entries read */
    struct buf enc;
    /* The first bad record: the smallest seq, or a record in no entry. */
    int64_t bad_seq;
    char *bad;
};

/* Notes a bad record; the one of the smallest seq is kept (0: a record in
 * no entry, kept only when nothing else is bad). */
static void note_bad(struct export_checker *c, int64_t seq, char *message)
{
    if (!c->bad || (seq && (!c->bad_seq || seq < c->bad_seq))) {
        free(c->bad);
        c->bad = message;
        c->bad_seq = seq;
    } else {
        free(message);
    }
}

static const char *member_text(json_t *o, const char *name, int *bad)
{
    json_t *v = json_object_get(o, name);

    if (json_is_string(v))
        return json_string_value(v);
    if (!json_is_null(v))
        *bad = 1;
    return NULL;
}

/* The fields of the entry in line o. ST_INVALID when it is not one. */
static enum status entry_of(json_t *o, struct log_fields *f, const char **hash)
{
    int bad = !json_is_object(o) || !json_is_integer(json_object_get(o, "seq"));

    if (bad)
        return ST_INVALID;
    f->seq = json_integer_value(json_object_get(o, "seq"));
    f->recorded = member_text(o, "recorded", &bad);
    f->actor = member_text(o, "actor", &bad);
    f->op = member_text(o, "op", &bad);
    f->entity = member_text(o, "entity", &bad);
    f->key = member_text(o, "key", &bad);
    f->before = member_text(o, "before", &bad);
    f->after = member_text(o, "after", &bad);
    f->reason = member_text(o, "reason", &bad);
    *hash = member_text(o, "hash", &bad);
    return bad || !f->op || !f->entity || !f->key || !*hash ? ST_INVALID
                                                            : ST_OK;
}

/* Notes entry f as its record's last. */
static void track_record(struct export_checker *c, const struct entity *ent,
                         const struct log_fields *f)
{
    char *id = xasprintf("%s\x1f%s", f->entity, f->key);
    uint32_t i = idmap_get(&c->by_record, id);
    struct last_image *r;

    if (i == IDMAP_NONE) {
        XGROW(c->records, c->n_records + 1, c->alloc_records);
        r = &c->records[c->n_records];
        memset(r, 0, sizeof(*r));
        r->id = id;
        r->ent = ent;
        idmap_put(&c->by_record, r->id, (uint32_t)c->n_records++);
    } else {
        free(id);
        r = &c->records[i];
        free(r->image);
    }
    r->seq = f->seq;
    r->image = strcmp(f->op, "delete") && f->after ? xstrdup(f->after) : NULL;
}

/* Checks one entry of the export's log against the chain and adds its
 * leaf to the tree. */
static enum status check_line(struct export_checker *c, json_t *o, size_t line,
                              struct err *e)
{
    struct log_fields f;
    const char *hash;
    unsigned char chain[HASH_BYTES], leaf[HASH_BYTES], stored[HASH_BYTES];
    char prev_hex[HASH_HEX] = "";
    const struct entity *ent;
    int64_t want = (int64_t)c->n + 1;

    if (entry_of(o, &f, &hash))
        return err_set(e, ST_INVALID,
                       "change %lld: %s:%zu is not a change-log entry",
                       (long long)want, c->log_path, line);
    if (f.seq != want)
        return err_set(e, ST_INVALID,
                       "change %lld: %s:%zu holds change %lld in its place: "
                       "entries were deleted or reordered",
                       (long long)want, c->log_path, line, (long long)f.seq);
    if ((uint64_t)want > c->size)
        return err_set(e, ST_INVALID,
                       "change %lld: the checkpoint has only %llu entries: "
                       "the export is not of this checkpoint",
                       (long long)want, (unsigned long long)c->size);
    ent = entity_by_name(f.entity);
    if (!ent || entry_encode(&f, &c->enc))
        return err_set(e, ST_INVALID, "change %lld: unknown entity '%s'",
                       (long long)want, f.entity);
    if (c->n)
        hash_to_hex(c->prev, prev_hex);
    entry_hashes(prev_hex, &c->enc, chain, leaf);
    if (hash_from_hex(hash, stored) || memcmp(stored, chain, HASH_BYTES))
        return err_set(e, ST_INVALID,
                       "change %lld (%s '%s'): hash does not match its "
                       "content and the chain before it: the entry was "
                       "edited",
                       (long long)want, f.entity, f.key);
    memcpy(c->prev, chain, HASH_BYTES);
    merkle_frontier_append(&c->tree, leaf, NULL, NULL);
    track_record(c, ent, &f);
    c->n++;
    return ST_OK;
}

static enum status read_log(struct export_checker *c, struct err *e)
{
    FILE *f = fopen(c->log_path, "r");
    char *line = NULL;
    size_t cap = 0, n_line = 0;
    ssize_t len;
    enum status rc = ST_OK;

    if (!f)
        return err_set(e, ST_INVALID,
                       "%s: %s (an export carries its change "
                       "log since schema 8)",
                       c->log_path, strerror(errno));
    while (!rc && (len = getline(&line, &cap, f)) >= 0) {
        json_t *o = json_loadb(line, (size_t)len,
                               JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);

        rc = check_line(c, o, ++n_line, e);
        json_decref(o);
    }
    free(line);
    if (!rc && ferror(f))
        rc = err_set(e, ST_ERROR, "cannot read '%s': %s", c->log_path,
                     strerror(errno));
    fclose(f);
    if (!rc && c->n < c->size)
        rc = err_set(e, ST_INVALID,
                     "change %llu: missing: the export's log ends at change "
                     "%llu, the checkpoint has %llu entries (truncated)",
                     (unsigned long long)c->n + 1, (unsigned long long)c->n,
                     (unsigned long long)c->size);
    return rc;
}

/* Adds to s the record whose image is text (the reference data an export
 * leaves to `init`). */
static enum status seed_record(struct snapshot *s, const struct last_image *r,
                               struct err *e)
{
    json_t *o = json_loads(r->image, 0, NULL);
    void *rec = xmalloc(r->ent->size);
    enum status rc = json_is_object(o) ? ST_OK : ST_INVALID;

    record_clear(r->ent, rec);
    for (int i = 0; !rc && i < r->ent->n_fields; i++) {
        json_t *v = json_object_get(o, r->ent->fields[i].name);
        const char *text = json_is_string(v)  ? json_string_value(v)
                           : json_is_true(v)  ? "true"
                           : json_is_false(v) ? "false"
                                              : "";

        rc = field_parse(s, &r->ent->fields[i], rec, text, e);
    }
    if (!rc)
        rc = snapshot_add(s, r->ent->kind, rec, NULL, e);
    if (rc)
        rc = err_set(e, ST_INVALID, "change %lld (%s): a bad image",
                     (long long)r->seq, r->ent->name);
    free(rec);
    json_decref(o);
    return rc;
}

static int exported(enum entity_kind k)
{
    return k != ENT_STATE && k != ENT_ORGANIZATION;
}

static enum status read_text(const char *path, struct buf *b, struct err *e)
{
    FILE *f = fopen(path, "r");
    char chunk[1 << 16];
    size_t n;

    buf_init(b, (size_t)1 << 34);
    while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_add(b, chunk, n)) {
            fclose(f);
            return err_set(e, ST_INVALID, "%s: too large", path);
        }
    if (!f || ferror(f)) {
        if (f)
            fclose(f);
        return err_set(e, ST_ERROR, "cannot read '%s': %s", path,
                       strerror(errno));
    }
    fclose(f);
    return ST_OK;
}

/* Reads the export's policies folder and notifications into s. */
static enum status read_json_files(struct export_checker *c, struct snapshot *s,
                                   struct problems *p, struct err *e)
{
    char *folder = xasprintf("%s/policies", c->dir);
    char *notes = xasprintf("%s/notifications.jsonl", c->dir);
    struct dirent **names = NULL;
    int n = scandir(folder, &names, NULL, alphasort);
    enum status rc = ST_OK;
    struct buf b;

    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name), k = 0;
        char *path = xasprintf("%s/%s", folder, names[i]->d_name);

        if (!rc && len > 5 && !strcmp(names[i]->d_name + len - 5, ".json") &&
            !(rc = read_text(path, &b, e))) {
            policy_read_text(s, path, b.data, b.len, p, &k);
            buf_release(&b);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    if (!rc && !access(notes, F_OK) && !(rc = read_text(notes, &b, e))) {
        notify_read_lines(s, notes, b.data, b.len, p);
        buf_release(&b);
    }
    free(folder);
    free(notes);
    return rc;
}

/* Reads the export's registry files into s, the reference data first from
 * the log's images, as an import into a fresh registry would. */
static enum status read_registry(struct export_checker *c, struct snapshot *s,
                                 struct err *e)
{
    struct problems p;
    enum status rc = ST_OK;

    for (size_t i = 0; !rc && i < c->n_records; i++)
        if (!exported(c->records[i].ent->kind) && c->records[i].image)
            rc = seed_record(s, &c->records[i], e);
    problems_init(&p);
    for (int k = 0; !rc && k < INTERCHANGE_N_ENTITIES; k++) {
        const struct entity *ent = ENTITIES[INTERCHANGE_ENTITIES[k]];
        char *path = xasprintf("%s/%s.csv", c->dir, ent->table);

        if (!access(path, F_OK))
            rc = interchange_read_file(s, ent, path, &p, NULL, e);
        free(path);
    }
    if (!rc)
        rc = read_json_files(c, s, &p, e);
    if (!rc && p.n_kept)
        rc = err_set(e, ST_INVALID, "the export does not read back: %s",
                     p.msgs[0]);
    problems_release(&p);
    return rc;
}

/* Compares each record of s with the log's last image of it. */
static void compare_records(struct export_checker *c, const struct snapshot *s)
{
    char key[256];

    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];

        for (uint32_t i = 0; exported(k) && i < snapshot_count(s, k); i++) {
            const void *rec = snapshot_row(s, k, i);
            char *id = xasprintf("%s\x1f%s", ent->name,
                                 record_key(s, ent, rec, key, sizeof(key)));
            uint32_t j = idmap_get(&c->by_record, id);
            struct last_image *r = j == IDMAP_NONE ? NULL : &c->records[j];
            char *image = record_image(s, ent, rec);

            if (!r || !r->image)
                note_bad(c, r ? r->seq : 0,
                         xasprintf("%s '%s' is in the export but %s", ent->name,
                                   strchr(id, '\x1f') + 1,
                                   r ? "the log deleted it"
                                     : "in no entry "
                                       "of the log"));
            else if (strcmp(image, r->image))
                note_bad(c, r->seq,
                         xasprintf("%s '%s' differs from its last image in "
                                   "the log",
                                   ent->name, strchr(id, '\x1f') + 1));
            if (r)
                r->seen = 1;
            free(image);
            free(id);
        }
    }
    for (size_t i = 0; i < c->n_records; i++) {
        struct last_image *r = &c->records[i];

        if (r->image && !r->seen && exported(r->ent->kind))
            note_bad(c, r->seq,
                     xasprintf("%s '%s' is missing from the export",
                               r->ent->name, strchr(r->id, '\x1f') + 1));
    }
}

static void checker_release(struct export_checker *c)
{
    for (size_t i = 0; i < c->n_records; i++) {
        free(c->records[i].id);
        free(c->records[i].image);
    }
    free(c->records);
    idmap_release(&c->by_record);
    buf_release(&c->enc);
    free(c->log_path);
    free(c->bad);
}

enum status store_check_export(const char *dir, uint64_t size,
                               const unsigned char root[STORE_TREE_HASH],
                               struct export_summary *out, struct err *e)
{
    struct export_checker c;
    struct snapshot s;
    unsigned char have[MERKLE_HASH];
    enum status rc;

    memset(&c, 0, sizeof(c));
    memset(out, 0, sizeof(*out));
    c.dir = dir;
    c.size = size;
    c.log_path = xasprintf("%s/%s", dir, STORE_LOG_FILE);
    idmap_init(&c.by_record);
    buf_init(&c.enc, BUF_MAX_DEFAULT);
    merkle_frontier_init(&c.tree);
    snapshot_init(&s);
    rc = read_log(&c, e);
    out->entries = c.n;
    if (!rc) {
        merkle_frontier_root(&c.tree, have);
        if (memcmp(have, root, MERKLE_HASH))
            rc = err_set(e, ST_INVALID,
                         "the export's %llu entries do not have the "
                         "checkpoint's root hash: the log was rewritten (its "
                         "hashes recomputed), or the checkpoint is of "
                         "another log",
                         (unsigned long long)c.n);
    }
    if (!rc)
        rc = read_registry(&c, &s, e);
    if (!rc) {
        compare_records(&c, &s);
        for (int k = 0; k < ENT__COUNT; k++)
            if (exported(k))
                out->records += snapshot_count(&s, k);
    }
    if (!rc && c.bad)
        rc = c.bad_seq ? err_set(e, ST_INVALID, "change %lld: %s",
                                 (long long)c.bad_seq, c.bad)
                       : err_set(e, ST_INVALID, "%s", c.bad);
    snapshot_release(&s);
    checker_release(&c);
    return rc;
}
