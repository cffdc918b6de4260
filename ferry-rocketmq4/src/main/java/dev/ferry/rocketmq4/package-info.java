/**
 * An Apache RocketMQ 4.9.x NameServer and brokers as a process of its own, for tests: compiled against 4.9.x and
 * run on this module's class path (the resource {@code rocketmq4.classpath}) by ferry-embedded's
 * {@code Rocketmq4Cluster}. Nothing here is loaded in a JVM that runs Ferry: the launcher only reads the class path
 * file from this jar and names the main class to a child JVM.
 */
package dev.ferry.rocketmq4;
