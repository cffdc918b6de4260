package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The log says a refusal once per address and cause, again after {@link TlsRefusals#REPEAT}; look-ups by time. */
class TlsRefusalsTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(TlsRefusals.class);
    private Instant now = T0;
    private final TlsRefusals refusals = new TlsRefusals("A", new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @BeforeEach
    void listen() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(log);
    }

    @Test
    void saysARefusalOnceThenAgainOnlyAfterItsRepeatOrWhenItChanges() {
        refusals.record("10.0.0.5:10911", "names DNS:b, not 10.0.0.5");
        now = T0.plusSeconds(5);
        refusals.record("10.0.0.5:10911", "names DNS:b, not 10.0.0.5");
        refusals.record("10.0.0.6:10911", "names DNS:b, not 10.0.0.6");
        now = T0.plus(TlsRefusals.REPEAT).minusSeconds(1);
        refusals.record("10.0.0.5:10911", "names DNS:b, not 10.0.0.5");
        now = T0.plus(TlsRefusals.REPEAT);
        refusals.record("10.0.0.5:10911", "names DNS:b, not 10.0.0.5");
        refusals.record("10.0.0.6:10911", "not signed by a CA in tls.trustCertPath");

        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
            "cluster 'A': TLS refused: names DNS:b, not 10.0.0.5",
            "cluster 'A': TLS refused: names DNS:b, not 10.0.0.6",
            "cluster 'A': TLS refused: names DNS:b, not 10.0.0.5",
            "cluster 'A': TLS refused: not signed by a CA in tls.trustCertPath");
    }

    @Test
    void answersWithTheNewestRefusalSinceAMomentOfAnAddressOrOfAny() {
        refusals.record("10.0.0.5:10911", "first");
        now = T0.plus(Duration.ofSeconds(10));
        refusals.record("10.0.0.6:10911", "second");

        assertThat(refusals.since(T0, null)).contains("second");
        assertThat(refusals.since(T0, "10.0.0.5:10911")).contains("first");
        assertThat(refusals.since(T0.plusSeconds(1), "10.0.0.5:10911")).isEmpty();
        assertThat(refusals.since(T0.plusSeconds(11), null)).isEmpty();
        assertThat(refusals.since(T0, "10.0.0.7:10911")).isEmpty();
    }
}
