/*
 * migrations.h - the schema as embedded at build time (internal to db/).
 *
 * Per engine: db_migrations[0] is db/sqlite/schema.sql (version 1), the rest
 * db/sqlite/migrations/NNNN_name.sql in ascending version order;
 * db_pg_migrations the same of db/pg/.
 */
#ifndef DB_MIGRATIONS_H
#define DB_MIGRATIONS_H

typedef struct {
    int version;
    const char *name;
    const char *sql;
} db_migration_t;

extern const db_migration_t db_migrations[];
extern const int db_migrations_count;
extern const db_migration_t db_pg_migrations[];
extern const int db_pg_migrations_count;

#endif
