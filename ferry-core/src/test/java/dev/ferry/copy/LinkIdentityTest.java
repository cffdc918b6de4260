package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seats on one host: the first free one, never one another process holds or one connected to the source. */
class LinkIdentityTest {

    private static final String GROUP = "ferry-orders-dr-to-B";

    @TempDir
    Path seats;

    @Test
    void aProcessTakesTheFirstFreeSeatAndGivesItBackWhenItStops() {
        try (LinkIdentity first = LinkIdentity.claim(GROUP, id -> false, seats)) {
            assertThat(first.instanceName()).isEqualTo("ferry-orders-dr-to-B-seat-0");
            try (LinkIdentity second = LinkIdentity.claim(GROUP, id -> false, seats)) {
                assertThat(second.instanceName()).as("seat 0 is held").isEqualTo("ferry-orders-dr-to-B-seat-1");
            }
            try (LinkIdentity again = LinkIdentity.claim(GROUP, id -> false, seats)) {
                assertThat(again.instanceName()).as("seat 1 was given back").isEqualTo("ferry-orders-dr-to-B-seat-1");
            }
        }
        try (LinkIdentity restarted = LinkIdentity.claim(GROUP, id -> false, seats)) {
            assertThat(restarted.instanceName()).as("the same seat as before: the same client ID")
                .isEqualTo("ferry-orders-dr-to-B-seat-0");
        }
    }

    @Test
    void aSeatWhoseClientIdIsConnectedToTheSourceIsNotTaken() {
        // A live process on this host whose lock files are elsewhere (a private temporary directory).
        Set<String> connected = Set.of(LinkIdentity.clientId("ferry-orders-dr-to-B-seat-0"));
        try (LinkIdentity identity = LinkIdentity.claim(GROUP, connected::contains, seats)) {
            assertThat(identity.instanceName()).isEqualTo("ferry-orders-dr-to-B-seat-1");
        }
        assertThat(LinkIdentity.clientId("x")).as("ip@instance, as RocketMQ builds it").endsWith("@x");
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsNamed() {
        Path file = seats.resolve("a-file");
        assertThatThrownBy(() -> {
            Files.writeString(file, "x");
            LinkIdentity.claim(GROUP, id -> false, file.resolve("seats"));
        }).hasMessageContaining(file.resolve("seats").toString()).hasMessageContaining("java.io.tmpdir");
    }
}
