/**
 * What {@code ferry validate} asks of the clusters themselves, beyond the file: {@link dev.ferry.check.ClusterCheck}
 * reaches every cluster's NameServer (in parallel, within seconds), sees that its brokers take the credentials,
 * and has {@code RightsProbe} ask for the reads each backup needs under ACL. It only reads and changes nothing.
 * Apart from {@code config} because it opens admin clients ({@code cluster}), which the configuration must not
 * need: {@code config} reads and checks the file alone.
 */
package dev.ferry.check;
