package dev.ferry.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.HttpConfig;
import dev.ferry.copy.Link;
import dev.ferry.copy.LinkProgress;
import dev.ferry.copy.LinkState;
import dev.ferry.copy.LinkStatus;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.SteadyProducer;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import dev.ferry.watch.ReloadStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reloading the configuration of a running Ferry on real brokers: backups added, removed (progress committed, so
 * that adding it back copies nothing twice), changed (a topic added), an untouched backup that copies on through
 * it all with the same link, and files that cannot be applied, which change nothing.
 */
class ReloadTest {

    private static final int QUEUES = 2;
    private static EmbeddedCluster source;
    private static EmbeddedCluster target;

    /** The shared regions: this class copies its own topics under backups and cluster names of its own. */
    @BeforeAll
    static void shareClusters() {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        source = regions.a();
        target = regions.b();
        for (String topic : List.of("rl-keep", "rl-gone", "rl-chg", "rl-chg2", "rl-new", "rl-steady")) {
            source.createTopic(topic, QUEUES);
        }
    }

    private static FerryConfig config(BackupConfig... backups) {
        return TestConfigs.config(List.of(TestConfigs.cluster("rl-src", source.namesrvAddr()),
            TestConfigs.cluster("rl-dst", target.namesrvAddr())), List.of(backups));
    }

    private static BackupConfig backup(String name, String... topics) {
        return TestConfigs.oneWay(name, "rl-src", "rl-dst", List.of(topics));
    }

    @Test
    void addsStopsAndRestartsBackupsWhileAnUntouchedOneCopiesOnWithTheSameLink() throws Exception {
        BackupConfig keep = backup("rl-keep", "rl-keep");
        BackupConfig gone = backup("rl-gone", "rl-gone");
        FerryConfig first = config(keep, gone, backup("rl-chg", "rl-chg"));
        FerryConfig second = config(keep, backup("rl-chg", "rl-chg", "rl-chg2"), backup("rl-new", "rl-new"));
        MeterRegistry registry = new SimpleMeterRegistry();
        List<String> goneIds = new ArrayList<>();
        List<String> chgIds = new ArrayList<>();
        List<String> newIds;
        List<String> chg2Ids;
        SteadyProducer steady = SteadyProducer.start(source.namesrvAddr(), "rl-keep", "rl-keep");
        try (TestMessages producer = new TestMessages(source); Ferry ferry = Ferry.start(first, registry)) {
            goneIds.addAll(producer.send("rl-gone", "gone", 0, 200, QUEUES));
            chgIds.addAll(producer.send("rl-chg", "chg", 0, 200, QUEUES));
            await().atMost(Duration.ofMinutes(1)).until(() -> copied(ferry, "rl-gone") == 200
                && copied(ferry, "rl-chg") == 200 && copied(ferry, "rl-keep") > 500);
            Link keptLink = link(ferry, "rl-keep");
            Backup keptBackup = ferry.backups().get(0);

            // Sampled while the reload stops two backups and starts two: the untouched link never stops copying.
            List<LinkStatus> samples = new CopyOnWriteArrayList<>();
            AtomicBoolean reloading = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (reloading.get()) {
                    samples.add(keptLink.status());
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // a sample each 50 ms, not a wait
                }
            }, "rl-sampler");
            sampler.start();
            ReloadPlan plan;
            try {
                plan = ferry.apply(second);
            } finally {
                reloading.set(false);
                sampler.join();
            }
            assertThat(plan.start()).containsExactly("rl-new");
            assertThat(plan.stop()).containsExactly("rl-gone");
            assertThat(plan.restart()).containsOnlyKeys("rl-chg");
            assertThat(plan.keep()).containsExactly("rl-keep");
            assertThat(ferry.backups()).extracting(Backup::name).containsExactly("rl-keep", "rl-chg", "rl-new");
            assertThat(ferry.backups().get(0)).as("the untouched backup").isSameAs(keptBackup);
            assertThat(link(ferry, "rl-keep")).as("its link").isSameAs(keptLink);
            assertThat(samples).as("the untouched link through the reload").isNotEmpty()
                .allSatisfy(s -> assertThat(s.state()).isIn(LinkState.RUNNING, LinkState.CATCHING_UP));
            assertThat(samples.stream().mapToLong(LinkStatus::copied)).as("copied, never reset").isSorted();
            assertThat(samples.get(samples.size() - 1).copied()).as("copying during the reload")
                .isGreaterThan(samples.get(0).copied());

            // The removed backup stopped cleanly: everything it copied is committed, and it copies nothing more.
            await().atMost(Duration.ofSeconds(10)).until(() -> backlog("rl-gone", "rl-gone") == 0);
            goneIds.addAll(producer.send("rl-gone", "gone", 200, 100, QUEUES));
            await("the messages landed").atMost(Duration.ofSeconds(30))
                .until(() -> backlog("rl-gone", "rl-gone") == 100);
            await("none of them is copied").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> backlog("rl-gone", "rl-gone") == 100);
            // The restarted one copies its old topic on, and its new one; the added one copies.
            chgIds.addAll(producer.send("rl-chg", "chg", 200, 100, QUEUES));
            chg2Ids = producer.send("rl-chg2", "chg2", 0, 100, QUEUES);
            newIds = producer.send("rl-new", "new", 0, 100, QUEUES);
            await().atMost(Duration.ofMinutes(1)).until(() -> copied(ferry, "rl-chg") == 200
                && copied(ferry, "rl-new") == 100);

            // Metrics follow the set: the removed backup's are gone, the restarted one's are there once.
            assertThat(registry.find("ferry.copied.messages").tag("backup", "rl-gone").meters()).isEmpty();
            assertThat(registry.find("ferry.copied.messages").tag("backup", "rl-chg").meters()).hasSize(1);
            assertThat(registry.find("ferry.copied.messages").tag("backup", "rl-new").meters()).hasSize(1);
            assertThat(registry.find("ferry.copied.messages").tag("backup", "rl-keep").functionCounter().count())
                .isPositive();
            assertThat(ferry.snapshot().backups()).extracting(b -> b.name())
                .containsExactly("rl-keep", "rl-chg", "rl-new");

            // Added back, the removed backup resumes where it stopped.
            ferry.apply(config(keep, backup("rl-chg", "rl-chg", "rl-chg2"), backup("rl-new", "rl-new"), gone));
            await().atMost(Duration.ofMinutes(1)).until(() -> copied(ferry, "rl-gone") == 100
                && backlog("rl-gone", "rl-gone") == 0);
            steady.stop();
            await().atMost(Duration.ofMinutes(1)).until(() -> backlog("rl-keep", "rl-keep") == 0);
        } finally {
            steady.close();
        }
        MessageIds.assertExactlyOnce(TopicReader.readAll(target, "rl-gone", 300), goneIds, "rl-dst/rl-gone");
        MessageIds.assertExactlyOnce(TopicReader.readAll(target, "rl-chg", 300), chgIds, "rl-dst/rl-chg");
        MessageIds.assertExactlyOnce(TopicReader.readAll(target, "rl-chg2", 100), chg2Ids, "rl-dst/rl-chg2");
        MessageIds.assertExactlyOnce(TopicReader.readAll(target, "rl-new", 100), newIds, "rl-dst/rl-new");
        MessageIds.assertExactlyOnce(TopicReader.readAll(target, "rl-keep", steady.sent()), steady.acknowledged(),
            "rl-dst/rl-keep, copied through two reloads");
    }

    @Test
    void aFileThatCannotBeAppliedChangesNothingUntilAGoodOneClearsIt() throws Exception {
        FerryConfig running = config(backup("rl-steady", "rl-steady"));
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Ferry ferry = Ferry.start(running, registry)) {
            Backup before = ferry.backups().get(0);
            assertThat(ferry.snapshot().reload()).isEqualTo(ReloadStatus.NONE);
            assertThat(registry.get("ferry.config.last.reload.success").gauge().value()).isEqualTo(1);

            assertThatThrownBy(() -> ferry.reload(() -> {
                throw new ConfigException("ferry.yaml: backups[0].topics: no topics (at least one is required)");
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("backups[0].topics");
            ReloadStatus failed = ferry.snapshot().reload();
            assertThat(failed.outcome()).isEqualTo("failed");
            assertThat(failed.error()).isEqualTo("ferry.yaml: backups[0].topics: no topics (at least one is required)");
            assertThat(failed.problem()).get().asString().contains("still running the configuration loaded before");
            assertThat(registry.get("ferry.config.last.reload.success").gauge().value()).isZero();
            assertThat(registry.get("ferry.config.reload.failures").functionCounter().count()).isEqualTo(1);

            FerryConfig otherPort = new FerryConfig(running.file(), running.clusters(), running.backups(),
                new HttpConfig("127.0.0.1", 7171));
            assertThatThrownBy(() -> ferry.reload(() -> otherPort)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a restart of Ferry: http changed");
            assertThat(ferry.backups()).containsExactly(before);
            assertThat(ferry.snapshot().reload().failures()).isEqualTo(2);

            ReloadPlan plan = ferry.reload(() -> running);
            assertThat(plan.changesNothing()).isTrue();
            assertThat(ferry.backups()).containsExactly(before);
            ReloadStatus applied = ferry.snapshot().reload();
            assertThat(applied.outcome()).isEqualTo("applied");
            assertThat(applied.problem()).isEmpty();
            assertThat(applied.lastApplied()).isPositive();
            assertThat(registry.get("ferry.config.last.reload.success").gauge().value()).isEqualTo(1);
            assertThat(registry.get("ferry.config.reload.failures").functionCounter().count()).isEqualTo(2);
        }
    }

    private static Link link(Ferry ferry, String backup) {
        return ferry.backups().stream().filter(b -> b.name().equals(backup)).findFirst().orElseThrow().links().get(0);
    }

    private static long copied(Ferry ferry, String backup) {
        return ferry.status().stream().filter(s -> s.backup().equals(backup)).mapToLong(LinkStatus::copied).sum();
    }

    /** The committed progress of the backup's group on the source, as the broker holds it. */
    private static long backlog(String backup, String topic) {
        try (ClusterAdmin admin = ClusterAdmin.connect(new ClusterConfig("rl-src", source.namesrvAddr(), null, null,
            java.util.Map.of(), false))) {
            return LinkProgress.of(admin.consumeStats(FerryNames.linkGroup(backup, "rl-dst"), List.of(topic)),
                List.of(topic), System.currentTimeMillis()).backlog();
        } catch (Exception notYet) {
            return Long.MAX_VALUE;
        }
    }
}
