package dev.ferry.app;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Direction;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.SendFailure;
import dev.ferry.names.FerryNames;
import dev.ferry.watch.QueueOwners;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The part of {@code ferry status} that says which process copies which queues: for each link, every process of the
 * link's group with the source queues it holds, and the queues nobody holds. Read from each source cluster (its
 * group's connected clients and their running info, see {@link QueueOwners} for why the cluster and not each
 * process), so it covers every process running the file, on any host, and is the same whether or not a Ferry
 * answers at {@code http.listen}.
 *
 * <pre>
 *   BACKUP     DIRECTION             PROCESS      CLIENT_ID                                    QUEUES  HELD
 *   orders-dr  hangzhou -&gt; shanghai  4711@host-a  10.0.0.5@ferry-orders-dr-to-shanghai-seat-0       4  orders/broker-a/0-3
 *   orders-dr  hangzhou -&gt; shanghai  (no owner)   -                                                 4  orders/broker-b/0-3
 * </pre>
 */
final class GroupProcesses {

    static final String NO_OWNER = "(no owner)";
    static final String CLAIMED_TWICE = "(claimed twice)";

    private GroupProcesses() {
    }

    /** One link's group as its source reported it, or why it could not. */
    record LinkGroup(String backup, String direction, QueueOwners owners, String error) {
    }

    /** Asks each backup direction's source (embedded clusters aside: they exist only inside a running Ferry). */
    static List<LinkGroup> read(FerryConfig config) {
        List<LinkGroup> groups = new ArrayList<>();
        for (BackupConfig backup : config.backups()) {
            for (Direction direction : backup.directions()) {
                ClusterConfig source = config.cluster(direction.source());
                if (!source.embedded()) {
                    groups.add(read(source, backup, direction));
                }
            }
        }
        return groups;
    }

    private static LinkGroup read(ClusterConfig source, BackupConfig backup, Direction direction) {
        String name = direction.source() + " -> " + direction.target();
        try (ClusterAdmin admin = ClusterAdmin.connect(source)) {
            List<MessageQueue> queues = new ArrayList<>();
            for (String topic : backup.topics()) {
                queues.addAll(admin.queues(topic));
            }
            String group = FerryNames.linkGroup(backup.name(), direction.target());
            return new LinkGroup(backup.name(), name, QueueOwners.of(queues, admin.brokers().groupClients(group)), null);
        } catch (Exception e) {
            return new LinkGroup(backup.name(), name, null, direction.source() + " did not say: "
                + SendFailure.describe(e));
        }
    }

    /** One row per process, then the queues no process holds and those two claim, if any. */
    static String table(List<LinkGroup> groups) {
        if (groups.isEmpty()) {
            return "";
        }
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"BACKUP", "DIRECTION", "PROCESS", "CLIENT_ID", "QUEUES", "HELD"});
        for (LinkGroup g : groups) {
            if (g.owners() == null) {
                cells.add(new String[] {g.backup(), g.direction(), "?", "-", "?", g.error()});
                continue;
            }
            for (QueueOwners.Owner owner : g.owners().owners()) {
                String held = owner.error() != null ? "did not answer: " + owner.error()
                    : owner.queues().isEmpty() ? "-" : String.join(" ", owner.queues());
                cells.add(new String[] {g.backup(), g.direction(), owner.process() == null ? "-" : owner.process(),
                    owner.clientId(), owner.error() != null ? "?" : Integer.toString(owner.count()), held});
            }
            if (g.owners().unownedCount() > 0) {
                cells.add(new String[] {g.backup(), g.direction(), NO_OWNER, "-",
                    Integer.toString(g.owners().unownedCount()), String.join(" ", g.owners().unowned())});
            }
            if (!g.owners().claimedTwice().isEmpty()) {
                cells.add(new String[] {g.backup(), g.direction(), CLAIMED_TWICE, "-", "-",
                    String.join(" ", g.owners().claimedTwice())});
            }
        }
        return "Processes per link, as each source reports its group's clients:" + System.lineSeparator()
            + StatusCommand.format(cells, 4, 5);
    }
}
