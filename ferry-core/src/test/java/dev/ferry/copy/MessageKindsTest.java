package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.OnError;
import dev.ferry.config.CopySettings;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.StartFrom;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Ferry copies and what it does not: delayed messages once visible (and not delayed again),
 * transactional messages only once committed, the SQL-92 filter, where a new backup starts, and a message
 * the target refuses for good.
 */
class MessageKindsTest {

    private static EmbeddedCluster source;
    private static EmbeddedCluster target;

    @BeforeAll
    static void startClusters() {
        source = EmbeddedCluster.builder("kinds-src").start();
        // A target that refuses messages over 64 KiB, while the source takes up to 4 MiB.
        target = EmbeddedCluster.builder("kinds-dst").maxMessageSize(64 * 1024).start();
    }

    @AfterAll
    static void stopClusters() {
        EmbeddedCluster.closeInBackground(source, target);
    }

    private static FerryConfig config(BackupConfig backup) {
        return TestConfigs.config(List.of(TestConfigs.cluster("kinds-src", source.namesrvAddr()),
            TestConfigs.cluster("kinds-dst", target.namesrvAddr())), List.of(backup));
    }

    private static BackupConfig backup(String name, String topic) {
        return TestConfigs.oneWay(name, "kinds-src", "kinds-dst", List.of(topic));
    }

    @Test
    void delayedMessagesAreCopiedOnceVisibleAndAreNotDelayedAgain() throws Exception {
        source.createTopic("delayed", 2);
        try (TestMessages producer = new TestMessages(source.namesrvAddr());
             Ferry ferry = Ferry.start(config(backup("delayed", "delayed")))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.status().get(0).pendingDelayed() >= 0);
            long pendingBefore = ferry.status().get(0).pendingDelayed();
            assertThat(pendingBefore).as("this class's own source cluster: no other delayed message").isZero();
            assertThat(ferry.status().get(0).pendingDelayedDue()).as("none waits").isEqualTo(-1);
            Message delayed = TestMessages.message("delayed", "delay", 1);
            delayed.setDelayTimeLevel(3); // 10 s
            long sentAt = System.currentTimeMillis();
            producer.sendOne(delayed);
            long storedBy = System.currentTimeMillis();
            producer.sendOne(TestMessages.message("delayed", "delay", 2));
            // The source holds it for 10 s: the link shows it waiting (the cluster's count, over all topics).
            await().atMost(Duration.ofSeconds(9)).until(() -> ferry.status().get(0).pendingDelayed() == pendingBefore + 1);
            assertThat(ferry.status().get(0).pendingDelayedDue()).as("its store time and level 3's 10 s")
                .isBetween(sentAt + 10_000, storedBy + 10_000);
            assertThat(ferry.status().get(0).copied()).as("not before it is due").isLessThanOrEqualTo(1);
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).copied() >= 2
                && ferry.status().get(0).pendingDelayed() == pendingBefore);
            assertThat(ferry.status().get(0).pendingDelayedDue()).as("none waits any more").isEqualTo(-1);
            List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), "delayed", 2);
            assertThat(copies).hasSize(2);
            MessageExt copy = copies.stream().filter(m -> m.getUserProperty("seq").equals("1")).findFirst().orElseThrow();
            assertThat(copy.getStoreTimestamp() - sentAt).as("copied only after its delay").isGreaterThanOrEqualTo(9_000);
            assertThat(copy.getDelayTimeLevel()).isZero();
            assertThat(copy.getProperty("DELAY")).isNull();
        }
    }

    @Test
    void timerMessagesNotYetDueAreShownPendingWithWhenTheFirstIsDueAndCopiedOnceDue() throws Exception {
        // Two masters of the default names: timers are counted, and their first due time found, over both.
        EmbeddedCluster timers = EmbeddedCluster.builder("DefaultCluster").brokers("broker-a", "broker-b").start();
        timers.createTopic("timer-pending", 2);
        timers.createTopic("timer-other", 2);
        try (timers; TestMessages producer = new TestMessages(timers.namesrvAddr());
             Ferry ferry = Ferry.start(TestConfigs.config(List.of(
                 TestConfigs.cluster("timers", timers.namesrvAddr()),
                 TestConfigs.cluster("kinds-dst", target.namesrvAddr())),
                 List.of(TestConfigs.oneWay("timer-pending", "timers", "kinds-dst", List.of("timer-pending")))))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.status().get(0).pendingTimers() == 0);
            assertThat(ferry.status().get(0).pendingTimersDue()).as("none waits").isEqualTo(-1);
            long now = System.currentTimeMillis();
            long firstDue = now + 10_000;
            long secondDue = now + 18_000;
            // Another topic's timer, due before the link's: neither counted nor its due time.
            producer.sendOne(timer("timer-other", 9, now + 9_000));
            // One on each master: the first due is the earlier of the two masters', then the other's.
            producer.producer().send(timer("timer-pending", 1, firstDue), TO_BROKER, "broker-b");
            producer.producer().send(timer("timer-pending", 2, secondDue), TO_BROKER, "broker-a");
            await().atMost(Duration.ofSeconds(9)).until(() -> ferry.status().get(0).pendingTimers() == 2);
            // The wheel rounds a due time down to its precision, 1 s.
            assertThat(ferry.status().get(0).pendingTimersDue()).as("the first of the link's topic")
                .isBetween(firstDue - 1_000, firstDue);
            assertThat(ferry.status().get(0).copied()).as("not before it is due").isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> ferry.status().get(0).pendingTimers() == 1);
            assertThat(ferry.status().get(0).pendingTimersDue()).as("the first delivered: the second is next")
                .isBetween(secondDue - 1_000, secondDue);
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).copied() == 2
                && ferry.status().get(0).pendingTimers() == 0);
            assertThat(ferry.status().get(0).pendingTimersDue()).as("none waits any more").isEqualTo(-1);
            List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), "timer-pending", 2);
            MessageExt first = copies.stream().filter(m -> m.getUserProperty("seq").equals("1")).findFirst().orElseThrow();
            assertThat(first.getStoreTimestamp()).as("copied once due").isGreaterThanOrEqualTo(firstDue - 1_000);
        }
    }

    /** Sends to a queue of the broker named by the argument. */
    private static final MessageQueueSelector TO_BROKER = (queues, message, broker) -> queues.stream()
        .filter(queue -> queue.getBrokerName().equals(broker)).findFirst().orElseThrow();

    private static Message timer(String topic, int seq, long dueAt) {
        Message timed = TestMessages.message(topic, "timer", seq);
        timed.setDeliverTimeMs(dueAt);
        return timed;
    }

    @Test
    void transactionalMessagesAreCopiedOnlyOnceCommitted() throws Exception {
        source.createTopic("tx", 2);
        TransactionMQProducer producer = new TransactionMQProducer("tx-producer");
        producer.setNamesrvAddr(source.namesrvAddr());
        producer.setInstanceName("tx-producer-" + ProcessHandle.current().pid());
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return "commit".equals(arg) ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return LocalTransactionState.ROLLBACK_MESSAGE;
            }
        });
        producer.start();
        try (Ferry ferry = Ferry.start(config(backup("tx", "tx")))) {
            producer.sendMessageInTransaction(TestMessages.message("tx", "tx", 1), "commit");
            producer.sendMessageInTransaction(TestMessages.message("tx", "tx", 2), "rollback");
            producer.sendMessageInTransaction(TestMessages.message("tx", "tx", 3), "commit");
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).copied() >= 2);
            List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), "tx", 2, Duration.ofSeconds(3),
                Duration.ofSeconds(30));
            assertThat(copies).extracting(m -> m.getUserProperty("seq")).containsExactlyInAnyOrder("1", "3");
            assertThat(copies).allSatisfy(m -> assertThat(m.getProperty("TRAN_MSG")).isNull());
        } finally {
            producer.shutdown();
        }
    }

    @Test
    void theFilterCopiesOnlyMatchingMessages() throws Exception {
        source.createTopic("filtered", 2);
        try (TestMessages producer = new TestMessages(source.namesrvAddr())) {
            producer.send("filtered", "filter", 0, 200, 2);
        }
        BackupConfig east = TestConfigs.with(backup("filtered", "filtered"), "region = 'east'", StartFrom.EARLIEST,
            OnError.DEAD_LETTER);
        try (Ferry ferry = Ferry.start(config(east))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).copied() >= 100);
        }
        List<MessageExt> copies = TopicReader.readAll(target.namesrvAddr(), "filtered", 100);
        assertThat(copies).hasSize(100).allSatisfy(m -> assertThat(m.getUserProperty("region")).isEqualTo("east"));
    }

    @Test
    void startFromLatestAndFromAnInstantSkipWhatCameBefore() throws Exception {
        source.createTopic("late", 2);
        source.createTopic("timed", 2);
        Instant between;
        try (TestMessages producer = new TestMessages(source.namesrvAddr())) {
            producer.send("late", "old", 0, 50, 2);
            producer.send("timed", "old", 0, 50, 2);
            // Deliberate spacing, not a wait: a start time is looked up in the broker's store timestamps, so the old
            // and new messages keep more than a second either side of it.
            Thread.sleep(1_100);
            between = Instant.now();
            Thread.sleep(1_100);
            producer.send("timed", "new", 50, 30, 2);

            BackupConfig latest = TestConfigs.with(backup("late", "late"), null, StartFrom.LATEST, OnError.DEAD_LETTER);
            BackupConfig timed = TestConfigs.with(backup("timed", "timed"), null, StartFrom.at(between), OnError.DEAD_LETTER);
            try (Ferry ferry = Ferry.start(TestConfigs.config(List.of(
                TestConfigs.cluster("kinds-src", source.namesrvAddr()),
                TestConfigs.cluster("kinds-dst", target.namesrvAddr())), List.of(latest, timed)))) {
                producer.send("late", "new", 50, 20, 2);
                await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).copied() >= 20
                    && ferry.status().get(1).copied() >= 30);
            }
        }
        assertThat(TopicReader.readAll(target.namesrvAddr(), "late", 20)).hasSize(20)
            .allSatisfy(m -> assertThat(m.getUserProperty("run")).isEqualTo("new"));
        assertThat(TopicReader.readAll(target.namesrvAddr(), "timed", 30)).hasSize(30)
            .allSatisfy(m -> assertThat(m.getUserProperty("run")).isEqualTo("new"));
    }

    @Test
    void aMessageTheTargetRefusesIsDeadLetteredAndCopyingGoesOn() throws Exception {
        source.createTopic("big", 1);
        try (TestMessages producer = new TestMessages(source.namesrvAddr())) {
            producer.sendOne(TestMessages.message("big", "big", 1));
            Message oversized = TestMessages.message("big", "big", 2);
            oversized.setBody(incompressible(100 * 1024));
            producer.sendOne(oversized);
            producer.sendOne(TestMessages.message("big", "big", 3));
        }
        try (Ferry ferry = Ferry.start(config(backup("big", "big")))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).copied() >= 2
                && ferry.status().get(0).deadLettered() == 1);
            assertThat(ferry.status().get(0).state()).isIn(LinkState.RUNNING, LinkState.CATCHING_UP);
        }
        assertThat(TopicReader.readAll(target.namesrvAddr(), "big", 2)).extracting(m -> m.getUserProperty("seq"))
            .containsExactly("1", "3");
        List<MessageExt> letters = TopicReader.readAll(source.namesrvAddr(), FerryNames.deadLetterTopic("big"), 1);
        assertThat(letters).hasSize(1);
        MessageExt letter = letters.get(0);
        assertThat(letter.getBody()).hasSize(100 * 1024);
        assertThat(letter.getUserProperty("seq")).isEqualTo("2");
        assertThat(letter.getUserProperty(FerryNames.DEAD_LETTER_REASON)).isNotBlank();
        assertThat(letter.getUserProperty(FerryNames.DEAD_LETTER_TARGET)).isEqualTo("kinds-dst");
        assertThat(letter.getUserProperty(FerryNames.SOURCE_OFFSET)).isEqualTo("1");
    }

    @Test
    void withOnErrorBlockTheQueueStopsAtTheRefusedMessageWithAClearStatus() throws Exception {
        source.createTopic("blocked", 1);
        try (TestMessages producer = new TestMessages(source.namesrvAddr())) {
            producer.sendOne(TestMessages.message("blocked", "block", 1));
            Message oversized = TestMessages.message("blocked", "block", 2);
            oversized.setBody(incompressible(100 * 1024));
            producer.sendOne(oversized);
            producer.sendOne(TestMessages.message("blocked", "block", 3));
        }
        BackupConfig blocking = TestConfigs.with(backup("blocked", "blocked"), null, StartFrom.EARLIEST, OnError.BLOCK);
        CopySettings quickRetries = CopySettings.DEFAULT.withBlockedRetry(Duration.ofMillis(500));
        try (Ferry ferry = Ferry.start(config(blocking).withCopy(quickRetries))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).state() == LinkState.BLOCKED
                && ferry.status().get(0).backlog() == 2);
            LinkStatus status = ferry.status().get(0);
            assertThat(status.reason()).contains("blocked at offset 1").contains("refuses");
            assertThat(status.copied()).isEqualTo(1);
            assertThat(status.backlog()).isEqualTo(2);
        }
        Map<String, Long> seqs = TopicReader.readAll(target.namesrvAddr(), "blocked", 1).stream()
            .collect(Collectors.groupingBy(m -> m.getUserProperty("seq"), Collectors.counting()));
        assertThat(seqs).containsOnlyKeys("1");
    }

    /**
     * A message whose properties sit just under RocketMQ's limit (32,767 bytes): the source took it, but the copy
     * with Ferry's stamp goes over, and so does the dead letter with its reason. Neither copied nor dead-lettered,
     * it blocks its queue with both reasons in the status, never dropped and never silent; the rest of the queue
     * waits behind it.
     */
    @Test
    void aMessageNeitherTheTargetNorTheDeadLetterTopicTakesBlocksItsQueueAndSaysWhy() throws Exception {
        source.createTopic("poison", 1);
        try (TestMessages producer = new TestMessages(source.namesrvAddr())) {
            producer.sendOne(TestMessages.message("poison", "poison", 1));
            // The largest padding the source takes, found by asking it: Ferry's stamp (about 180 bytes) then
            // takes the copy over the limit, and the dead letter's reason takes it over too.
            int room = Short.MAX_VALUE - MessageDecoder.messageProperties2String(
                TestMessages.message("poison", "poison", 2).getProperties()).length();
            for (int margin = 60; ; margin += 20) {
                Message poison = TestMessages.message("poison", "poison", 2);
                poison.putUserProperty("padding", "p".repeat(room - margin));
                try {
                    producer.sendOne(poison);
                    assertThat(margin).as("the source took it close to the limit").isLessThan(180);
                    break;
                } catch (MQBrokerException tooLong) {
                    assertThat(tooLong.getResponseCode()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL);
                }
            }
            producer.sendOne(TestMessages.message("poison", "poison", 3));
        }
        CopySettings quickRetries = CopySettings.DEFAULT.withBlockedRetry(Duration.ofMillis(500));
        try (Ferry ferry = Ferry.start(config(backup("poison", "poison")).withCopy(quickRetries))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ferry.status().get(0).state() == LinkState.BLOCKED
                && ferry.status().get(0).backlog() == 2);
            LinkStatus status = ferry.status().get(0);
            assertThat(status.reason()).contains("blocked at offset 1").contains("target refuses it")
                .contains("and so does the dead-letter topic " + FerryNames.deadLetterTopic("poison"));
            // /health reads the watch's sample, taken every second: it says so at the next one.
            await().atMost(Duration.ofSeconds(10)).until(() -> !ferry.snapshot().healthy());
            assertThat(status.copied()).isEqualTo(1);
            assertThat(status.deadLettered()).isZero();
        }
        assertThat(TopicReader.readAll(target.namesrvAddr(), "poison", 1)).extracting(m -> m.getUserProperty("seq"))
            .containsExactly("1");
    }

    /** Random bytes: the producer compresses bodies over 4 KiB, and zeros would shrink below the limit. */
    private static byte[] incompressible(int size) {
        byte[] body = new byte[size];
        new java.util.Random(size).nextBytes(body);
        return body;
    }
}
