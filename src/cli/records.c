/*
 * Record grids: the columns come from the entity descriptor, the cells from
 * the field codec, so a listing shows exactly what export would write.
 */
#include "cli/records.h"

#include "report/views.h"

enum status records_open(struct records *r, struct cli *cli,
                         enum entity_kind kind, struct err *e)
{
    snapshot_init(&r->s);
    if (cli_open(cli, &r->st, &r->s, e)) {
        snapshot_release(&r->s);
        return e->status;
    }
    r->ent = ENTITIES[kind];
    view_records_init(&r->g, r->ent);
    return ST_OK;
}

void records_add(struct records *r, uint32_t i)
{
    view_records_add(&r->g, &r->s, r->ent, i, &VIEW_SCOPE_ALL);
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
