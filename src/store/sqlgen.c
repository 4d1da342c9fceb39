/*
 * SQL generated from the entity descriptors. Every column is TEXT holding
 * the interchange text of its value (dates as YYYY-MM-DD, which sort as
 * dates), so the database reads like the CSV files; types, enumerations,
 * references and date order are CHECK and FOREIGN KEY constraints. Only
 * syntax that SQLite and PostgreSQL share is used (but for the rowid order
 * of sqlgen_select), identifiers quoted.
 */
#include "store/internal.h"

static void add(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (buf_vaddf(b, fmt, ap))
        BUG("generated SQL too long");
    va_end(ap);
}

static void column_checks(const struct field *f, struct buf *b)
{
    switch (f->type) {
    case FT_ENUM:
        add(b, " CHECK (\"%s\" IS NULL", f->name);
        for (int i = 0; i < f->names->count; i++)
            add(b, " OR \"%s\" = '%s'", f->name, f->names->names[i]);
        add(b, ")");
        break;
    case FT_DATE:
        add(b, " CHECK (\"%s\" LIKE '____-__-__')", f->name);
        break;
    case FT_CODE:
        add(b, " CHECK (length(\"%s\") = 3)", f->name);
        break;
    case FT_BOOL:
        add(b, " CHECK (\"%s\" = 'true' OR \"%s\" = 'false')", f->name,
            f->name);
        break;
    case FT_INT:
        add(b, " CHECK (CAST(\"%s\" AS INTEGER) >= 0)", f->name);
        break;
    default:
        break;
    }
}

/* A column; pg: PostgreSQL's, whose references may be deferred (a load
 * "as known on" a date undoes changes out of order, store/load.c). */
static void column_of(const struct field *f, int pg, struct buf *b)
{
    const struct entity *target;

    add(b, "\"%s\" TEXT%s", f->name,
        (f->flags & FIELD_REQUIRED) || f->type == FT_BOOL ? " NOT NULL" : "");
    column_checks(f, b);
    if (f->type == FT_REF || (f->type == FT_CODE && f->ref == ENT_STATE)) {
        target = ENTITIES[f->ref];
        add(b, " REFERENCES \"%s\"(\"%s\")%s", target->table,
            target->fields[0].name, pg ? " DEFERRABLE" : "");
    }
}

static void column(const struct field *f, struct buf *b)
{
    column_of(f, 0, b);
}

static void key_list(const struct entity *ent, struct buf *b, const char *sep,
                     const char *suffix)
{
    int n = 0;

    /* Every key field, in descriptor order: they need not be adjacent. */
    for (int i = 0; i < ent->n_fields; i++)
        if (ent->fields[i].flags & FIELD_KEY)
            add(b, "%s\"%s\"%s", n++ ? sep : "", ent->fields[i].name, suffix);
}

void sqlgen_create_table(const struct entity *ent, struct buf *b)
{
    add(b, "CREATE TABLE \"%s\" (\n", ent->table);
    for (int i = 0; i < ent->n_fields; i++) {
        /* A column added later comes with its own migration
         * (sqlgen_add_column), whichever schema the table starts from. */
        if (ent->fields[i].flags & FIELD_ADDED)
            continue;
        add(b, "    ");
        column(&ent->fields[i], b);
        add(b, ",\n");
    }
    if (ent->sql_checks)
        add(b, "    %s,\n", ent->sql_checks);
    add(b, "    PRIMARY KEY (");
    key_list(ent, b, ", ", "");
    add(b, ")\n);\n");
}

void sqlgen_create_table_pg(const struct entity *ent, struct buf *b)
{
    add(b, "CREATE TABLE \"%s\" (\n", ent->table);
    add(b, "    \"_row\" BIGINT GENERATED ALWAYS AS IDENTITY,\n");
    for (int i = 0; i < ent->n_fields; i++) {
        add(b, "    ");
        column_of(&ent->fields[i], 1, b);
        add(b, ",\n");
    }
    if (ent->sql_checks)
        add(b, "    %s,\n", ent->sql_checks);
    add(b, "    PRIMARY KEY (");
    key_list(ent, b, ", ", "");
    add(b, ")\n);\n");
}

void sqlgen_add_column(const struct entity *ent, const struct field *f,
                       struct buf *b)
{
    add(b, "ALTER TABLE \"%s\" ADD COLUMN ", ent->table);
    column(f, b);
    add(b, ";\n");
}

void sqlgen_insert_rows(const struct entity *ent, int rows, struct buf *b)
{
    add(b, "INSERT INTO \"%s\" (", ent->table);
    for (int i = 0; i < ent->n_fields; i++)
        add(b, "%s\"%s\"", i ? ", " : "", ent->fields[i].name);
    add(b, ") VALUES ");
    for (int r = 0; r < rows; r++) {
        add(b, "%s(", r ? ", " : "");
        for (int i = 0; i < ent->n_fields; i++)
            add(b, "%s?", i ? ", " : "");
        add(b, ")");
    }
}

void sqlgen_insert(const struct entity *ent, struct buf *b)
{
    sqlgen_insert_rows(ent, 1, b);
}

void sqlgen_update(const struct entity *ent, struct buf *b)
{
    add(b, "UPDATE \"%s\" SET ", ent->table);
    for (int i = 0; i < ent->n_fields; i++)
        add(b, "%s\"%s\" = ?", i ? ", " : "", ent->fields[i].name);
    add(b, " WHERE ");
    key_list(ent, b, " AND ", " = ?");
}

/* An update that keeps the key. With a key column among those it sets,
 * SQLite treats the record as possibly rekeyed and looks, for each table
 * that refers to this one, for rows referring to the old key: with no
 * index on the reference columns (docs/registry.md), a scan of the
 * dependents for each posting updated, of the postings and visas for each
 * person. So the key columns are only matched, never set. The parameters
 * keep the numbers of sqlgen_update's (field i is ?i+1, the key fields
 * follow), so that both bind alike; a table of key columns only keeps
 * the whole update, which has nothing else to set. */
void sqlgen_update_in_place(const struct entity *ent, struct buf *b)
{
    int n = 0, k = 0;

    for (int i = 0; i < ent->n_fields; i++)
        n += !(ent->fields[i].flags & FIELD_KEY);
    if (!n) {
        sqlgen_update(ent, b);
        return;
    }
    add(b, "UPDATE \"%s\" SET ", ent->table);
    n = 0;
    for (int i = 0; i < ent->n_fields; i++)
        if (!(ent->fields[i].flags & FIELD_KEY))
            add(b, "%s\"%s\" = ?%d", n++ ? ", " : "", ent->fields[i].name,
                i + 1);
    add(b, " WHERE ");
    for (int i = 0; i < ent->n_fields; i++) {
        if (!(ent->fields[i].flags & FIELD_KEY))
            continue;
        add(b, "%s\"%s\" = ?%d", k ? " AND " : "", ent->fields[i].name,
            ent->n_fields + k + 1);
        k++;
    }
}

void sqlgen_delete(const struct entity *ent, struct buf *b)
{
    add(b, "DELETE FROM \"%s\" WHERE ", ent->table);
    key_list(ent, b, " AND ", " = ?");
}

void sqlgen_select(const struct entity *ent, struct buf *b)
{
    add(b, "SELECT ");
    for (int i = 0; i < ent->n_fields; i++)
        add(b, "%s\"%s\"", i ? ", " : "", ent->fields[i].name);
    /* Insertion order, so an export reproduces the files imported. This is
     * SQLite's one dialect word here; PostgreSQL would order by an identity
     * column. */
    add(b, " FROM \"%s\" ORDER BY rowid", ent->table);
}

void sqlgen_select_pg(const struct entity *ent, struct buf *b)
{
    add(b, "SELECT ");
    for (int i = 0; i < ent->n_fields; i++)
        add(b, "%s\"%s\"", i ? ", " : "", ent->fields[i].name);
    add(b, " FROM \"%s\" ORDER BY \"_row\"", ent->table);
}

void sqlgen_select_key(const struct entity *ent, struct buf *b)
{
    add(b, "SELECT ");
    for (int i = 0; i < ent->n_fields; i++)
        add(b, "%s\"%s\"", i ? ", " : "", ent->fields[i].name);
    add(b, " FROM \"%s\" WHERE ", ent->table);
    key_list(ent, b, " AND ", " = ?");
}
