package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.copy.LinkStateDecider.Decision;
import dev.ferry.copy.LinkStateDecider.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every state a link can be in, from the facts alone, and which trouble wins when several hold. */
class LinkStateDeciderTest {

    /** Facts of a link, healthy and running unless a test says otherwise. */
    private static final class Link {
        String failure;
        boolean started = true;
        boolean stopping;
        String waitingFor;
        String blocked;
        String sourceError;
        String targetDown;
        String targetPartlyDown;
        final List<String> retrying = new ArrayList<>();
        String stalled;
        long backlog;
        String note;
        String paused;

        Decision decide() {
            return LinkStateDecider.decide(new Facts(failure, started, stopping, waitingFor, blocked, sourceError, "B",
                targetDown, targetPartlyDown, retrying, stalled, backlog, 1_000, note, paused));
        }
    }

    @Test
    void aHealthyLinkRunsAndSaysWhatItNotes() {
        Link link = new Link();
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.RUNNING, null));
        link.note = "reading 2 queue(s) of broker 'broker-a' of source 'A' from the slave: the master is down";
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.RUNNING, link.note));
        link.backlog = 1_000;
        assertThat(link.decide().state()).as("at the threshold").isEqualTo(LinkState.RUNNING);
        link.backlog = 1_001;
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.CATCHING_UP, link.note));
    }

    @Test
    void aLinkThatCouldNotStartFailsWhateverElseHolds() {
        Link link = new Link();
        link.started = false;
        link.failure = "filter needs SQL-92";
        link.blocked = "blocked: ...";
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.FAILED, "cannot start: filter needs SQL-92"));
    }

    @Test
    void aLinkNotStartedYetStartsOrIsStopped() {
        Link link = new Link();
        link.started = false;
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.STARTING, null));
        link.waitingFor = "connect to 127.0.0.1:9876 failed";
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.STARTING,
            "waiting for its clusters: connect to 127.0.0.1:9876 failed"));
        link.stopping = true;
        assertThat(link.decide().state()).isEqualTo(LinkState.STOPPED);
    }

    @Test
    void aStoppingLinkIsStoppedWhateverItsTroubles() {
        Link link = new Link();
        link.stopping = true;
        link.blocked = "blocked: ...";
        link.targetDown = "timeout";
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.STOPPED, null));
    }

    @Test
    void aBlockedQueueComesBeforeAnyUnreachableCluster() {
        Link link = new Link();
        link.blocked = "blocked at offset 7 (message X): target refuses it: too large";
        link.sourceError = "source 'A' did not report progress: timeout";
        link.targetDown = "timeout";
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.BLOCKED, link.blocked));
    }

    @Test
    void aSilentSourceOrTargetIsUnreachable() {
        Link link = new Link();
        link.targetDown = "connect failed";
        link.retrying.add("retrying: busy");
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.UNREACHABLE,
            "target 'B' does not answer: connect failed"));
        link.sourceError = "source 'A' did not report progress: timeout";
        assertThat(link.decide()).as("the source first").isEqualTo(new Decision(LinkState.UNREACHABLE,
            link.sourceError));
    }

    @Test
    void retryingQueuesOrASilentTargetBrokerRetry() {
        Link link = new Link();
        link.targetPartlyDown = "broker(s) broker-b of target 'B' do not answer";
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.RETRYING, link.targetPartlyDown));
        link.targetPartlyDown = null;
        link.retrying.add("retrying: busy");
        link.stalled = "no heartbeat for 40 s";
        assertThat(link.decide()).as("retrying comes before stalled")
            .isEqualTo(new Decision(LinkState.RETRYING, "retrying: busy"));
    }

    @Test
    void stalledHeartbeatsAreNamed() {
        Link link = new Link();
        link.stalled = "no heartbeat for 40 s";
        link.backlog = 5_000;
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.STALLED, "no heartbeat for 40 s"));
    }

    @Test
    void aSilentTargetBrokerComesFirstAndHidesNoOtherReason() {
        assertThat(LinkStateDecider.retryReasons("broker(s) broker-a of target 'B' do not answer",
            List.of("slave refuses reads", "slave refuses reads")))
            .isEqualTo("broker(s) broker-a of target 'B' do not answer; slave refuses reads");
        assertThat(LinkStateDecider.retryReasons(null, List.of("busy"))).isEqualTo("busy");
    }

    @Test
    void atMostThreeReasonsAreNamed() {
        assertThat(LinkStateDecider.retryReasons("down", List.of("a", "b", "c", "d")))
            .isEqualTo("down; a; b (and 2 more)");
    }

    @Test
    void aPausedLinkIsPausedThoughNoHeartbeatComesThroughAndItsBacklogGrows() {
        Link link = new Link();
        link.paused = "paused on request at 2026-12-04T10:00:00Z";
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.PAUSED, link.paused));
        link.stalled = "no heartbeat copied for 42 s, though the source takes one every second";
        link.backlog = 50_000;
        link.note = "reading 2 queue(s) of broker 'broker-a' of source 'A' from the slave: the master is down";
        assertThat(link.decide()).as("stalling is what a pause does; not a trouble to tell")
            .isEqualTo(new Decision(LinkState.PAUSED, link.paused));
    }

    @Test
    void aPausedLinkStaysPausedAndHealthyButSaysWhatElseIsWrong() {
        Link link = new Link();
        link.paused = "paused on request at 2026-12-04T10:00:00Z";
        link.targetDown = "connect to 127.0.0.1:10911 failed";
        Decision decision = link.decide();
        assertThat(decision).isEqualTo(new Decision(LinkState.PAUSED, link.paused
            + "; meanwhile unreachable: target 'B' does not answer: connect to 127.0.0.1:10911 failed"));
        assertThat(status(decision.state()).healthy()).as("a pod paused for the target's maintenance is not restarted")
            .isTrue();

        link.targetDown = null;
        link.blocked = "blocked at offset 7 (message X): target refuses it: too large";
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.PAUSED, link.paused + "; meanwhile blocked: "
            + link.blocked));

        link.blocked = null;
        link.started = false;
        link.waitingFor = "connect to 127.0.0.1:9876 failed";
        assertThat(link.decide()).as("paused before it could start: it starts paused").isEqualTo(new Decision(
            LinkState.PAUSED, link.paused + "; meanwhile starting: waiting for its clusters: " + link.waitingFor));
    }

    @Test
    void aPausedLinkThatFailedOrStopsSaysSo() {
        Link link = new Link();
        link.paused = "paused on request at 2026-12-04T10:00:00Z";
        link.stopping = true;
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.STOPPED, null));
        link.stopping = false;
        link.started = false;
        link.failure = "filter needs SQL-92";
        assertThat(link.decide()).isEqualTo(new Decision(LinkState.FAILED, "cannot start: filter needs SQL-92"));
        assertThat(status(LinkState.FAILED).healthy()).isFalse();
    }

    private static LinkStatus status(LinkState state) {
        return new LinkStatus("x", "A", "B", "g", state, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, true, 0, true, 0,
            -1, -1, 0, 0, List.of(), 0, 0, 0, -1, -1, -1, -1, Map.of(), List.of(), null);
    }
}
