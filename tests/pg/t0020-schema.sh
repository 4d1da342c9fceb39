#!/bin/sh
# audit verify on PostgreSQL compares the database's catalog with the
# schema chancery makes (store/verify.c, check_schema_pg): a trigger, an
# index or a dropped constraint added behind its back is found; once
# undone, the registry verifies again. make check-pg only.
. tests/cli/lib.sh

setup_small
expect_exit 0 "a fresh registry verifies" audit verify
expect_out "and its snapshot image (store/pg_image.c)" "the snapshot image matches the tables"
db_sql "CREATE FUNCTION quiet() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'; CREATE TRIGGER quiet BEFORE INSERT ON postings FOR EACH ROW EXECUTE FUNCTION quiet()"
expect_exit 3 "a trigger added behind its back" audit verify
expect_err "is named" "schema: function 'quiet'"
db_sql "DROP TRIGGER quiet ON postings; DROP FUNCTION quiet()"
expect_exit 0 "undone, it verifies" audit verify
db_sql "ALTER TABLE postings DROP CONSTRAINT postings_category_check"
expect_exit 3 "a constraint dropped" audit verify
expect_err "is named" "constraint 'postings_category_check' is missing"
db_sql "CREATE INDEX extra ON persons(family_name)"
expect_exit 3 "an index added" audit verify
db_sql "UPDATE postings SET title = 'Spy' WHERE id = 'T1'"
expect_exit 3 "a row edited behind the log" audit verify

done_testing
