/**
 * Talking to one RocketMQ cluster: {@link dev.ferry.cluster.ClusterClients} makes its clients (NameServer,
 * credentials, TLS, an instance name of their own) and closes them side by side; {@link dev.ferry.cluster.ClusterAdmin}
 * is every administrative question and change Ferry puts to a cluster about topics, groups and offsets, and
 * {@link dev.ferry.cluster.ClusterBrokers} about its broker groups (which answer, what they allow, who is
 * connected).
 *
 * <p>It knows clusters, not backups: what is copied where is {@code copy}'s, and validation before a run is
 * {@code check}'s.
 */
package dev.ferry.cluster;
