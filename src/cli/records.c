/*
 * Record grids: the columns come from the entity descriptor, the cells from
 * the field codec, so a listing shows exactly what export would write.
 */
#include "cli/records.h"

#include "base/xalloc.h"

enum status records_open(struct records *r, struct cli *cli,
                         enum entity_kind kind, struct err *e)
{
    const struct entity *ent = ENTITIES[kind];
    const char **names = xcalloc((size_t)ent->n_fields, sizeof(*names));

    snapshot_init(&r->s);
    if (cli_open(cli, &r->st, &r->s, e)) {
        snapshot_release(&r->s);
        free(names);
        return e->status;
    }
    r->ent = ent;
    for (int i = 0; i < ent->n_fields; i++)
        names[i] = ent->fields[i].type == FT_BOOL
                       ? xasprintf("%s:b", ent->fields[i].name)
                   : ent->fields[i].type == FT_INT
                       ? xasprintf("%s:n", ent->fields[i].name)
                       : xstrdup(ent->fields[i].name);
    grid_init(&r->g, names, (size_t)ent->n_fields);
    for (int i = 0; i < ent->n_fields; i++)
        free((char *)names[i]);
    free(names);
    return ST_OK;
}

void records_add(struct records *r, uint32_t i)
{
    const void *rec = snapshot_row(&r->s, r->ent->kind, i);
    char bufs[64][FIELD_BUF];
    const char *cells[64];

    if (r->ent->n_fields > 64)
        BUG("entity '%s' has too many fields", r->ent->name);
    for (int k = 0; k < r->ent->n_fields; k++)
        cells[k] = field_text(&r->s, &r->ent->fields[k], rec, bufs[k]);
    grid_add_row(&r->g, cells);
}

void records_print(const struct records *r, const struct cli *cli)
{
    cli_print_grid(cli, &r->g);
}

void records_print_one(const struct records *r, const struct cli *cli)
{
    cli_print_record(cli, &r->g);
}

void records_close(struct records *r)
{
    grid_release(&r->g);
    snapshot_release(&r->s);
    store_close(r->st);
}

int records_show(struct records *r, struct cli *cli, enum entity_kind kind,
                 const char *key, uint32_t *index)
{
    int rc = records_find(r, cli, kind, key, index);

    if (!rc)
        records_print_one(r, cli);
    return rc;
}

void records_print_buf(struct buf *b)
{
    fwrite(b->data, 1, b->len, stdout);
    buf_release(b);
}

int records_find(struct records *r, struct cli *cli, enum entity_kind kind,
                 const char *key, uint32_t *index)
{
    struct err e;

    if (records_open(r, cli, kind, &e))
        return cli_fail(&e);
    *index = snapshot_find(&r->s, kind, key);
    if (*index == IDMAP_NONE) {
        opts_known_record(&r->s, kind, NULL, key, &e);
        records_close(r);
        return cli_fail(&e);
    }
    records_add(r, *index);
    return 0;
}
