/**
 * {@code bin/ferry demo}: the scenarios of global message backup, live on embedded clusters, with a closing
 * check that every message arrived where it belongs exactly once. Needs the broker jars (ferry-embedded); nothing
 * outside the demo command uses this package.
 */
package dev.ferry.demo;
