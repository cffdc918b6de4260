package dev.ferry.watch;

import dev.ferry.copy.Link;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.offsets.CheckpointStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Ferry's metrics, in Micrometer's names; the Prometheus registry turns {@code ferry.copied.messages} into
 * {@code ferry_copied_messages_total} and {@code ferry.delay} (seconds) into {@code ferry_delay_seconds}.
 *
 * <p>Per link (labels {@code backup}, {@code source}, {@code target}): messages and bytes copied, messages received,
 * skipped ({@code reason="loop"}: dropped by Ferry; {@code reason="source_filter"}: passed over by the source
 * broker's SQL-92 subscription, the loop check and the backup's filter), copied with a forged stamp (no valid
 * signature, with a signing key), dead-lettered, send retries, heartbeats copied; backlog, delay, heartbeat delay and age, bytes in flight; the state (one series per state, 1 for the
 * current one) and whether the link is healthy; the delay of every copy, origin store time to the target's
 * acknowledgement, as a histogram. Per cluster: whether it answers. Per consumer group, direction and topic: the
 * newest checkpoint's age, what a failover would re-read at most, and the group's lag. And the JVM's.
 *
 * <p>Reloads of the configuration file: whether the last one succeeded, and how many failed.
 *
 * <p>Everything but the delay histogram reads the {@link Watch}'s newest sample, so a scrape costs no call to a
 * cluster. No label carries a credential. The per-link and per-cluster meters {@link #follow follow} the running
 * set: a link that stops with its backup takes its meters with it (none is left behind to show a last value), and
 * a restarted link's counters start again from 0, which Prometheus reads as a counter reset.
 */
public final class FerryMetrics {

    /** Histogram buckets of the copy delay: loopback milliseconds up to a region's outage. */
    private static final Duration[] DELAY_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30)};

    private final MeterRegistry registry;
    private final Watch watch;
    /** Each running link's meters, by the link itself: a restarted backup's new link is another key. */
    private final Map<Link, List<Meter>> linkMeters = new IdentityHashMap<>();
    private final Map<String, Meter> clusterMeters = new LinkedHashMap<>();

    private FerryMetrics(MeterRegistry registry, Watch watch) {
        this.registry = registry;
        this.watch = watch;
    }

    /** Registers every link's meters, the clusters', the checkpoints', the reloads' and the JVM's. */
    public static FerryMetrics bind(MeterRegistry registry, Watch watch, List<Link> links) {
        FerryMetrics metrics = new FerryMetrics(registry, watch);
        metrics.follow(links, watch.latest().clusters().stream().map(Snapshot.ClusterView::name).toList());
        bindCheckpoints(registry, watch);
        bindReloads(registry, watch);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return metrics;
    }

    /**
     * Follows the running set after a reload: removes the meters of links and clusters no longer in it, first, and
     * registers those of the new ones (a restarted link has the same labels as the one it replaces).
     */
    public synchronized void follow(List<Link> links, Collection<String> clusters) {
        Set<Link> running = Collections.newSetFromMap(new IdentityHashMap<>());
        running.addAll(links);
        linkMeters.entrySet().removeIf(entry -> {
            if (running.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().forEach(registry::remove);
            return true;
        });
        clusterMeters.entrySet().removeIf(entry -> {
            if (clusters.contains(entry.getKey())) {
                return false;
            }
            registry.remove(entry.getValue());
            return true;
        });
        for (Link link : links) {
            linkMeters.computeIfAbsent(link, this::bindLink);
        }
        for (String cluster : clusters) {
            clusterMeters.computeIfAbsent(cluster, name -> Gauge.builder("ferry.cluster.reachable", watch,
                    w -> reachable(w, name))
                .description("1 when the links that use the cluster reached it in their last probe, 0 when not")
                .tag("cluster", name).register(registry));
        }
    }

    /** Registers the link's meters, and returns them, so that {@link #follow} can remove them with the link. */
    private List<Meter> bindLink(Link link) {
        List<Meter> meters = new ArrayList<>();
        Tags tags = Tags.of("backup", link.backupName(), "source", link.sourceCluster(), "target", link.targetCluster());
        String key = link.group();
        counter(meters, "ferry.copied.messages", "messages copied and acknowledged by the target", tags, watch, key,
            LinkStatus::copied);
        counter(meters, "ferry.copied.bytes", "message body bytes copied", tags, watch, key, LinkStatus::copiedBytes);
        counter(meters, "ferry.received.messages", "messages the source delivered to Ferry, redeliveries included",
            tags, watch, key, LinkStatus::received);
        counter(meters, "ferry.skipped.messages", "messages not copied: dropped by Ferry as a loop",
            tags.and("reason", "loop"), watch, key, LinkStatus::skippedLoop);
        counter(meters, "ferry.skipped.messages",
            "messages not copied: passed over by the source broker's SQL-92 subscription (loop check, backup filter)",
            tags.and("reason", "source_filter"), watch, key, LinkStatus::skippedAtSource);
        counter(meters, "ferry.skipped.messages", "messages not copied: the target held their copies already"
            + " (exactly-once, after a crash, a timeout or a queue move)", tags.and("reason", "copied_already"), watch,
            key, LinkStatus::skippedCopied);
        counter(meters, "ferry.watermarks.undecided", "queues taken whose copies on the target could not be found"
            + " within the read budget: copied at least once", tags, watch, key, LinkStatus::watermarksUndecided);
        counter(meters, "ferry.forged.stamps", "messages copied whose FERRY_* stamp had no valid signature (with a"
            + " signingKey): copied as local messages of the source", tags, watch, key, LinkStatus::forgedStamps);
        counter(meters, "ferry.dead.lettered.messages", "messages the target refused for good, dead-lettered",
            tags, watch, key, LinkStatus::deadLettered);
        counter(meters, "ferry.send.retries", "send attempts the target did not take and that were tried again",
            tags, watch, key, LinkStatus::retries);
        counter(meters, "ferry.unconfirmed.sends", "sends the target stored without confirming them safe (flush or"
            + " slave timeout: not taken as stored, a possible duplicate each with at-least-once delivery; no slave"
            + " available: kept, stored on the master"
            + " only)", tags, watch, key, LinkStatus::unconfirmedSends);
        counter(meters, "ferry.heartbeats.copied", "the link's heartbeats copied", tags, watch, key,
            LinkStatus::heartbeats);
        gauge(meters, "ferry.backlog.messages", null, "messages on the source not yet copied", tags, watch, key,
            s -> s.backlog() < 0 ? Double.NaN : s.backlog());
        gauge(meters, "ferry.delay", "seconds", "how far the target is behind the source", tags, watch, key,
            s -> s.delayMillis() < 0 ? Double.NaN : s.delayMillis() / 1000.0);
        gauge(meters, "ferry.heartbeat.delay", "seconds", "the newest heartbeat's delay, source to target", tags,
            watch, key, s -> s.heartbeatDelayMillis() < 0 ? Double.NaN : s.heartbeatDelayMillis() / 1000.0);
        gauge(meters, "ferry.heartbeat.age", "seconds", "how long ago the newest heartbeat came through", tags,
            watch, key, s -> s.heartbeatAgeMillis() < 0 ? Double.NaN : s.heartbeatAgeMillis() / 1000.0);
        gauge(meters, "ferry.in.flight", "bytes", "message bytes pulled from the source, not yet acknowledged",
            tags, watch, key, LinkStatus::inFlightBytes);
        gauge(meters, "ferry.link.healthy", null, "1 while the link runs, catches up or is paused on request, 0"
            + " otherwise", tags, watch, key, s -> s.healthy() ? 1 : 0);
        gauge(meters, "ferry.pending.timer.messages", null, "timer messages the source holds for the link's"
            + " topics, not yet due (copied once due)", tags, watch, key,
            s -> s.pendingTimers() < 0 ? Double.NaN : s.pendingTimers());
        gauge(meters, "ferry.pending.timer.due.timestamp", "seconds", "when the first timer message the source"
            + " holds for the link's topics is due (Unix time; NaN while none waits or it is not known)", tags, watch,
            key, s -> s.pendingTimersDue() < 0 ? Double.NaN : s.pendingTimersDue() / 1000.0);
        gauge(meters, "ferry.pending.delayed.messages", null, "delay-level messages the source cluster holds for"
            + " any topic, not yet due (copied once due)", tags, watch, key,
            s -> s.pendingDelayed() < 0 ? Double.NaN : s.pendingDelayed());
        gauge(meters, "ferry.pending.delayed.due.timestamp", "seconds", "when the first delay-level message the"
            + " source cluster holds is due (Unix time; NaN while none waits or the source does not say)", tags,
            watch, key,
            s -> s.pendingDelayedDue() < 0 ? Double.NaN : s.pendingDelayedDue() / 1000.0);
        gauge(meters, "ferry.read.ahead.pulls", null, "pulls the link's queues keep out while they stream, over the"
            + " queues reading ahead (readAhead in /status)", tags, watch, key,
            s -> s.readAhead() == null ? 0 : s.readAhead().values().stream().mapToInt(Integer::intValue).sum());
        gauge(meters, "ferry.link.warnings", null, "target topics to align by hand (another type, fewer queues)",
            tags, watch, key, s -> s.warnings() == null ? 0 : s.warnings().size());
        gauge(meters, "ferry.held.queues", null, "source queues this process copies for the link (its share with"
            + " several processes on one file; held in /status)", tags, watch, key,
            s -> s.held() == null ? 0 : s.held().count());
        for (LinkState state : LinkState.values()) {
            gauge(meters, "ferry.link.state", null, "1 for the link's current state", tags.and("state",
                state.text()), watch, key, s -> s.state() == state ? 1 : 0);
        }
        Timer delays = Timer.builder("ferry.copy.delay")
            .description("delay of each copied message, from its origin store time to the target's acknowledgement")
            .tags(tags).serviceLevelObjectives(DELAY_BUCKETS).register(registry);
        meters.add(delays);
        link.recordDelaysIn(delays);
        return meters;
    }

    private void counter(List<Meter> meters, String name, String description, Tags tags, Watch watch,
                         String group, ToDoubleFunction<LinkStatus> value) {
        meters.add(FunctionCounter.builder(name, watch, w -> {
                LinkStatus status = find(w, group);
                return status == null ? 0 : value.applyAsDouble(status);
            })
            .description(description).tags(tags).register(registry));
    }

    private void gauge(List<Meter> meters, String name, String unit, String description, Tags tags,
                       Watch watch, String group, ToDoubleFunction<LinkStatus> value) {
        meters.add(Gauge.builder(name, watch, w -> {
                LinkStatus status = find(w, group);
                return status == null ? Double.NaN : value.applyAsDouble(status);
            })
            .baseUnit(unit).description(description).tags(tags).register(registry));
    }

    private static LinkStatus find(Watch watch, String group) {
        for (LinkStatus status : watch.latest().links()) {
            if (status.group().equals(group)) {
                return status;
            }
        }
        return null;
    }

    private static double reachable(Watch watch, String cluster) {
        for (Snapshot.ClusterView view : watch.latest().clusters()) {
            if (view.name().equals(cluster)) {
                return view.reachable() == null ? Double.NaN : view.reachable() ? 1 : 0;
            }
        }
        return Double.NaN;
    }

    /** Reloads of the configuration file: an alert fires on the gauge, the counter says how often. */
    private static void bindReloads(MeterRegistry registry, Watch watch) {
        Gauge.builder("ferry.config.last.reload.success", watch, w -> w.latest().reload().lastFailed() ? 0 : 1)
            .description("0 while the last reload of the configuration file failed (the running set is the one"
                + " loaded before) or was applied in part (backups it was to start do not run), 1 otherwise")
            .register(registry);
        FunctionCounter.builder("ferry.config.reload.failures", watch, w -> w.latest().reload().failures())
            .description("reloads of the configuration file that failed (changing nothing) or were applied in"
                + " part").register(registry);
    }

    /** Groups come and go: the rows follow each sample. */
    private static void bindCheckpoints(MeterRegistry registry, Watch watch) {
        MultiGauge age = MultiGauge.builder("ferry.checkpoint.age").baseUnit("seconds")
            .description("age of the group's newest checkpoint in the target").register(registry);
        MultiGauge reRead = MultiGauge.builder("ferry.checkpoint.reread.messages")
            .description("messages the group would read again at most after a failover now").register(registry);
        MultiGauge lag = MultiGauge.builder("ferry.checkpoint.lag.messages")
            .description("messages the group had not consumed on the source at its newest checkpoint").register(registry);
        watch.onSample(snapshot -> {
            List<MultiGauge.Row<?>> ages = new ArrayList<>();
            List<MultiGauge.Row<?>> reReads = new ArrayList<>();
            List<MultiGauge.Row<?>> lags = new ArrayList<>();
            for (CheckpointStatus c : snapshot.checkpoints()) {
                Tags tags = Tags.of("backup", c.backup(), "source", c.source(), "target", c.target(), "group", c.group(),
                    "topic", c.topic());
                ages.add(MultiGauge.Row.of(tags, Math.max(0, c.ageMillis()) / 1000.0));
                reReads.add(MultiGauge.Row.of(tags, c.reReadAtMost()));
                lags.add(MultiGauge.Row.of(tags, c.lag() < 0 ? Double.NaN : c.lag()));
            }
            age.register(ages, true);
            reRead.register(reReads, true);
            lag.register(lags, true);
        });
    }
}
