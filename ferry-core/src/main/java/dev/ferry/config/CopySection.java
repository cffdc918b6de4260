package dev.ferry.config;

import java.util.List;

/**
 * Reads {@code copy}: how every link reads and writes. Every key is optional and defaults to
 * {@link CopySettings#DEFAULT}'s; {@link CopySettings} says what range each may take.
 */
final class CopySection {

    private static final List<String> KEYS = List.of("batchMessages", "batchBytes", "maxInFlightMiB", "sendTimeout",
        "retryMaxDelay", "blockedRetry", "commitInterval", "pullsInFlight", "sendConnections");

    private CopySection() {
    }

    static CopySettings read(Node copy) throws ConfigException {
        if (copy.isAbsent()) {
            return CopySettings.DEFAULT;
        }
        copy.map("a map of " + String.join(", ", KEYS) + ", e.g. {sendTimeout: 10s}").allowOnly(KEYS);
        CopySettings defaults = CopySettings.DEFAULT;
        try {
            return new CopySettings(
                copy.get("batchMessages").integer(defaults.batchMessages()),
                copy.get("batchBytes").integer(defaults.batchBytes()),
                copy.get("maxInFlightMiB").integer(defaults.maxInFlightMiB()),
                copy.get("sendTimeout").duration(defaults.sendTimeout()),
                copy.get("retryMaxDelay").duration(defaults.retryMaxDelay()),
                copy.get("blockedRetry").duration(defaults.blockedRetry()),
                copy.get("commitInterval").duration(defaults.commitInterval()),
                copy.get("pullsInFlight").integer(defaults.pullsInFlight()),
                copy.get("sendConnections").integer(defaults.sendConnections()));
        } catch (InvalidConfigException refused) {
            throw copy.problem(refused);
        }
    }
}
