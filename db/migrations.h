/*
 * migrations.h - the schema as embedded at build time (internal to db/).
 *
 * db_migrations[0] is db/sqlite/schema.sql (version 1); the rest are
 * db/sqlite/migrations/NNNN_name.sql in ascending version order.
 */
#ifndef DB_MIGRATIONS_H
#define DB_MIGRATIONS_H

typedef struct {
    int version;
    const char *name;
    const char *sql;
} db_migration_t;

extern const db_migration_t db_migrations[];
extern const int db_migration_count;

#endif
