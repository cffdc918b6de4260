package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.names.FerryNames;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginStampTest {

    private static MessageExt stored(String topic, int queue, long offset, long storeTime) {
        MessageExt m = new MessageExt();
        m.setTopic(topic);
        m.setBody("hello".getBytes(StandardCharsets.UTF_8));
        m.setQueueId(queue);
        m.setBrokerName("broker-b");
        m.setQueueOffset(offset);
        m.setStoreTimestamp(storeTime);
        m.setBornHost(new InetSocketAddress("127.0.0.1", 1));
        m.setStoreHost(new InetSocketAddress("127.0.0.1", 2));
        m.setTags("vip");
        m.setKeys("order-1 order-2");
        MessageAccessor.putProperty(m, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "ID-1");
        m.putUserProperty("amount", "42");
        return m;
    }

    @Test
    void firstHopMarksOriginPathSourceAndTime() {
        MessageExt source = stored("orders", 3, 77, 1_700_000_000_000L);
        Message copy = new OriginStamp("hangzhou", Map.of("unit", "hz-01")).stamp(source, "orders", "shanghai").orElseThrow();

        assertThat(copy.getTopic()).isEqualTo("orders");
        assertThat(new String(copy.getBody(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(copy.getTags()).isEqualTo("vip");
        assertThat(copy.getKeys()).isEqualTo("order-1 order-2");
        assertThat(copy.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)).isEqualTo("ID-1");
        assertThat(copy.getUserProperty("amount")).isEqualTo("42");
        assertThat(copy.getUserProperty("unit")).isEqualTo("hz-01");
        assertThat(copy.getUserProperty(FerryNames.ORIGIN)).isEqualTo("hangzhou");
        assertThat(copy.getUserProperty(FerryNames.PATH)).isEqualTo("hangzhou");
        assertThat(copy.getUserProperty(FerryNames.ORIGIN_TIME)).isEqualTo("1700000000000");
        assertThat(copy.getUserProperty(FerryNames.SOURCE_TOPIC)).isEqualTo("orders");
        assertThat(copy.getUserProperty(FerryNames.SOURCE_BROKER)).isEqualTo("broker-b");
        assertThat(copy.getUserProperty(FerryNames.SOURCE_QUEUE)).isEqualTo("3");
        assertThat(copy.getUserProperty(FerryNames.SOURCE_OFFSET)).isEqualTo("77");
    }

    @Test
    void laterHopsKeepOriginAndTimeAndExtendThePath() {
        MessageExt atRegion = stored("orders", 1, 5, 2_000L);
        MessageAccessor.putProperty(atRegion, FerryNames.ORIGIN, "unit-a");
        MessageAccessor.putProperty(atRegion, FerryNames.PATH, "unit-a");
        MessageAccessor.putProperty(atRegion, FerryNames.ORIGIN_TIME, "1000");
        MessageAccessor.putProperty(atRegion, "unit", "unit-a");

        Message copy = new OriginStamp("region", Map.of("unit", "region-1")).stamp(atRegion, "orders", "center").orElseThrow();

        assertThat(copy.getUserProperty(FerryNames.ORIGIN)).isEqualTo("unit-a");
        assertThat(copy.getUserProperty(FerryNames.PATH)).isEqualTo("unit-a,region");
        assertThat(copy.getUserProperty(FerryNames.ORIGIN_TIME)).isEqualTo("1000");
        assertThat(copy.getUserProperty(FerryNames.SOURCE_OFFSET)).isEqualTo("5");
        assertThat(copy.getUserProperty("unit")).as("a stamp never overwrites").isEqualTo("unit-a");
    }

    @Test
    void neverCopiesIntoAClusterOnThePath() {
        MessageExt copied = stored("orders", 0, 1, 1L);
        MessageAccessor.putProperty(copied, FerryNames.PATH, "east,middle");
        OriginStamp fromWest = new OriginStamp("west", Map.of());

        assertThat(fromWest.stamp(copied, "orders", "east")).isEmpty();
        assertThat(fromWest.stamp(copied, "orders", "middle")).isEmpty();
        assertThat(fromWest.stamp(copied, "orders", "west")).isEmpty();
        assertThat(fromWest.stamp(copied, "orders", "north")).isPresent();
        assertThat(OriginStamp.hasVisited(copied, "eas")).as("whole names only").isFalse();
    }

    @Test
    void dropsSystemPropertiesThatWouldChangeHowTheCopyIsStored() {
        MessageExt delayed = stored("orders", 0, 1, 1L);
        MessageAccessor.putProperty(delayed, MessageConst.PROPERTY_DELAY_TIME_LEVEL, "3");
        MessageAccessor.putProperty(delayed, MessageConst.PROPERTY_TIMER_DELIVER_MS, "123");
        MessageAccessor.putProperty(delayed, MessageConst.PROPERTY_TRANSACTION_PREPARED, "true");
        MessageAccessor.putProperty(delayed, MessageConst.PROPERTY_REAL_TOPIC, "orders");
        MessageAccessor.putProperty(delayed, MessageConst.PROPERTY_PRODUCER_GROUP, "pg");
        // set by the client each time a suspended queue hands a message again
        MessageAccessor.setReconsumeTime(delayed, "3");

        Message copy = new OriginStamp("a", Map.of()).stamp(delayed, "orders", "b").orElseThrow();

        assertThat(copy.getProperties()).doesNotContainKeys(MessageConst.PROPERTY_DELAY_TIME_LEVEL,
            MessageConst.PROPERTY_TIMER_DELIVER_MS, MessageConst.PROPERTY_TRANSACTION_PREPARED,
            MessageConst.PROPERTY_REAL_TOPIC, MessageConst.PROPERTY_PRODUCER_GROUP,
            MessageConst.PROPERTY_RECONSUME_TIME);
        assertThat(copy.getDelayTimeLevel()).isZero();
    }

    @Test
    void keepsTheFlagAndTheFifoMessageGroup() {
        MessageExt fifo = stored("orders", 0, 1, 1L);
        fifo.setFlag(7);
        MessageAccessor.putProperty(fifo, MessageConst.PROPERTY_SHARDING_KEY, "customer-42");

        Message copy = new OriginStamp("a", Map.of()).stamp(fifo, "orders", "b").orElseThrow();

        assertThat(copy.getFlag()).isEqualTo(7);
        assertThat(copy.getProperty(MessageConst.PROPERTY_SHARDING_KEY)).isEqualTo("customer-42");
    }

    @Test
    void aMessageWithoutAnIdGetsOneDerivedFromWhereItWasRead() {
        OriginStamp fromA = new OriginStamp("a", Map.of());
        MessageExt noId = stored("orders", 2, 9, 1L);
        noId.getProperties().remove(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        MessageExt sameAgain = stored("orders", 2, 9, 1L);
        sameAgain.getProperties().remove(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        MessageExt next = stored("orders", 2, 10, 1L);
        next.getProperties().remove(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);

        String id = fromA.stamp(noId, "orders", "b").orElseThrow()
            .getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        assertThat(id).matches("[0-9A-F]{32}");
        assertThat(fromA.stamp(sameAgain, "orders", "c").orElseThrow()
            .getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)).as("a re-copy").isEqualTo(id);
        assertThat(fromA.stamp(next, "orders", "b").orElseThrow()
            .getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)).isNotEqualTo(id);
        assertThat(fromA.stamp(stored("orders", 2, 9, 1L), "orders", "b").orElseThrow()
            .getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)).as("an ID of its own is kept")
            .isEqualTo("ID-1");
    }

    // --- signed stamps ---

    private static final Optional<StampSignature> KEY = Optional.of(signature("the deployment's key, 32 bytes or more"));

    private static StampSignature signature(String key) {
        return new StampSignature(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    /** {@code copy} as the cluster it was written to stores it, read back by the next link. */
    private static MessageExt storedCopy(Message copy) {
        MessageExt stored = stored(copy.getTopic(), 1, 40, 5_000L);
        MessageAccessor.setProperties(stored, new HashMap<>(copy.getProperties()));
        return stored;
    }

    @Test
    void aSignedCopyIsTrustedByTheNextFerryOfTheDeployment() {
        Message toB = new OriginStamp("a", Map.of(), KEY).stamp(stored("orders", 3, 77, 1_000L), "orders", "b")
            .orElseThrow();
        assertThat(toB.getUserProperty(FerryNames.SIGNATURE)).matches("[A-Za-z0-9_-]{43}");
        MessageExt atB = storedCopy(toB);
        OriginStamp fromB = new OriginStamp("b", Map.of(), KEY);

        OriginStamp.Stamped toC = fromB.copy(atB, "orders", "c");
        assertThat(toC.forged()).isFalse();
        Message copy = toC.copy().orElseThrow();
        assertThat(copy.getUserProperty(FerryNames.ORIGIN)).isEqualTo("a");
        assertThat(copy.getUserProperty(FerryNames.PATH)).isEqualTo("a,b");
        assertThat(copy.getUserProperty(FerryNames.ORIGIN_TIME)).isEqualTo("1000");
        assertThat(KEY.get().verifies("c", copy.getProperties())).as("signed for the hop after").isTrue();
        assertThat(fromB.copy(atB, "orders", "a")).as("back to where it was: a loop")
            .isEqualTo(new OriginStamp.Stamped(Optional.empty(), false));
    }

    @Test
    void aForgedPathNamingTheTargetIsCopiedAsALocalMessageAndCounted() {
        MessageExt forged = stored("orders", 2, 9, 3_000L);
        MessageAccessor.putProperty(forged, FerryNames.PATH, "b");
        MessageAccessor.putProperty(forged, FerryNames.ORIGIN, "b");
        MessageAccessor.putProperty(forged, FerryNames.ORIGIN_TIME, "1");

        assertThat(new OriginStamp("a", Map.of()).stamp(forged, "orders", "b")).as("without a key: trusted, dropped")
            .isEmpty();
        OriginStamp.Stamped stamped = new OriginStamp("a", Map.of(), KEY).copy(forged, "orders", "b");

        assertThat(stamped.forged()).isTrue();
        Message copy = stamped.copy().orElseThrow();
        assertThat(copy.getUserProperty(FerryNames.ORIGIN)).isEqualTo("a");
        assertThat(copy.getUserProperty(FerryNames.PATH)).isEqualTo("a");
        assertThat(copy.getUserProperty(FerryNames.ORIGIN_TIME)).isEqualTo("3000");
        assertThat(copy.getUserProperty("amount")).isEqualTo("42");
        assertThat(KEY.get().verifies("b", copy.getProperties())).isTrue();
        assertThat(new OriginStamp("b", Map.of(), KEY).copy(storedCopy(copy), "orders", "a").copy())
            .as("its copy does not come back").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FERRY_ORIGIN", "FERRY_PATH", "FERRY_ORIGIN_TIME", "FERRY_SOURCE_TOPIC",
        "FERRY_SOURCE_BROKER", "FERRY_SOURCE_QUEUE", "FERRY_SOURCE_OFFSET", "UNIQ_KEY", "FERRY_SIGNATURE"})
    void aSignedStampWithAnyValueChangedIsForged(String property) {
        Message toB = new OriginStamp("a", Map.of(), KEY).stamp(stored("orders", 3, 77, 1_000L), "orders", "b")
            .orElseThrow();
        MessageExt atB = storedCopy(toB);
        MessageAccessor.putProperty(atB, property, atB.getProperty(property) + "x");

        OriginStamp.Stamped toC = new OriginStamp("b", Map.of(), KEY).copy(atB, "orders", "c");

        assertThat(toC.forged()).isTrue();
        assertThat(toC.copy().orElseThrow().getUserProperty(FerryNames.PATH)).isEqualTo("b");
    }

    @Test
    void aStampSignedWithAnotherKeyOrForAnotherClusterIsForged() {
        MessageExt local = stored("orders", 3, 77, 1_000L);
        Message otherKey = new OriginStamp("a", Map.of(), Optional.of(signature("another deployment's key, 32 bytes")))
            .stamp(local, "orders", "b").orElseThrow();
        Message forC = new OriginStamp("a", Map.of(), KEY).stamp(local, "orders", "c").orElseThrow();
        OriginStamp fromB = new OriginStamp("b", Map.of(), KEY);

        assertThat(fromB.copy(storedCopy(otherKey), "orders", "a").forged()).isTrue();
        assertThat(fromB.copy(storedCopy(forC), "orders", "a").forged()).as("a copy of c's produced again on b")
            .isTrue();
    }

    @Test
    void anyStampPropertyAloneMakesAClaimThatMustVerify() {
        MessageExt tagged = stored("orders", 0, 1, 1L);
        MessageAccessor.putProperty(tagged, FerryNames.ORIGIN, "somewhere");

        OriginStamp.Stamped stamped = new OriginStamp("a", Map.of(), KEY).copy(tagged, "orders", "b");

        assertThat(stamped.forged()).isTrue();
        assertThat(stamped.copy().orElseThrow().getUserProperty(FerryNames.ORIGIN)).isEqualTo("a");
        assertThat(new OriginStamp("a", Map.of(), KEY).copy(stored("orders", 0, 1, 1L), "orders", "b").forged())
            .as("a local message claims nothing").isFalse();
    }

    @Test
    void withoutAKeyAReadSignatureIsNotCarried() {
        Message signed = new OriginStamp("a", Map.of(), KEY).stamp(stored("orders", 3, 77, 1_000L), "orders", "b")
            .orElseThrow();

        Message copy = new OriginStamp("b", Map.of()).stamp(storedCopy(signed), "orders", "c").orElseThrow();

        assertThat(copy.getProperties()).doesNotContainKey(FerryNames.SIGNATURE);
        assertThat(copy.getUserProperty(FerryNames.PATH)).isEqualTo("a,b");
    }

    @Test
    void aMessageWithoutAnIdIsSignedWithTheIdItIsGiven() {
        MessageExt noId = stored("orders", 2, 9, 1L);
        noId.getProperties().remove(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);

        Message copy = new OriginStamp("a", Map.of(), KEY).stamp(noId, "orders", "b").orElseThrow();

        assertThat(new OriginStamp("b", Map.of(), KEY).copy(storedCopy(copy), "orders", "c").forged()).isFalse();
    }
}
