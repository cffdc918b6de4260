/**
 * Local single-broker Apache RocketMQ clusters for Ferry's demo, tests and benchmark.
 *
 * <p>{@link dev.ferry.embedded.EmbeddedCluster} runs a NameServer and one broker inside the current
 * JVM; {@link dev.ferry.embedded.ClusterProcess} runs the same cluster in a child JVM so that a test
 * can kill it hard and start it again on the same ports and store. Both keep RocketMQ's files and
 * logs under their store folder (or {@code target/}), never under {@code ~/store} or {@code ~/logs}.
 */
package dev.ferry.embedded;
