package dev.ferry.copy;

/**
 * A snapshot of one link for status output, the HTTP API and tests.
 *
 * @param backlog     messages on the source not yet copied (-1 when the source could not be asked)
 * @param delayMillis how long ago the last copied message was stored on the source, while a backlog waits; 0 when none waits
 */
public record LinkStatus(String backup, String source, String target, String group, LinkState state, String reason,
                         long copied, long copiedBytes, long skippedLoop, long deadLettered, long retries,
                         long backlog, long delayMillis, String lastError) {
}
