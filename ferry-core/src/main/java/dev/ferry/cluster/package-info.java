/**
 * Talking to one RocketMQ cluster: {@link dev.ferry.cluster.ClusterClients} makes its clients (NameServer,
 * credentials, an instance name of their own) and closes them side by side; {@link dev.ferry.cluster.ClusterAdmin}
 * is every administrative question and change Ferry puts to a cluster (topics, groups, offsets, brokers).
 */
package dev.ferry.cluster;
