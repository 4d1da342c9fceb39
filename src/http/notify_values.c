/*
 * A notification form's values, by field path: what the browser sent (or
 * what a returned notification held, flattened into paths), turned into
 * the interchange's notification object, and the problems of the store's
 * check ("form: person.sex: invalid sex") placed back beside the fields
 * they name. A fixed table of paths: a form has a few dozen fields.
 */
#include "base/xalloc.h"
#include "http/notify_form.h"

/* ---- values and errors by path ---- */

static int slot(struct form_state *f, const char *path)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->paths[i], path))
            return i;
    if (f->n == MAX_VALUES)
        return -1;
    f->paths[f->n] = xstrdup(path);
    f->values[f->n] = f->errors[f->n] = NULL;
    return f->n++;
}

void form_set(struct form_state *f, const char *path, const char *v)
{
    int i = slot(f, path);

    if (i >= 0 && v) {
        free(f->values[i]);
        f->values[i] = xstrdup(v);
    }
}

const char *form_value(const struct form_state *f, const char *path)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->paths[i], path))
            return f->values[i];
    return NULL;
}

const char *form_error(const struct form_state *f, const char *path)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->paths[i], path))
            return f->errors[i];
    return NULL;
}

void form_state_release(struct form_state *f)
{
    for (int i = 0; i < f->n; i++) {
        free(f->paths[i]);
        free(f->values[i]);
        free(f->errors[i]);
    }
    free(f->general);
    memset(f, 0, sizeof(*f));
}

/* A payload's values flattened into paths: a returned notification's
 * form is filled from what was submitted. */
void form_flatten(struct form_state *f, const json_t *v, const char *path)
{
    char sub[160], num[64];
    const char *key;
    const json_t *x;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, x)
        {
            snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
            form_flatten(f, x, sub);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            form_flatten(f, x, sub);
        }
    } else if (json_is_string(v)) {
        form_set(f, path, json_string_value(v));
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        form_set(f, path, num);
    } else if (json_is_boolean(v)) {
        form_set(f, path, json_is_true(v) ? "true" : "false");
    }
}

/* Sets path ("a.b", "d[1].person.id") in root to the string v. */
static void json_set_path(json_t *root, const char *path, const char *v)
{
    char seg[64];
    json_t *at = root;
    const char *p = path;

    while (*p) {
        size_t n = strcspn(p, ".[");
        int last;

        snprintf(seg, sizeof(seg), "%.*s", (int)n, p);
        p += n;
        if (*p == '[') {
            size_t k = strtoul(p + 1, NULL, 10);
            json_t *arr = json_object_get(at, seg);

            if (!arr)
                json_object_set_new(at, seg, arr = json_array());
            while (json_array_size(arr) <= k)
                json_array_append_new(arr, json_object());
            at = json_array_get(arr, k);
            p = strchr(p, ']') + 1;
            p += *p == '.';
            continue;
        }
        last = !*p;
        if (last) {
            json_object_set_new(at, seg, json_string(v));
            return;
        }
        p++;
        if (!json_object_get(at, seg))
            json_object_set_new(at, seg, json_object());
        at = json_object_get(at, seg);
    }
}

/* The problems of a check, each beside its field: "form: PATH: message". */
void form_place_problems(struct form_state *f, const struct problems *p)
{
    struct buf general;

    buf_init(&general, 4096);
    for (size_t i = 0; i < p->n_kept; i++) {
        const char *m = p->msgs[i];
        const char *rest = strncmp(m, "form: ", 6) ? m : m + 6;
        const char *colon = strstr(rest, ": ");
        char path[160];
        int k = -1;

        if (colon && colon - rest < (long)sizeof(path)) {
            snprintf(path, sizeof(path), "%.*s", (int)(colon - rest), rest);
            for (int j = 0; j < f->n; j++)
                if (!strcmp(f->paths[j], path))
                    k = j;
        }
        if (k >= 0 && !f->errors[k]) {
            f->errors[k] = xstrdup(colon + 2);
            f->n_errors++;
        } else
            buf_addf(&general, "%s. ", rest);
    }
    if (general.len)
        f->general = buf_detach(&general);
    buf_release(&general);
}

/* 1 when path belongs to a household member left blank (no family
 * name): such a member is no part of the notification. */
static int blank_member(const struct form_state *fs, const char *path)
{
    char key[64];
    const char *v;

    if (strncmp(path, "dependents[", 11))
        return 0;
    snprintf(key, sizeof(key), "%.14sperson.family_name", path);
    v = form_value(fs, key);
    return !v || !*v;
}

/* The notification object the form describes (compact JSON, malloc'd). */
char *form_payload(const struct form_state *fs, const char *kind)
{
    json_t *root = json_pack("{s:s}", "kind", kind);
    char *text;

    for (int i = 0; i < fs->n; i++)
        if (fs->values[i] && *fs->values[i] && !blank_member(fs, fs->paths[i]))
            json_set_path(root, fs->paths[i], fs->values[i]);
    text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    return text;
}
