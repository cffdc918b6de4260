/**
 * A running Ferry and its backups: {@link dev.ferry.backup.Ferry} starts every backup of a configuration (and
 * the embedded clusters it names), {@link dev.ferry.backup.Backup} is one backup's links (one per direction) and
 * their checkpointers, {@link dev.ferry.backup.Topology} tells from the whole configuration which links may
 * loop and which targets are shared. A reload of the configuration file changes the running set as
 * {@link dev.ferry.backup.ReloadPlan} decides (which backups start, stop, restart, go on untouched), with
 * {@link dev.ferry.backup.ClusterAdmins} opening and closing the clusters' admin connections. Operator actions that run beside it (failover, failback, offset reset) are
 * in {@code operate}.
 */
package dev.ferry.backup;
