package dev.ferry.watch;

import dev.ferry.cluster.GroupClient;
import dev.ferry.copy.QueueList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Which process copies which queues of a link, for every process of the link's group at once: what an operator
 * running several {@code ferry run} on one file asks first ("is every queue copied, and by whom?").
 *
 * <p>Read from the source cluster, not from each process's {@code /status}. The cluster is what decides: RocketMQ's
 * rebalancing allocates the queues among the clients the brokers list, and a queue is copied only by the client the
 * broker granted its lock. Each client's running info (fetched by the broker over the client's own connection, as
 * {@code mqadmin consumerStatus} does) says what it holds now, wherever it runs; each process's HTTP endpoint may
 * listen on another host or port than the one in the file, or not answer at all, and a process that died says
 * nothing, while the cluster shows its queues as having no owner. So this view needs only the file and the source.
 *
 * <p>A queue of the link's topics that no client holds is <em>unowned</em>: a process died and the broker has not
 * freed its lock yet, or a rebalance is under way; for seconds that is normal, for minutes it is a backlog growing.
 * A queue two clients claim (one's lock expired at the broker while it still believes it holds it) is listed under
 * {@code claimedTwice}: also a moment of a handover, never a steady state.
 *
 * @param owners       every client of the group, by client ID, with what it holds (maybe nothing)
 * @param unownedCount how many of the link's queues no client holds
 * @param unowned      those, compactly ({@link QueueList#compact})
 * @param claimedTwice queues more than one client lists as held, compactly
 */
public record QueueOwners(List<Owner> owners, int unownedCount, List<String> unowned, List<String> claimedTwice) {

    /**
     * One process of the group.
     *
     * @param clientId its link consumer's RocketMQ client ID
     * @param process  {@code <pid>@<hostname>}, null when the client does not say
     * @param count    how many of the link's queues it holds
     * @param queues   those, compactly
     * @param error    why it could not say what it holds, or null
     */
    public record Owner(String clientId, String process, int count, List<String> queues, String error) {
    }

    /**
     * @param linkQueues every queue of the link's topics on the source (their route)
     * @param clients    the group's clients, as {@code ClusterBrokers.groupClients} reports them
     */
    public static QueueOwners of(Collection<MessageQueue> linkQueues, Collection<GroupClient> clients) {
        List<Owner> owners = new ArrayList<>();
        Map<MessageQueue, Integer> claims = new HashMap<>();
        for (GroupClient client : clients) {
            Set<MessageQueue> held = QueueList.copied(client.held());
            held.forEach(queue -> claims.merge(queue, 1, Integer::sum));
            owners.add(new Owner(client.clientId(), client.process(), held.size(), QueueList.compact(held),
                client.error()));
        }
        owners.sort(Comparator.comparing(Owner::clientId));
        Set<MessageQueue> unowned = new TreeSet<>(QueueList.copied(linkQueues));
        unowned.removeAll(claims.keySet());
        List<MessageQueue> twice = claims.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
            .toList();
        return new QueueOwners(List.copyOf(owners), unowned.size(), QueueList.compact(unowned),
            QueueList.compact(twice));
    }

    /** Every queue of the link has exactly one owner. */
    public boolean settled() {
        return unownedCount == 0 && claimedTwice.isEmpty();
    }
}
