package dev.ferry.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.app.Main;
import dev.ferry.backup.Ferry;
import dev.ferry.client.ProcessedMessages;
import dev.ferry.client.consumer.Idempotent;
import dev.ferry.client.store.ProcessedMessageStores;
import dev.ferry.cluster.ClientShutdown;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.AppConsumer;
import dev.ferry.embedded.ClusterProcess;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.SteadyProducer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active-active failover as docs/failover.md tells an operator to do it: hangzhou (a child JVM) and shanghai
 * both take traffic and copy to each other; each region's application processes its local traffic
 * ({@code FERRY_ORIGIN IS NULL}), idempotently through ferry-client with a store both regions share (as a
 * replicated database would be). Hangzhou is SIGKILLed; its producers move to shanghai; shanghai's application
 * stops, {@code ferry failover} moves its group back to where hangzhou's stopped, and it starts again with the
 * wider filter. Every message that reached shanghai is processed, and none twice.
 */
class ActiveActiveFailoverTest {

    private static final String TOPIC = "trades";
    private static final String GROUP = "trades-app";
    private static final int QUEUES = 4;

    @TempDir
    Path dir;

    @Test
    void producersMoveConsumersWidenTheirFilterNothingIsLostNothingIsProcessedTwice() throws Exception {
        // RocketMQ's default names in both regions; shanghai has two brokers.
        try (ClusterProcess hangzhou = ClusterProcess.builder("DefaultCluster").brokerName("broker-a").start();
             EmbeddedCluster shanghai = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b")
                 .start();
             AutoCloseable stop = () -> EmbeddedCluster.closeInBackground(shanghai)) {
            Path file = Files.writeString(dir.resolve("ferry.yaml"), """
                clusters:
                  hangzhou: {namesrv: %s}
                  shanghai: {namesrv: %s}
                backups:
                  - {name: trades-aa, mode: two-way, source: hangzhou, target: shanghai, topics: [trades]}
                """.formatted(hangzhou.namesrvAddr(), shanghai.namesrvAddr()));
            FerryConfig config = ConfigLoader.load(file);
            for (String cluster : new String[] {"hangzhou", "shanghai"}) {
                try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster(cluster))) {
                    admin.ensureTopic(TOPIC, QUEUES);
                }
            }

            ProcessedMessages store = ProcessedMessageStores.inMemory().build();
            Map<String, Integer> processings = new ConcurrentHashMap<>();
            Ferry ferry = Ferry.start(config.withCheckpointInterval(Duration.ofSeconds(1)));
            // Hangzhou's application falls behind its traffic (it takes 500 messages, then hangs): when hangzhou
            // dies, it has work left there.
            AtomicBoolean hangzhouAlive = new AtomicBoolean(true);
            DefaultMQPushConsumer hzApp = app(hangzhou.namesrvAddr(), "FERRY_ORIGIN IS NULL", store, processings, 500,
                hangzhouAlive);
            DefaultMQPushConsumer shApp = app(shanghai.namesrvAddr(), "FERRY_ORIGIN IS NULL", store, processings,
                Integer.MAX_VALUE, hangzhouAlive);
            SteadyProducer hzProducer = SteadyProducer.start(hangzhou.namesrvAddr(), TOPIC, "hz");
            SteadyProducer shProducer = SteadyProducer.start(shanghai.namesrvAddr(), TOPIC, "sh");
            Set<String> sentInHangzhou = hzProducer.acknowledged();
            Set<String> sentInShanghai = shProducer.acknowledged();

            await().atMost(Duration.ofSeconds(60)).until(() -> sentInHangzhou.size() >= 2_000);
            // The region dies with its application in it: nothing more is processed there.
            hangzhou.kill();
            hangzhouAlive.set(false);
            hzApp.setAwaitTerminationMillisWhenShutdown(0);
            ClientShutdown.shutdown(hzApp, hzApp::shutdown);
            hzProducer.stop();
            Set<String> processedBeforeFailover = new HashSet<>(processings.keySet());
            // Hangzhou's producers now send to shanghai.
            SteadyProducer moved = SteadyProducer.start(shanghai.namesrvAddr(), TOPIC, "hz-moved");
            Set<String> movedToShanghai = moved.acknowledged();

            // Shanghai's application stops, its group moves back to hangzhou's progress, and it starts again
            // processing local traffic and what came from hangzhou.
            ClientShutdown.shutdown(shApp, shApp::shutdown);
            Map<MessageQueue, Long> before = committed(config, "shanghai");
            StringWriter dryOut = new StringWriter();
            assertThat(Main.execute(new PrintWriter(dryOut), new PrintWriter(new StringWriter()), "failover", "--config",
                file.toString(), "--group", GROUP, "--from", "hangzhou", "--to", "shanghai", "--dry-run")).isZero();
            assertThat(dryOut.toString()).contains("Would move group trades-app").contains("Dry run, nothing changed");
            assertThat(committed(config, "shanghai")).as("offsets after --dry-run").isEqualTo(before);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "failover", "--config", file.toString(),
                "--group", GROUP, "--from", "hangzhou", "--to", "shanghai");
            assertThat(code).as(out + "\n" + err).isZero();
            DefaultMQPushConsumer widened = app(shanghai.namesrvAddr(),
                "FERRY_ORIGIN IS NULL OR FERRY_ORIGIN = 'hangzhou'", store, processings, Integer.MAX_VALUE,
                hangzhouAlive);
            int sentBefore = sentInShanghai.size();
            await("shanghai takes more traffic with the widened consumer running").atMost(Duration.ofSeconds(30))
                .until(() -> sentInShanghai.size() >= sentBefore + 1_000);
            shProducer.stop();
            moved.stop();

            Set<String> fromHangzhouOnShanghai = TopicReader.readAll(shanghai.namesrvAddr(), TOPIC, 1).stream()
                .filter(m -> "hangzhou".equals(m.getProperty("FERRY_ORIGIN"))).map(MessageExt::getMsgId)
                .collect(Collectors.toSet());
            Set<String> mustBeProcessed = new HashSet<>(fromHangzhouOnShanghai);
            mustBeProcessed.addAll(sentInShanghai);
            mustBeProcessed.addAll(movedToShanghai);
            try {
                try {
                    await().atMost(Duration.ofMinutes(2)).until(() -> processings.keySet().containsAll(mustBeProcessed));
                } catch (ConditionTimeoutException e) {
                    // What CI needs to tell why: which messages, and where shanghai holds them.
                    Set<String> missing = new HashSet<>(mustBeProcessed);
                    missing.removeAll(processings.keySet());
                    System.out.println("failover output:\n" + out);
                    System.out.printf("not processed: %d of %d (copies from hangzhou %d, sent in shanghai %d,"
                            + " moved to shanghai %d)%n", missing.size(), mustBeProcessed.size(),
                        missing.stream().filter(fromHangzhouOnShanghai::contains).count(),
                        missing.stream().filter(sentInShanghai::contains).count(),
                        missing.stream().filter(movedToShanghai::contains).count());
                    TopicReader.readAll(shanghai.namesrvAddr(), TOPIC, 1).stream()
                        .filter(m -> missing.contains(m.getMsgId())).limit(20)
                        .forEach(m -> System.out.printf("  missing: queue %d offset %d origin %s%n", m.getQueueId(),
                            m.getQueueOffset(), m.getProperty("FERRY_ORIGIN")));
                    throw e;
                }
                // A message processed twice would show up now; the assertions below name it.
                int processedSoFar = timesProcessed(processings);
                await("nothing more is processed").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                    .until(() -> timesProcessed(processings) == processedSoFar);
            } finally {
                ClientShutdown.shutdown(widened, widened::shutdown);
                ferry.close();
                store.close();
            }

            Set<String> leftForShanghai = new HashSet<>(fromHangzhouOnShanghai);
            leftForShanghai.removeAll(processedBeforeFailover);
            Set<String> notCopied = new HashSet<>(sentInHangzhou);
            notCopied.removeAll(fromHangzhouOnShanghai);
            notCopied.removeAll(processings.keySet());
            long twice = processings.values().stream().filter(n -> n > 1).count();
            System.out.printf("active-active failover: %d sent in hangzhou (%d reached shanghai, %d of them not yet"
                    + " processed by hangzhou's application), %d in shanghai, %d moved to shanghai; %d processed, %d"
                    + " twice; %d acknowledged by hangzhou, neither copied nor processed before it died (they wait in"
                    + " hangzhou for failback)%n%s", sentInHangzhou.size(), fromHangzhouOnShanghai.size(),
                leftForShanghai.size(), sentInShanghai.size(), movedToShanghai.size(), processings.size(), twice,
                notCopied.size(), out);
            assertThat(leftForShanghai).as("hangzhou's work left for shanghai").isNotEmpty();
            assertThat(processings.keySet()).containsAll(mustBeProcessed);
            assertThat(twice).as("messages processed twice").isZero();
            assertThat(out.toString()).contains("Done:");
        }
    }

    /**
     * A region's application: processes each message once, with the shared store, counting processings; after
     * {@code capacity} messages it hangs on each further one while {@code alive} (so its group's committed
     * offsets stay before them; failing them instead would send them to the group's retry topic, which lives
     * in the failed region and is not copied).
     */
    private static DefaultMQPushConsumer app(String namesrv, String filter, ProcessedMessages store,
                                             Map<String, Integer> processings, int capacity, AtomicBoolean alive)
        throws Exception {
        AtomicLong left = new AtomicLong(capacity);
        DefaultMQPushConsumer consumer = AppConsumer.of(GROUP, namesrv,
            GROUP + "-" + namesrv + "-" + INSTANCES.incrementAndGet());
        consumer.setPersistConsumerOffsetInterval(1_000);
        consumer.setAwaitTerminationMillisWhenShutdown(5_000);
        consumer.subscribe(TOPIC, MessageSelector.bySql(filter));
        consumer.registerMessageListener(Idempotent.using(store).namespace(GROUP).concurrently(
            (MessageListenerConcurrently) (messages, context) -> {
                if (left.addAndGet(-messages.size()) < 0) {
                    // The application hangs (polling its region's fate), holding the batch: no condition to await.
                    while (alive.get()) {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                }
                messages.forEach(m -> processings.merge(m.getMsgId(), 1, Integer::sum));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            }));
        consumer.start();
        return consumer;
    }

    private static final AtomicLong INSTANCES = new AtomicLong();

    private static int timesProcessed(Map<String, Integer> processings) {
        return processings.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static Map<MessageQueue, Long> committed(FerryConfig config, String cluster) throws Exception {
        Map<MessageQueue, Long> offsets = new HashMap<>();
        try (ClusterAdmin admin = ClusterAdmin.connect(config.cluster(cluster))) {
            for (MessageQueue queue : admin.queues(TOPIC)) {
                offsets.put(queue, admin.committedOffset(GROUP, queue).orElse(-1));
            }
        }
        return offsets;
    }
}
