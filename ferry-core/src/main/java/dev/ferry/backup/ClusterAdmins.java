package dev.ferry.backup;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One admin connection per cluster that running backups use, shared by their links and checkpointers: opened when
 * a backup first needs the cluster, closed when a reload leaves no backup using it or changes its entry (every
 * backup using a changed cluster restarts, see {@link ReloadPlan}, so none holds the old admin by then).
 */
final class ClusterAdmins implements AutoCloseable {

    private final Map<String, ClusterAdmin> admins = new LinkedHashMap<>();

    /** The admin of {@code cluster}, connected now if none is open. */
    synchronized ClusterAdmin of(ClusterConfig cluster) throws Exception {
        ClusterAdmin admin = admins.get(cluster.name());
        if (admin == null) {
            if (cluster.namesrv() == null) {
                throw new IllegalStateException("cluster '" + cluster.name() + "' has no NameServer address");
            }
            admin = ClusterAdmin.connect(cluster);
            admins.put(cluster.name(), admin);
        }
        return admin;
    }

    /** Closes the admin of each cluster that {@code next} does not have, has changed, or uses in no backup. */
    synchronized void keepOnlyWhat(FerryConfig next) {
        Set<String> used = new HashSet<>();
        next.backups().forEach(b -> used.addAll(List.of(b.source(), b.target())));
        List<ClusterAdmin> closing = new ArrayList<>();
        admins.entrySet().removeIf(entry -> {
            boolean keep = used.contains(entry.getKey())
                && entry.getValue().cluster().equals(next.clusters().get(entry.getKey()));
            if (!keep) {
                closing.add(entry.getValue());
            }
            return !keep;
        });
        ClusterClients.closeAll(closing);
    }

    @Override
    public synchronized void close() {
        ClusterClients.closeAll(admins.values());
        admins.clear();
    }
}
