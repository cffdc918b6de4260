package dev.ferry.copy;

import dev.ferry.names.FerryNames;

/**
 * The SQL-92 subscription that keeps copies from looping, run by the source broker itself.
 *
 * <p>A link into cluster T must pass over every message whose {@code FERRY_PATH} names T (see
 * {@link OriginStamp}). In a two-way backup that is every copy the other direction wrote: about half of each
 * cluster's traffic. Checked in Ferry, each of them is pulled across the network, decoded, and dropped. Written
 * as the link's subscription, the broker drops them while it reads its own store, and they are never sent:
 *
 * <pre>
 *   A --(A->B link pulls)--&gt; Ferry --&gt; B          B's copies on A carry FERRY_PATH=B;
 *        only FERRY_PATH without B                    the A->B link never sees them
 * </pre>
 *
 * <p>{@code FERRY_PATH} is a comma-separated list, and SQL-92 in RocketMQ has no list membership; {@code
 * CONTAINS 'B'} alone would also match a cluster named {@code B2}. So the expression matches the name as a
 * whole element: the entire path, its first, its last or a middle element between commas. Cluster names
 * cannot hold a comma or a quote (see the configuration rules), so no escaping is needed.
 *
 * <p>The broker evaluates this only where {@code enablePropertyFilter=true}; elsewhere the link subscribes to
 * everything and {@link OriginStamp#stamp} drops the same messages in Ferry. Ferry checks in both cases: the
 * broker-side filter saves the transfer, the Ferry-side check is what guarantees no loop.
 *
 * <p>RocketMQ 4.x brokers have SQL-92 without {@code STARTSWITH}, {@code ENDSWITH} and {@code CONTAINS} (a consumer
 * subscribing with them fails to start there: SUBSCRIPTION_PARSE_FAILED). For them {@link #notCopiedFrom} passes
 * over only the copies whose path is the target alone: in a two-way backup, every copy the other direction wrote.
 * A longer path naming the target (a ring) reaches Ferry, which drops it.
 *
 * <p>With a signing key it is not used at all. A producer can set {@code FERRY_PATH} to anything, and the broker
 * cannot verify a signature: it would pass over a forged path naming the target, and the message would be lost
 * without a count. Nor can any other property make the filter safe: whatever the broker can compare, a producer
 * can copy from a message it reads. So a signed link subscribes to everything (or to the backup's filter) and
 * {@link OriginStamp} drops only loops whose stamp verifies. The price is the transfer this filter saves: in a
 * two-way backup, the other direction's copies are pulled, then dropped.
 */
final class LoopFilter {

    private LoopFilter() {
    }

    /** Messages that may be copied into {@code targetCluster}: those whose path does not name it. */
    static String notVisited(String targetCluster) {
        String path = FerryNames.PATH;
        String name = "'" + targetCluster + "'";
        String onPath = path + " = " + name
            + " OR " + path + " STARTSWITH '" + targetCluster + ",'"
            + " OR " + path + " ENDSWITH '," + targetCluster + "'"
            + " OR " + path + " CONTAINS '," + targetCluster + ",'";
        return "(" + path + " IS NULL OR NOT (" + onPath + "))";
    }

    /**
     * Messages that were not copied straight from {@code targetCluster}: those whose path is not the target alone.
     * Equality only, for brokers whose SQL-92 has no string operators (RocketMQ 4.x).
     */
    static String notCopiedFrom(String targetCluster) {
        return "(" + FerryNames.PATH + " IS NULL OR NOT (" + FerryNames.PATH + " = '" + targetCluster + "'))";
    }

    /** The link's whole subscription: the backup's own filter, if any, and the loop check. */
    static String subscription(String backupFilter, String targetCluster) {
        return and(backupFilter, notVisited(targetCluster));
    }

    /** As {@link #subscription(String, String)}, for brokers without SQL-92's string operators: {@link #notCopiedFrom}. */
    static String subscriptionWithoutStringOperators(String backupFilter, String targetCluster) {
        return and(backupFilter, notCopiedFrom(targetCluster));
    }

    private static String and(String backupFilter, String loop) {
        return backupFilter == null ? loop : "(" + backupFilter + ") AND " + loop;
    }
}
