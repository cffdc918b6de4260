/**
 * Test fixtures shared by every module's tests (ferry-core publishes them as its test-jar): configurations
 * built directly ({@link dev.ferry.testing.TestConfigs}), numbered test messages
 * ({@link dev.ferry.testing.TestMessages}), an application's consumer ({@link dev.ferry.testing.TestConsumer}) and
 * producer sending steadily until its region is lost ({@link dev.ferry.testing.SteadyProducer}),
 * message ID comparisons ({@link dev.ferry.testing.MessageIds}), the least rights Ferry needs
 * ({@link dev.ferry.testing.FerryGrants}), cluster pairs shared across test classes
 * ({@link dev.ferry.testing.ClusterPair}), and queues for tests of pure logic ({@link dev.ferry.testing.TestQueues}).
 * No tests here, and nothing Ferry's main code uses.
 */
package dev.ferry.testing;
