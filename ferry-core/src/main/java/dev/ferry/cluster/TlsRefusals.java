package dev.ferry.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates one cluster's TLS refused, by the address dialed: RocketMQ's client reports a refused handshake
 * only as "connect to ... failed", so {@code validate} and the log take the reason from here. The log says each
 * address's refusal once, then again at most every {@link #REPEAT} while it lasts (a client reconnects every few
 * seconds).
 */
final class TlsRefusals {

    static final Duration REPEAT = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(TlsRefusals.class);
    private static final String UNKNOWN = "?";

    private final String cluster;
    private final Clock clock;
    private final Map<String, Refusal> byAddress = new ConcurrentHashMap<>();

    private record Refusal(String reason, Instant at, Instant logged) {
    }

    TlsRefusals(String cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    void record(String address, String reason) {
        Instant now = clock.instant();
        String key = address == null ? UNKNOWN : address;
        Refusal before = byAddress.get(key);
        boolean log = before == null || !before.reason().equals(reason) || !before.logged().plus(REPEAT).isAfter(now);
        byAddress.put(key, new Refusal(reason, now, log ? now : before.logged()));
        if (log) {
            LOG.warn("cluster '{}': TLS refused: {}", cluster, reason);
        }
    }

    /** The newest refusal since {@code since}, of {@code address} or (null) of any address. */
    Optional<String> since(Instant since, String address) {
        return byAddress.entrySet().stream()
            .filter(e -> address == null || e.getKey().equals(address))
            .map(Map.Entry::getValue)
            .filter(refusal -> !refusal.at().isBefore(since))
            .max((a, b) -> a.at().compareTo(b.at()))
            .map(Refusal::reason);
    }
}
