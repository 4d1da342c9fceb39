/*
 * `audit verify`'s image check: the snapshot image (store/cache.c) loaded
 * and compared record by record, by key, with the records loaded from the
 * tables, its copy of the posting rows in mission order with the rows,
 * and its derived indexes with those rebuilt from its records. The
 * image is a cache that commands trust to skip the tables, so a damaged or
 * stale one must be found by the audit as surely as a damaged log; a
 * field-by-field comparison through the field codec names the first
 * record and field that differ. A PostgreSQL registry's image, in this
 * machine's cache folder (store/pg_image.c), is checked the same way.
 */
#include <string.h>

#include "core/entity.h"
#include "store/internal.h"

/* The first field of rec (of kind k in a) that differs from the record of
 * the same key in b; -2 when b has no such record, -1 when none differs. */
static int differing_field(const struct snapshot *a, const struct snapshot *b,
                           int k, const void *rec, const char *key)
{
    const struct entity *ent = ENTITIES[k];
    uint32_t j = snapshot_find(b, k, key);
    char x[FIELD_BUF], y[FIELD_BUF];

    if (j == IDMAP_NONE)
        return -2;
    for (int i = 0; i < ent->n_fields; i++) {
        const char *p = field_text(a, &ent->fields[i], rec, x),
                   *q =
                       field_text(b, &ent->fields[i], snapshot_row(b, k, j), y);

        if ((p == NULL) != (q == NULL) || (p && strcmp(p, q)))
            return i;
    }
    return -1;
}

/* Compares the image's copy of the posting rows in mission order (when
 * it has one, and no fold dropped it) with the rows it copies. */
static enum status compare_mission_postings(const struct snapshot *image,
                                            struct err *e)
{
    const struct adjacency *a = &image->postings_by_mission;
    size_t n;

    if (!image->mission_postings || !image->indexed || !a->start)
        return ST_OK;
    n = a->start[snapshot_count(image, ENT_MISSION)];
    for (uint32_t m = 0; m < snapshot_count(image, ENT_MISSION); m++) {
        size_t at = image->mission_postings_at[m];

        for (uint32_t k = a->start[m]; k < a->start[m + 1]; k++) {
            const struct posting *t = snap_posting(image, a->items[k]);
            size_t j = k - a->start[m];

            if (at > n || j >= n - at ||
                memcmp(&image->mission_postings[at + j], t, sizeof(*t)))
                return err_set(e, ST_INVALID,
                               "the snapshot image's postings by mission "
                               "differ from its posting rows at posting '%s'",
                               t->id ? t->id : "");
        }
    }
    return ST_OK;
}

/* Compares the two snapshots record by record, by key. */
static enum status compare_snapshots(const struct snapshot *tables,
                                     const struct snapshot *image, int64_t *n,
                                     struct err *e)
{
    char buf[256];

    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];

        if (snapshot_count(tables, k) != snapshot_count(image, k))
            return err_set(e, ST_INVALID,
                           "the snapshot image holds %zu %s records, the "
                           "tables %zu",
                           snapshot_count(image, k), ent->name,
                           snapshot_count(tables, k));
        for (uint32_t i = 0; i < snapshot_count(tables, k); i++) {
            const void *rec = snapshot_row(tables, k, i);
            const char *key = record_key(tables, ent, rec, buf, sizeof(buf));
            int f = differing_field(tables, image, k, rec, key);

            if (f == -2)
                return err_set(e, ST_INVALID,
                               "the snapshot image lacks %s '%s'", ent->name,
                               key);
            if (f >= 0)
                return err_set(e, ST_INVALID,
                               "the snapshot image differs from the tables "
                               "at %s '%s', field '%s'",
                               ent->name, key, ent->fields[f].name);
            (*n)++;
        }
    }
    return ST_OK;
}

enum status store_verify_image(struct store *st, int64_t *n_records,
                               struct err *e)
{
    struct snapshot tables, image;
    char hash[HASH_HEX] = "";
    int64_t seq = 0, changes = 0;
    enum status rc;

    /* A PostgreSQL registry with no cache folder keeps none. */
    *n_records = st->pg && !images_kept(st) ? STORE_NO_IMAGES : -1;
    if (*n_records == STORE_NO_IMAGES)
        return ST_OK;
    snapshot_init(&tables);
    snapshot_init(&image);
    rc = db_begin(st, DB_READ, e);
    if (!rc)
        rc = log_head(st, &seq, hash, e);
    if (!rc)
        rc = load_tables(st, &tables, e);
    if (!rc && !load_image(st, seq, hash, &image, &changes)) {
        const char *index;

        *n_records = 0;
        rc = compare_snapshots(&tables, &image, n_records, e);
        if (!rc)
            rc = compare_mission_postings(&image, e);
        if (!rc && (index = snapshot_index_stale(&image)))
            rc = err_set(e, ST_INVALID,
                         "the snapshot image's index of %s differs from "
                         "its records",
                         index);
        if (rc)
            err_prefix(e, "database '%s'", st->path);
    }
    db_exec(st, "ROLLBACK", NULL);
    snapshot_release(&tables);
    snapshot_release(&image);
    return rc;
}
