/**
 * The configuration file: read ({@link dev.ferry.config.ConfigLoader}, with {@code ${NAME}} and
 * {@code ${file:PATH}} substituted), checked section by section where each is built (a bad value is a
 * {@link dev.ferry.config.ConfigException} naming the file and the key, exit 2), and held as records
 * ({@link dev.ferry.config.FerryConfig}, {@link dev.ferry.config.ClusterConfig},
 * {@link dev.ferry.config.BackupConfig}, {@link dev.ferry.config.HttpConfig}).
 *
 * <p>It reads the file alone and talks to no cluster: what {@code validate} asks of the clusters themselves
 * (reachable, credentials taken, rights granted) is in {@code check}.
 */
package dev.ferry.config;
