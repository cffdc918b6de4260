/**
 * A running Ferry and its backups: {@link dev.ferry.backup.Ferry} starts every backup of a configuration (and
 * the embedded clusters it names), {@link dev.ferry.backup.Backup} is one backup's links (one per direction) and
 * their checkpointers, {@link dev.ferry.backup.Topology} tells from the whole configuration which links may
 * loop and which targets are shared. Operator actions that run beside it (failover, failback, offset reset) are
 * in {@code operate}.
 */
package dev.ferry.backup;
