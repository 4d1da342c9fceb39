/*
 * `chancery init`: creates the registry and records the reference data
 * (states from iso-codes, organizations from data/organizations.csv) through
 * the change log like any other write. Running it again on an initialised
 * registry changes nothing.
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "core/interchange.h"
#include "core/refdata.h"

/* Reads the reference data into s and records it (now, or at recorded);
 * ST_OK when done. */
static enum status load_reference(struct store *st, struct snapshot *s,
                                  const char *recorded, struct err *e)
{
    const char *iso = getenv("CHANCERY_ISO3166");
    char *orgs = cli_data_path("organizations.csv");
    struct change *changes;
    struct problems p;
    enum status rc;
    size_t n = 0;

    problems_init(&p);
    rc = refdata_read_states(s, iso && *iso ? iso : ISO_3166_PATH, e);
    if (!rc)
        rc = interchange_read_file(s, ENTITIES[ENT_ORGANIZATION], orgs, &p,
                                   NULL, e);
    if (!rc && p.n_total)
        rc = err_set(e, ST_INVALID, "%s", p.msgs[0]);
    changes = xcalloc(snapshot_count(s, ENT_STATE) +
                          snapshot_count(s, ENT_ORGANIZATION) + 1,
                      sizeof(*changes));
    for (int k = ENT_STATE; !rc && k <= ENT_ORGANIZATION; k++)
        for (uint32_t i = 0; i < snapshot_count(s, k); i++)
            changes[n++] = (struct change){ OP_INSERT, k, i, NULL };
    if (!rc)
        rc = store_apply_at(
            st, s, changes, n,
            &(struct change_meta){ NULL, "init: reference data" }, recorded, e);
    free(changes);
    free(orgs);
    problems_release(&p);
    return rc;
}

enum status registry_init(struct cli *cli, int *created, struct err *e)
{
    return registry_init_at(cli, NULL, created, e);
}

enum status registry_init_at(struct cli *cli, const char *recorded,
                             int *created, struct err *e)
{
    struct store *st;
    struct snapshot s;
    enum status rc;

    *created = 0;
    if (store_open(cli->db_path, STORE_OPEN_CREATE, &st, e))
        return e->status;
    store_set_actor(st, cli->actor);
    snapshot_init(&s);
    rc = store_load(st, DATE_NONE, &s, e);
    if (!rc && snapshot_count(&s, ENT_STATE) == 0) {
        rc = load_reference(st, &s, recorded, e);
        *created = !rc;
    }
    snapshot_release(&s);
    store_close(st);
    return rc;
}

const struct cmd_spec INIT_SPEC = {
    .name = "init",
    .operands = "",
    .help = "create the registry with the reference data (states, "
            "organizations); keeps an existing one.",
    .example = { "init", "--db office.db init" },
};

int cmd_init(struct cli *cli, int argc, char **argv)
{
    struct err e;
    int created;
    int rc = opts_parse(cli, &INIT_SPEC, argc, argv, NULL, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (registry_init(cli, &created, &e))
        return cli_fail(&e);
    printf("%s registry at %s\n", created ? "created" : "kept the existing",
           cli->db_path);
    return 0;
}
