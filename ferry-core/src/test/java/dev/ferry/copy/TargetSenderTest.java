package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.config.CopySettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

/** What the sender makes of each answer a broker can give, with a producer that answers as told. */
class TargetSenderTest {

    private static final MessageQueue SOURCE = new MessageQueue("orders", "broker-a", 0);
    private static final MessageQueue TARGET = new MessageQueue("orders", "broker-b", 3);

    /** Answers each send with the next of its scripted answers: a status, or an exception to throw. */
    private static final class ScriptedProducer extends DefaultMQProducer {
        final Deque<Object> answers = new ArrayDeque<>();
        int sends;

        @Override
        public SendResult send(Message msg, MessageQueue mq, long timeout) throws MQBrokerException {
            sends++;
            Object answer = answers.removeFirst();
            if (answer instanceof MQBrokerException e) {
                throw e;
            }
            SendResult result = new SendResult();
            result.setSendStatus((SendStatus) answer);
            result.setMessageQueue(mq);
            result.setQueueOffset(100);
            return result;
        }
    }

    private final ScriptedProducer producer = new ScriptedProducer();
    private final LinkStats stats = new LinkStats();
    private final TargetSender sender =
        new TargetSender(List.<DefaultMQProducer>of(producer), CopySettings.DEFAULT, stats, "test: A -> B");
    private final TargetSender.QueueResolver resolver = new TargetSender.QueueResolver() {
        @Override
        public MessageQueue resolve() {
            return TARGET;
        }

        @Override
        public void refresh() {
        }
    };

    private SendResult send() throws Exception {
        return sender.send(new Message("orders", "x".getBytes(StandardCharsets.UTF_8)), 1, SOURCE, resolver);
    }

    @Test
    void eachSourceQueueSendsOverOneConnectionAndTheQueuesShareThemAll() throws Exception {
        List<ScriptedProducer> connections = List.of(new ScriptedProducer(), new ScriptedProducer());
        TargetSender spread =
            new TargetSender(List.<DefaultMQProducer>copyOf(connections), CopySettings.DEFAULT, stats, "test: A -> B");
        Map<MessageQueue, Set<ScriptedProducer>> used = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int queueId = 0; queueId < 8; queueId++) {
                MessageQueue source = new MessageQueue("orders", "broker-a", queueId);
                Map<ScriptedProducer, Integer> before = new HashMap<>();
                connections.forEach(c -> {
                    c.answers.add(SendStatus.SEND_OK);
                    before.put(c, c.sends);
                });
                spread.send(new Message("orders", "x".getBytes(StandardCharsets.UTF_8)), 1, source, resolver);
                connections.stream().filter(c -> c.sends > before.get(c))
                    .forEach(c -> used.computeIfAbsent(source, q -> new HashSet<>()).add(c));
                connections.forEach(c -> c.answers.clear());
            }
        }
        assertThat(used).hasSize(8).allSatisfy((queue, by) -> assertThat(by).as("one connection per queue").hasSize(1));
        assertThat(used.values().stream().flatMap(Set::stream).distinct()).as("both connections carry queues")
            .hasSize(2);
    }

    @Test
    void aFlushOrSlaveTimeoutIsSentAgainAndCountedAsAPossibleDuplicate() throws Exception {
        producer.answers.add(SendStatus.FLUSH_SLAVE_TIMEOUT);
        producer.answers.add(SendStatus.FLUSH_DISK_TIMEOUT);
        producer.answers.add(SendStatus.SEND_OK);

        assertThatThrownBy(this::send).isInstanceOf(TargetSender.Unsent.class)
            .hasMessageContaining("FLUSH_SLAVE_TIMEOUT").hasMessageContaining("not taken as stored");
        assertThat(stats.isRetrying(SOURCE)).isTrue();
        assertThatThrownBy(this::send).isInstanceOf(TargetSender.Unsent.class)
            .satisfies(e -> assertThat(((TargetSender.Unsent) e).retryInMillis()).isEqualTo(200)); // backing off
        assertThat(send().getSendStatus()).isEqualTo(SendStatus.SEND_OK);

        assertThat(stats.unconfirmedCount()).isEqualTo(2);
        assertThat(stats.retryReasons()).as("confirmed: the trouble is over").isEmpty();
    }

    @Test
    void noSlaveAvailableIsKeptAndCounted() throws Exception {
        producer.answers.add(SendStatus.SLAVE_NOT_AVAILABLE);
        producer.answers.add(SendStatus.SLAVE_NOT_AVAILABLE);

        assertThat(send().getQueueOffset()).isEqualTo(100);
        assertThat(send().getSendStatus()).isEqualTo(SendStatus.SLAVE_NOT_AVAILABLE);

        assertThat(producer.sends).as("not sent again").isEqualTo(2);
        assertThat(stats.unconfirmedCount()).isEqualTo(2);
        assertThat(stats.retryReasons()).isEmpty();
    }

    @Test
    void aTransientFailureBacksOffAndARefusalEndsTheRetrying() throws Exception {
        producer.answers.add(new MQBrokerException(ResponseCode.SYSTEM_BUSY, "[TIMEOUT_CLEAN_QUEUE] broker busy"));
        producer.answers.add(new MQBrokerException(ResponseCode.MESSAGE_ILLEGAL, "the message is illegal"));

        assertThatThrownBy(this::send).isInstanceOf(TargetSender.Unsent.class)
            .hasMessageContaining("to broker-b queue 3 of orders").hasMessageContaining("broker busy");
        assertThat(stats.retryReasons()).singleElement().asString().startsWith("retrying: to broker-b queue 3");
        assertThat(stats.retries()).isEqualTo(1);

        assertThatThrownBy(this::send).isInstanceOf(TargetSender.Refused.class);
        assertThat(stats.isRetrying(SOURCE)).as("the target answered: refused, no longer retrying").isFalse();
    }

    /** A right the target's user lacks: blocked (an operator fixes it), tried again, and over once granted. */
    @Test
    void aMissingRightBlocksTheQueueUntilItIsGranted() throws Exception {
        producer.answers.add(new MQBrokerException(ResponseCode.NO_PERMISSION,
            "User:ferry has no permission to access Topic:orders from 127.0.0.1, no matched policies."));
        producer.answers.add(SendStatus.SEND_OK);

        assertThatThrownBy(this::send).isInstanceOf(TargetSender.Unsent.class);
        assertThat(stats.blockedReason(SOURCE)).hasValueSatisfying(why -> assertThat(why)
            .startsWith("blocked: the target refuses Ferry's user: to broker-b queue 3 of orders: broker answered 16:")
            .contains("Topic:orders"));
        assertThat(stats.retryReasons()).isEmpty();
        assertThat(send().getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        assertThat(stats.anyBlock()).as("granted again: copying goes on").isEmpty();
    }
}
