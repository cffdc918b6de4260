package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.backup.Ferry;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A target topic Ferry creates is of the source topic's type ({@code message.type}): a FIFO topic's copies land in
 * a FIFO topic, which the 5.x clients and proxy of the target region treat as one. A target topic that exists with
 * another type is left as it is, with a warning that names both types and the command that aligns them, in the log
 * and in the link's status.
 */
class TopicTypeTest {

    @Test
    void aTargetTopicIsCreatedOfTheSourceTopicsTypeAndAnExistingOneOfAnotherTypeIsNamed() throws Exception {
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        EmbeddedCluster a = regions.a();
        EmbeddedCluster b = regions.b();
        a.createTopic("fifo-receipts", 4, Map.of("message.type", "FIFO"));
        a.createTopic("fifo-here-only", 4, Map.of("message.type", "FIFO"));
        b.createTopic("fifo-here-only", 4);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(TargetTopics.class);
        log.start();
        logger.addAppender(log);
        try (TestMessages onA = new TestMessages(a.namesrvAddr());
             Ferry ferry = Ferry.start(TestConfigs.oneWayAtoB("types", a.namesrvAddr(), b.namesrvAddr(),
                 List.of("fifo-receipts", "fifo-here-only")))) {
            onA.send("fifo-receipts", "types", 0, 40, 4);
            onA.send("fifo-here-only", "types", 0, 40, 4);
            await().atMost(Duration.ofSeconds(60)).until(() -> b.messageCount("fifo-receipts") >= 40
                && b.messageCount("fifo-here-only") >= 40);
            assertThat(ferry.status().get(0).warnings()).as("in the link's status while it lasts").singleElement()
                .asString().contains("topic fifo-here-only is a FIFO topic on the source, but fifo-here-only is a"
                    + " NORMAL topic on the target");
        } finally {
            logger.detachAppender(log);
        }

        assertThat(b.topicAttributes("fifo-receipts")).containsEntry("message.type", "FIFO");
        assertThat(b.topicAttributes("fifo-here-only")).doesNotContainKey("message.type");
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
            .anySatisfy(line -> assertThat(line).contains("topic fifo-here-only is a FIFO topic on the source, but"
                + " fifo-here-only is a NORMAL topic on the target").contains("-a +message.type=FIFO"))
            .noneSatisfy(line -> assertThat(line).contains("topic fifo-receipts is a"));
    }
}
