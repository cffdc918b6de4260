package dev.ferry.names;

import java.util.List;

/**
 * Every name Ferry gives to something in a RocketMQ cluster, in one place, as Kafka MirrorMaker 2's
 * {@code ReplicationPolicy} owns its internal topics: the link's consumer group, Ferry's own topics, producer and
 * reader groups, and the properties it puts on messages. Every other class asks this one; an operator who meets
 * a {@code FERRY_*} or {@code ferry-*} name in {@code mqadmin} finds here what it is.
 *
 * <pre>{@code
 *   what                          name                                     where
 *   a link's consumer group       ferry-<backup>-to-<target>               source: holds the link's progress
 *   its heartbeat producer        ferry-<backup>-to-<target>-heartbeat     source
 *   failback's copy back          backup <backup>-failback                 its group: ferry-<backup>-failback-to-<home>
 *   heartbeats                    topic FERRY_HEARTBEAT                    source and target
 *   checkpoints                   topic FERRY_CHECKPOINTS                  target
 *   offset syncs                  topic FERRY_OFFSET_SYNCS                 target
 *   dead letters                  topic FERRY_DLQ_<backup>                 source
 *   Ferry's other clients         groups FERRY_*                           either
 *   a client's instance name      ferry-<cluster>-<role>-<pid>-<n>         in its client ID
 *   a link consumer's             ferry-<backup>-to-<target>-seat-<n>      the same after a restart on a host
 *   a copy's stamp, dead letters  properties FERRY_*                       on the messages
 *   the process of a link client  ferryProcess in its running info         mqadmin consumerStatus
 * }</pre>
 *
 * <p>Two prefixes: {@code ferry-} for the groups named after a backup (and client instance names),
 * {@code FERRY_} for everything else; docs/security.md grants rights by them. The configuration refuses a backup topic or a stamp
 * property with {@code FERRY_} ({@link #isFerryTopic}, {@link #isFerryProperty}), and checkpoints never follow
 * a Ferry group ({@link #isFerryGroup}).
 *
 * <p>These names are a contract with running clusters (progress, checkpoints, rights granted by name): changing
 * one orphans what the previous version wrote. Depends on nothing else in Ferry, so every package may ask it.
 */
public final class FerryNames {

    /** Ferry's own topics, properties and fixed groups start with this. */
    public static final String RESERVED_PREFIX = "FERRY_";
    /** A group named after a backup, and a client's instance name, start with this. */
    private static final String GROUP_PREFIX = "ferry-";

    /** A link's heartbeats, on every cluster Ferry copies from or into; tagged with the link's group. */
    public static final String HEARTBEAT_TOPIC = "FERRY_HEARTBEAT";
    /** Checkpoints (groups' progress translated), in the target. */
    public static final String CHECKPOINTS_TOPIC = "FERRY_CHECKPOINTS";
    /** Offset syncs (where each copy landed, the newest per queue), in the target. */
    public static final String OFFSET_SYNCS_TOPIC = "FERRY_OFFSET_SYNCS";
    private static final String DEAD_LETTER_PREFIX = "FERRY_DLQ_";

    /** The producer of checkpoints. */
    public static final String CHECKPOINTS_GROUP = "FERRY_CHECKPOINTER";
    /** The producer of offset syncs. */
    public static final String OFFSET_SYNCS_GROUP = "FERRY_OFFSET_SYNCER";
    /** The reader that finds where {@code ferry offsets reset --to-time} sets a group. */
    public static final String OFFSET_RESET_GROUP = "FERRY_OFFSET_RESET";
    /** The reader of the newest messages of Ferry's own topics (checkpoints, offset syncs). */
    public static final String TAIL_READER_GROUP = "FERRY_TAIL_READER";
    /** The reader of target queues that finds what of a source queue is copied already (exactly-once). */
    public static final String WATERMARK_READER_GROUP = "FERRY_WATERMARK_READER";
    private static final String ADMIN_GROUP_PREFIX = "FERRY_ADMIN_";

    /** The cluster the message was first produced in; kept on every later hop. */
    public static final String ORIGIN = "FERRY_ORIGIN";
    /** The clusters the message was stored in before, origin first, comma-separated. */
    public static final String PATH = "FERRY_PATH";
    /** The origin's store time, epoch milliseconds. */
    public static final String ORIGIN_TIME = "FERRY_ORIGIN_TIME";
    /** Where this hop read the message: with the next three, one source message exactly. */
    public static final String SOURCE_TOPIC = "FERRY_SOURCE_TOPIC";
    public static final String SOURCE_BROKER = "FERRY_SOURCE_BROKER";
    public static final String SOURCE_QUEUE = "FERRY_SOURCE_QUEUE";
    public static final String SOURCE_OFFSET = "FERRY_SOURCE_OFFSET";
    /** The stamp's signature, with a signing key. */
    public static final String SIGNATURE = "FERRY_SIGNATURE";
    /** Every property of a copy's stamp: a message with any of them claims to be a copy. */
    public static final List<String> STAMP = List.of(ORIGIN, PATH, ORIGIN_TIME, SOURCE_TOPIC, SOURCE_BROKER,
        SOURCE_QUEUE, SOURCE_OFFSET, SIGNATURE);

    /** On a dead letter: why the target refused the message. */
    public static final String DEAD_LETTER_REASON = "FERRY_DLQ_REASON";
    /** On a dead letter: the cluster that refused it. */
    public static final String DEAD_LETTER_TARGET = "FERRY_DLQ_TARGET";
    /** On an offset sync: the cluster its source queue is in. */
    public static final String SYNC_SOURCE = "FERRY_SYNC_SOURCE";
    /** On an offset sync: the cluster its target queue is in. */
    public static final String SYNC_TARGET = "FERRY_SYNC_TARGET";
    /**
     * In a link consumer's running info ({@code mqadmin consumerStatus}): the Ferry process it runs in,
     * {@code <pid>@<hostname>}.
     */
    public static final String RUNNING_INFO_PROCESS = "ferryProcess";

    private FerryNames() {
    }

    /**
     * The consumer group, on the source cluster, that holds the progress of a backup's direction into
     * {@code targetCluster}: {@code ferry-<backup>-to-<target>}. RocketMQ allows such a name only of
     * {@code [%|a-zA-Z0-9_-]}, at most 120 characters: the config checks it where it is read.
     */
    public static String linkGroup(String backupName, String targetCluster) {
        return GROUP_PREFIX + backupName + "-to-" + targetCluster;
    }

    /** The producer of a link's heartbeats: its group's name, so that one right covers both. */
    public static String heartbeatGroup(String linkGroup) {
        return linkGroup + "-heartbeat";
    }

    /**
     * The backup that failback runs to copy back what the standby took: {@code <backup>-failback}, whose link
     * into home keeps its progress in {@code ferry-<backup>-failback-to-<home>} (so a second failback copies only
     * what came since).
     */
    public static String failbackBackup(String backupName) {
        return backupName + "-failback";
    }

    /** A backup's dead-letter topic on the source, {@code FERRY_DLQ_<backup>}; also the name of its producer. */
    public static String deadLetterTopic(String backupName) {
        return DEAD_LETTER_PREFIX + backupName;
    }

    /** An admin client's group: each needs one of its own in a JVM, hence the sequence number. */
    public static String adminGroup(long sequence) {
        return ADMIN_GROUP_PREFIX + sequence;
    }

    /**
     * The instance name of a link's consumer in seat {@code seat} of a host: stable across restarts, so that the
     * source brokers hand a dead process's queue locks to its successor on the same host (see the copy package's
     * {@code LinkIdentity}).
     */
    public static String linkInstance(String linkGroup, int seat) {
        return linkGroup + "-seat-" + seat;
    }

    /**
     * A client's instance name, part of the client ID an operator sees in {@code mqadmin consumerConnection}:
     * each client of a process has its own (clients sharing one would share the first one's NameServer).
     */
    public static String clientInstance(String cluster, String role, long pid, long sequence) {
        return GROUP_PREFIX + cluster + "-" + role + "-" + pid + "-" + sequence;
    }

    /** Whether {@code group} is one of Ferry's: a link's, its heartbeat's, or one of Ferry's own clients. */
    public static boolean isFerryGroup(String group) {
        return group.startsWith(GROUP_PREFIX) || group.startsWith(RESERVED_PREFIX);
    }

    /** Whether {@code topic} is one of Ferry's own: heartbeats, checkpoints, offset syncs, dead letters. */
    public static boolean isFerryTopic(String topic) {
        return topic.startsWith(RESERVED_PREFIX);
    }

    /** Whether a message property is Ferry's (a stamp, a dead letter's reason, an offset sync's clusters). */
    public static boolean isFerryProperty(String name) {
        return name.startsWith(RESERVED_PREFIX);
    }
}
