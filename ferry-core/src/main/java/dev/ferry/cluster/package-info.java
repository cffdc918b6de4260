/**
 * Talking to one RocketMQ cluster: {@link dev.ferry.cluster.ClusterClients} makes its clients (NameServer,
 * credentials, TLS, an instance name of their own) and closes them side by side; {@link dev.ferry.cluster.ClusterAdmin}
 * is every administrative question and change Ferry puts to a cluster about topics, groups and offsets, and
 * {@link dev.ferry.cluster.ClusterBrokers} about its broker groups (which answer, what they allow, who is
 * connected). Each TLS cluster's clients get a TLS context of their cluster's ({@code ClientTls}): its CA, its
 * client certificate, and each server's certificate checked against the address dialed ({@code PeerNames}).
 * What a cluster holds not yet due is read here too: delay-level messages ({@code PendingDelays}) and timer messages
 * ({@link dev.ferry.cluster.TimerWatch}, which keeps reading the timer topic to know when the first is due).
 *
 * <p>It knows clusters, not backups: what is copied where is {@code copy}'s, and validation before a run is
 * {@code check}'s.
 */
package dev.ferry.cluster;
