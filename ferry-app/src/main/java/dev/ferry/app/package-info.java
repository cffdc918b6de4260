/**
 * The {@code bin/ferry} command line (picocli: {@link dev.ferry.app.Main} and one class per command: run, demo,
 * validate, status, reload, failover, failback, offsets, bench) and the HTTP endpoint a running Ferry serves
 * ({@code StatusServer}: dashboard, status, health, metrics; guarded by {@code HttpGuard}). {@code Failures} turns
 * what a command throws into the contract's exit codes and one line on stderr. {@code ConfigReload} re-reads the
 * file of {@code run} on SIGHUP and {@code POST /reload}.
 *
 * <p>Commands parse options and print; what they do lives in ferry-core ({@code backup} runs, {@code operate} acts,
 * {@code check} validates), the demo's scenarios in {@code dev.ferry.demo}, the benchmark in ferry-bench.
 */
package dev.ferry.app;
