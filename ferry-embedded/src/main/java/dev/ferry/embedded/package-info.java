/**
 * Local Apache RocketMQ clusters for Ferry's demo, tests and benchmark: a NameServer and one or several brokers,
 * named as the test asks, with slaves and ACL if asked.
 *
 * <p>{@link dev.ferry.embedded.EmbeddedCluster} runs a cluster inside the current JVM;
 * {@link dev.ferry.embedded.ClusterProcess} runs the same cluster in a child JVM so that a test can kill it hard
 * and start it again on the same ports and store. Either can sit behind a {@link dev.ferry.embedded.DelayProxy},
 * a TCP proxy that delays every chunk of bytes each way, to put the cluster a round trip away. Both keep RocketMQ's
 * files and logs under their store folder (or {@code target/}), never under {@code ~/store} or {@code ~/logs}.
 *
 * <p>{@link dev.ferry.embedded.EmbeddedProxy} runs RocketMQ's gRPC proxy in this JVM in front of an embedded cluster,
 * for tests with the 5.x gRPC client; it needs nothing on the class path beyond this module (rocketmq-proxy is a
 * provided dependency that the proxy's own class loader opens).
 *
 * <p>{@link dev.ferry.embedded.Rocketmq4Cluster} runs an Apache RocketMQ <b>4.9.x</b> cluster in a child JVM on
 * the class path of the ferry-rocketmq4 module, for compatibility tests; only modules that declare ferry-rocketmq4
 * as a test dependency can start one.
 *
 * <p>{@link dev.ferry.embedded.LocalPostgres} starts a throw-away PostgreSQL server from an installed PostgreSQL
 * (Debian's {@code postgresql} package), for the tests of ferry-client's JDBC store; it needs no JDBC driver.
 *
 * <p>Not part of Ferry's engine: it depends on no other Ferry module (ferry-core uses it in tests only), and a
 * production {@code ferry run} against real clusters loads none of it.
 */
package dev.ferry.embedded;
