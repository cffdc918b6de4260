package dev.ferry.backup;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.copy.CopySettings;
import dev.ferry.copy.Link;
import dev.ferry.offsets.Checkpointer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * One configured backup at run time: a link from source to target, and in two-way mode a second link back.
 */
public final class Backup implements AutoCloseable {

    private final BackupConfig config;
    private final List<Link> links = new ArrayList<>();
    private final List<Checkpointer> checkpointers = new ArrayList<>();

    /**
     * @param soleWriter whether this backup's link from the first cluster to the second is the only writer of
     *                   the target topics Ferry knows of (then standby groups follow by themselves there)
     */
    Backup(BackupConfig config, ClusterAdmin source, ClusterAdmin target, CopySettings settings,
           BiPredicate<ClusterAdmin, ClusterAdmin> soleWriter) {
        this.config = config;
        links.add(new Link(config, source, target, settings));
        if (config.mode() == Mode.TWO_WAY) {
            links.add(new Link(config, target, source, settings));
        }
        for (Link link : links) {
            ClusterAdmin from = link.sourceCluster().equals(source.cluster().name()) ? source : target;
            ClusterAdmin to = from == source ? target : source;
            checkpointers.add(new Checkpointer(link.name(), config, from, to, link.offsetSyncs(),
                config.mode() == Mode.ONE_WAY && soleWriter.test(from, to), settings.checkpointIntervalMillis()));
        }
    }

    public String name() {
        return config.name();
    }

    public BackupConfig config() {
        return config;
    }

    public List<Link> links() {
        return List.copyOf(links);
    }

    /** Checkpoints of each direction, in the order of {@link #links()}. */
    public List<Checkpointer> checkpointers() {
        return List.copyOf(checkpointers);
    }

    void start() throws Exception {
        for (Link link : links) {
            link.start();
        }
        for (Checkpointer checkpointer : checkpointers) {
            checkpointer.start();
        }
    }

    @Override
    public void close() {
        checkpointers.forEach(Checkpointer::close);
        // Both directions stop together, each finishing what it has in flight.
        links.parallelStream().forEach(Link::close);
    }
}
