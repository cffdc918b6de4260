package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.backup.Ferry;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.names.FerryNames;
import dev.ferry.testing.MessageIds;
import dev.ferry.testing.TestConfigs;
import dev.ferry.testing.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The topologies of the three scenarios, on five real clusters: units aggregated into a center (with and
 * without renamed topics), a chain unit -> region -> center, a one-way ring and a two-way ring of three.
 * Each topology copies its own topic, so one Ferry runs them all at once (as one configuration would); each
 * test then checks what its topology left in the clusters.
 */
class TopologyTest {

    private static final int PER_CLUSTER = 500;
    private static final int QUEUES = 4;

    private static final Map<String, EmbeddedCluster> CLUSTERS = new LinkedHashMap<>();

    private static final List<String> UNITS = List.of("unit-a", "unit-b", "unit-c");
    /** Per topic, per producing cluster: the IDs it sent. */
    private static final Map<String, Map<String, List<String>>> SENT = new HashMap<>();

    @BeforeAll
    static void runEveryTopology() throws Exception {
        for (String name : List.of("unit-a", "unit-b", "unit-c", "region", "center")) {
            CLUSTERS.put(name, EmbeddedCluster.builder(name).start());
        }
        SENT.put("orders", produce("orders", UNITS));
        SENT.put("payments", produce("payments", UNITS));
        SENT.put("audit", produce("audit", List.of("unit-a", "center")));
        CLUSTERS.get("region").createTopic("audit", QUEUES);
        SENT.put("ring", produce("ring", UNITS));
        SENT.put("mesh", produce("mesh", UNITS));

        List<BackupConfig> backups = new ArrayList<>();
        for (String unit : UNITS) {
            backups.add(TestConfigs.oneWay("agg-" + unit, unit, "center", List.of("orders")));
            backups.add(TestConfigs.mapped(TestConfigs.oneWay("own-" + unit, unit, "center", List.of("payments")),
                "${source}_${topic}"));
        }
        backups.add(TestConfigs.oneWay("unit-to-region", "unit-a", "region", List.of("audit")));
        backups.add(TestConfigs.twoWay("region-center", "region", "center", List.of("audit")));
        backups.add(TestConfigs.oneWay("ring-ab", "unit-a", "unit-b", List.of("ring")));
        backups.add(TestConfigs.oneWay("ring-bc", "unit-b", "unit-c", List.of("ring")));
        backups.add(TestConfigs.oneWay("ring-ca", "unit-c", "unit-a", List.of("ring")));
        backups.add(TestConfigs.twoWay("mesh-ab", "unit-a", "unit-b", List.of("mesh")));
        backups.add(TestConfigs.twoWay("mesh-bc", "unit-b", "unit-c", List.of("mesh")));
        backups.add(TestConfigs.twoWay("mesh-ca", "unit-c", "unit-a", List.of("mesh")));

        Map<String, Map<String, Long>> expected = new HashMap<>();
        expected.put("center", new HashMap<>(Map.of("orders", 3L * PER_CLUSTER, "audit", 2L * PER_CLUSTER)));
        UNITS.forEach(unit -> expected.get("center").put(unit + "_payments", (long) PER_CLUSTER));
        expected.put("region", Map.of("audit", 2L * PER_CLUSTER));
        for (String unit : UNITS) {
            Map<String, Long> topics = new HashMap<>(Map.of("ring", 3L * PER_CLUSTER, "mesh", 5L * PER_CLUSTER));
            if (unit.equals("unit-a")) {
                topics.put("audit", (long) PER_CLUSTER);
            }
            expected.put(unit, topics);
        }
        try (Ferry ferry = Ferry.start(config(backups))) {
            awaitSettled(ferry, expected);
        }
    }

    @AfterAll
    static void stopClusters() {
        EmbeddedCluster.closeInBackground(CLUSTERS.values().toArray(EmbeddedCluster[]::new));
    }

    @Test
    void threeUnitsIntoOneCenter() throws Exception {
        String topic = "orders";
        Map<String, List<String>> sent = SENT.get(topic);

        List<MessageExt> center = read("center", topic, 3 * PER_CLUSTER);
        MessageIds.assertExactlyOnce(center, all(sent), "center/" + topic);
        Map<String, Long> perOrigin = center.stream()
            .collect(Collectors.groupingBy(m -> m.getProperty(FerryNames.ORIGIN), Collectors.counting()));
        assertThat(perOrigin).containsExactlyInAnyOrderEntriesOf(
            Map.of("unit-a", (long) PER_CLUSTER, "unit-b", (long) PER_CLUSTER, "unit-c", (long) PER_CLUSTER));
        assertThat(center).allSatisfy(m -> {
            // FERRY_ORIGIN names the unit that produced it, and the unit's stamp came along.
            assertThat(m.getProperty("run")).isEqualTo(m.getProperty(FerryNames.ORIGIN));
            assertThat(m.getProperty("unit")).isEqualTo(m.getProperty(FerryNames.ORIGIN));
            assertThat(m.getProperty(FerryNames.PATH)).isEqualTo(m.getProperty(FerryNames.ORIGIN));
        });
    }

    @Test
    void threeUnitsIntoOneCenterEachInATopicOfItsOwn() throws Exception {
        String topic = "payments";
        Map<String, List<String>> sent = SENT.get(topic);

        assertThat(CLUSTERS.get("center").messageCount(topic)).isZero();
        for (String unit : UNITS) {
            List<MessageExt> copies = read("center", unit + "_" + topic, PER_CLUSTER);
            MessageIds.assertExactlyOnce(copies, sent.get(unit), "center/" + unit + "_" + topic);
            assertThat(copies).allSatisfy(m -> {
                assertThat(m.getProperty(FerryNames.ORIGIN)).isEqualTo(unit);
                assertThat(m.getProperty(FerryNames.SOURCE_TOPIC)).isEqualTo(topic);
            });
        }
    }

    /**
     * unit-a -> region <-> center: what the unit produced reaches the center through the region with its
     * origin, origin time and path; what the center produces reaches the region and stops there.
     */
    @Test
    void aChainKeepsOriginAndPath() throws Exception {
        String topic = "audit";
        Map<String, List<String>> sent = SENT.get(topic);

        Map<String, MessageExt> inRegion = byId(read("region", topic, 2 * PER_CLUSTER));
        List<MessageExt> center = read("center", topic, 2 * PER_CLUSTER);
        MessageIds.assertExactlyOnce(center, all(sent), "center/" + topic);
        for (MessageExt copy : center) {
            if (copy.getProperty(FerryNames.ORIGIN) == null) {
                assertThat(copy.getProperty("run")).isEqualTo("center");
                continue;
            }
            MessageExt hop = inRegion.get(copy.getMsgId());
            assertThat(copy.getProperty(FerryNames.ORIGIN)).isEqualTo("unit-a");
            assertThat(copy.getProperty(FerryNames.PATH)).isEqualTo("unit-a,region");
            assertThat(copy.getProperty(FerryNames.ORIGIN_TIME)).isEqualTo(hop.getProperty(FerryNames.ORIGIN_TIME));
            assertThat(copy.getProperty(FerryNames.SOURCE_OFFSET)).isEqualTo(Long.toString(hop.getQueueOffset()));
            // The unit's stamp survives the region's, which adds only what is missing.
            assertThat(copy.getProperty("unit")).isEqualTo("unit-a");
            assertThat(copy.getProperty("zone")).isEqualTo("eu");
        }
        assertThat(inRegion.values()).filteredOn(m -> "center".equals(m.getProperty(FerryNames.ORIGIN)))
            .hasSize(PER_CLUSTER)
            .allSatisfy(m -> assertThat(m.getProperty(FerryNames.PATH)).isEqualTo("center"));
        // Nothing of the center's went further than the region: there is no backup region -> unit-a.
        assertThat(CLUSTERS.get("unit-a").messageCount(topic)).isEqualTo(PER_CLUSTER);
    }

    /** unit-a -> unit-b -> unit-c -> unit-a: each message goes round once and stops before its origin. */
    @Test
    void aOneWayRingDeliversEachMessageOnceEverywhere() throws Exception {
        String topic = "ring";
        Map<String, List<String>> sent = SENT.get(topic);

        for (String unit : UNITS) {
            List<MessageExt> messages = read(unit, topic, 3 * PER_CLUSTER);
            MessageIds.assertExactlyOnce(messages, all(sent), unit + "/" + topic);
            assertThat(messages).allSatisfy(m -> {
                String origin = m.getProperty(FerryNames.ORIGIN);
                assertThat(origin).isEqualTo(unit.equals(m.getProperty("run")) ? null : m.getProperty("run"));
            });
        }
    }

    /**
     * Three clusters, each pair in a two-way backup. Nothing loops: a message reaches each other cluster once
     * directly and once through the third, and stops there, because both copies have every other cluster on
     * their path. (The message ID is the same in every copy: idempotent consumers see it once.)
     */
    @Test
    void aTwoWayRingOfThreeDoesNotLoop() throws Exception {
        String topic = "mesh";
        Map<String, List<String>> sent = SENT.get(topic);
        List<String> units = UNITS;

        for (String unit : units) {
            List<MessageExt> messages = read(unit, topic, 5 * PER_CLUSTER);
            assertThat(MessageIds.of(messages)).isEqualTo(new HashSet<>(all(sent)));
            Map<String, List<String>> pathsById = new HashMap<>();
            for (MessageExt m : messages) {
                pathsById.computeIfAbsent(m.getMsgId(), id -> new ArrayList<>())
                    .add(String.valueOf(m.getProperty(FerryNames.PATH)));
            }
            for (String origin : units) {
                for (String id : sent.get(origin)) {
                    if (origin.equals(unit)) {
                        assertThat(pathsById.get(id)).containsExactly("null");
                    } else {
                        String third = units.stream().filter(u -> !u.equals(origin) && !u.equals(unit)).findFirst()
                            .orElseThrow();
                        assertThat(pathsById.get(id)).containsExactlyInAnyOrder(origin, origin + "," + third);
                    }
                }
            }
        }
    }

    // --- helpers ---

    private static FerryConfig config(List<BackupConfig> backups) {
        return TestConfigs.config(CLUSTERS.keySet().stream()
            .map(name -> TestConfigs.cluster(name, CLUSTERS.get(name).namesrvAddr(), stamp(name))).toList(), backups);
    }

    /** Units stamp {@code unit=<name>}, the region {@code zone=eu, unit=region}. */
    private static Map<String, String> stamp(String cluster) {
        return cluster.startsWith("unit-") ? Map.of("unit", cluster)
            : cluster.equals("region") ? Map.of("zone", "eu", "unit", "region") : Map.of();
    }

    /** Each cluster produces {@code PER_CLUSTER} messages to the topic, with its name as run; returns the IDs. */
    private static Map<String, List<String>> produce(String topic, List<String> clusters) throws Exception {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        for (String name : clusters) {
            EmbeddedCluster cluster = CLUSTERS.get(name);
            cluster.createTopic(topic, QUEUES);
            try (TestMessages producer = new TestMessages(cluster.namesrvAddr())) {
                ids.put(name, producer.send(topic, name, 0, PER_CLUSTER, QUEUES));
            }
        }
        return ids;
    }

    /**
     * Waits until every cluster holds the expected counts and no link has anything left to copy, then checks
     * that for 3 s neither the counts nor any link's counters move: nothing loops.
     */
    private static void awaitSettled(Ferry ferry, Map<String, Map<String, Long>> expected) throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> counts(expected).equals(expected));
        await().atMost(Duration.ofSeconds(30)).until(() ->
            ferry.status().stream().allMatch(link -> link.backlog() == 0));
        List<Long> copied = ferry.status().stream().map(LinkStatus::copied).toList();
        await("nothing loops: no count and no link's counter moves").during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(30)).until(() -> counts(expected).equals(expected)
                && ferry.status().stream().map(LinkStatus::copied).toList().equals(copied));
    }

    private static Map<String, Map<String, Long>> counts(Map<String, Map<String, Long>> expected) {
        Map<String, Map<String, Long>> counts = new HashMap<>();
        expected.forEach((cluster, topics) -> topics.keySet().forEach(topic ->
            counts.computeIfAbsent(cluster, c -> new HashMap<>())
                .put(topic, CLUSTERS.get(cluster).messageCount(topic))));
        return counts;
    }

    private static List<MessageExt> read(String cluster, String topic, int expected) throws Exception {
        return TopicReader.readAll(CLUSTERS.get(cluster).namesrvAddr(), topic, expected);
    }

    private static Map<String, MessageExt> byId(List<MessageExt> messages) {
        return messages.stream().collect(Collectors.toMap(MessageExt::getMsgId, Function.identity()));
    }

    private static List<String> all(Map<String, List<String>> idsByCluster) {
        return idsByCluster.values().stream().flatMap(List::stream).toList();
    }
}
