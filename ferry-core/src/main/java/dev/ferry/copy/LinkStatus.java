package dev.ferry.copy;

/**
 * A snapshot of one link for status output, the HTTP API and tests.
 *
 * @param backlog     messages on the source not yet copied (-1 when the source could not be asked)
 * @param loopCheck   where copies that would loop are dropped: {@code broker} (SQL-92 subscription, never pulled)
 *                    or {@code ferry} (pulled, then dropped); null before the link started
 * @param received    messages the source delivered to Ferry, redeliveries included
 * @param skippedLoop messages Ferry pulled and dropped because the target is on their path
 * @param skippedAtSource messages the source broker's filter passed over (loop check and the backup's filter)
 * @param delayMillis how long ago the last copied message was stored on the source, while a backlog waits; 0 when none waits
 * @param sourceReachable whether the source answered when this snapshot was taken
 * @param heldOnReturn what the source held, not yet copied, when the link last reached it after not reaching
 *                    it: at start, or when a failed region came back (-1 before the link reached it). Through
 *                    a broker-side filter (loop check, backup filter) it includes messages the link passes over
 */
public record LinkStatus(String backup, String source, String target, String group, LinkState state, String reason,
                         String loopCheck, long received, long copied, long copiedBytes, long skippedLoop,
                         long skippedAtSource, long deadLettered, long retries,
                         long backlog, long delayMillis, String lastError, boolean sourceReachable,
                         long heldOnReturn) {
}
