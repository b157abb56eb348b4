/*
 * db_int.h — private to src/db: the migration table format shared by the backends and the
 * generated migrations file.
 */
#ifndef HELPO_DB_INT_H
#define HELPO_DB_INT_H

struct db_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct db_migration db_sqlite_migrations[];

#endif
