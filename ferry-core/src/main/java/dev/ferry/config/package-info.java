/**
 * The configuration file: read ({@link dev.ferry.config.ConfigLoader}, with {@code ${NAME}} and
 * {@code ${file:PATH}} substituted) section by section, and held as records ({@link dev.ferry.config.FerryConfig},
 * {@link dev.ferry.config.ClusterConfig}, {@link dev.ferry.config.BackupConfig}, {@link dev.ferry.config.HttpConfig},
 * {@link dev.ferry.config.CopySettings}). Each record checks itself in its constructor, whoever builds it (the
 * loader, the demo, failback, the benchmark, tests), and {@code FerryConfig} checks what involves several; a
 * refusal is an {@link dev.ferry.config.InvalidConfigException} naming the key, which the loader turns into a
 * {@link dev.ferry.config.ConfigException} naming the file and the key path (exit 2). The {@code *Section} classes
 * only read what is written and check what is about the file itself (a key missing, written twice, of the wrong
 * shape).
 *
 * <p>It reads the file alone and talks to no cluster: what {@code validate} asks of the clusters themselves
 * (reachable, credentials taken, rights granted) is in {@code check}.
 */
package dev.ferry.config;
