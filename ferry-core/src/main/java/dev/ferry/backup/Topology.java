package dev.ferry.backup;

import dev.ferry.config.BackupConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The copy directions of a configuration as a graph of clusters, for what one link cannot know alone:
 *
 * <ul>
 *   <li>whether messages can come back to its source from its target ({@link #canReach}): only then may the
 *       source hold copies that would loop, and the loop check is worth running on the broker (a SQL-92
 *       subscription costs the broker a property decode per message; aggregation and disaster recovery, the
 *       high-volume cases, have no way back);</li>
 *   <li>whether it is the only writer of its target topics ({@link #soleWriter}): only then do the target
 *       queues hold nothing but its copies, so idle consumer groups can follow there by themselves.</li>
 * </ul>
 *
 * <pre>
 *   unit-a --&gt; center &lt;-- unit-b      no way back to a unit: no broker-side loop check; center/orders has
 *                                      two writers: groups do not follow there
 *   east &lt;--&gt; west                    a way back both ways: loop check on both brokers
 * </pre>
 */
final class Topology {

    /** One copy direction of a backup. */
    record Direction(BackupConfig backup, String from, String to) {
    }

    private final List<Direction> directions = new ArrayList<>();

    Topology(List<BackupConfig> backups) {
        for (BackupConfig backup : backups) {
            backup.directions().forEach(d -> directions.add(new Direction(backup, d.source(), d.target())));
        }
    }

    /** True when some chain of copy directions leads from cluster {@code from} to cluster {@code to}. */
    boolean canReach(String from, String to) {
        Set<String> seen = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(List.of(from));
        while (!next.isEmpty()) {
            String cluster = next.poll();
            if (cluster.equals(to)) {
                return true;
            }
            if (seen.add(cluster)) {
                directions.stream().filter(d -> d.from().equals(cluster)).forEach(d -> next.add(d.to()));
            }
        }
        return false;
    }

    /** True when {@code backup}'s direction {@code from -> to} is the only one writing into each of its target topics. */
    boolean soleWriter(BackupConfig backup, String from, String to) {
        for (String topic : backup.topics()) {
            String targetTopic = backup.targetTopic().apply(topic, from, to);
            for (Direction other : directions) {
                if (other.backup() == backup && other.from().equals(from)) {
                    continue;
                }
                if (other.to().equals(to) && other.backup().topics().stream()
                    .anyMatch(t -> other.backup().targetTopic().apply(t, other.from(), other.to()).equals(targetTopic))) {
                    return false;
                }
            }
        }
        return true;
    }
}
