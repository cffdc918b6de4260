/**
 * The {@code bin/ferry} command line (picocli: {@link dev.ferry.app.Main} and one class per command: run, demo,
 * validate, status, failover, failback, offsets, bench) and the HTTP endpoint a running Ferry serves
 * ({@code StatusServer}: dashboard, status, health, metrics; guarded by {@code HttpGuard}).
 */
package dev.ferry.app;
