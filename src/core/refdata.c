/*
 * Reading iso-codes' ISO 3166-1 list with jansson. The English short name
 * is the entry's "name"; the list is Debian's, so chancery's states follow
 * the distribution's updates without a copy in this repository.
 */
#include "core/refdata.h"

#include <jansson.h>

static enum status add_state(struct snapshot *s, json_t *entry, size_t i,
                             const char *path, struct err *e)
{
    const char *code = json_string_value(json_object_get(entry, "alpha_3"));
    const char *name = json_string_value(json_object_get(entry, "name"));
    struct state st;

    if (!code || !name || strlen(code) != 3)
        return err_set(e, ST_INVALID, "%s: entry %zu lacks alpha_3 or name",
                       path, i);
    memcpy(st.code, code, 4);
    st.name = arena_strdup(&s->strings, name);
    return snapshot_add(s, ENT_STATE, &st, NULL, e);
}

enum status refdata_read_states(struct snapshot *s, const char *path,
                                struct err *e)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    json_t *list = json_object_get(root, "3166-1");
    enum status rc = ST_OK;

    if (!root)
        return err_set(e, ST_ERROR, "cannot read '%s': %s (install iso-codes)",
                       path, jerr.text);
    if (!json_is_array(list))
        rc = err_set(e, ST_INVALID, "%s: no \"3166-1\" list", path);
    for (size_t i = 0; !rc && i < json_array_size(list); i++)
        rc = add_state(s, json_array_get(list, i), i, path, e);
    json_decref(root);
    return rc;
}
