package dev.ferry.client.store;

/**
 * The SQL dialects the JDBC store speaks. {@link JdbcStoreBuilder} detects the dialect from the database's
 * product name; choose one with {@link JdbcStoreBuilder#dialect(SqlDialect)} for a database that speaks one of
 * them under another name.
 */
public enum SqlDialect {

    /** PostgreSQL 9.5 or later ({@code INSERT ... ON CONFLICT}); also databases that speak its SQL. */
    POSTGRESQL,

    /** MySQL 5.7 or later, or MariaDB, with InnoDB tables. */
    MYSQL
}
