package dev.ferry.backup;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.cluster.ClusterClients;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Direction;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.CopySettings;
import dev.ferry.config.SigningKey;
import dev.ferry.copy.Link;
import dev.ferry.offsets.Checkpointer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One configured backup at run time: a link from source to target, and in two-way mode a second link back.
 */
public final class Backup implements AutoCloseable {

    private final BackupConfig config;
    private final List<Link> links = new ArrayList<>();
    private final List<Checkpointer> checkpointers = new ArrayList<>();
    private final Optional<SigningKey> signingKey;

    /**
     * @param admins     the backup's source and target, by cluster name
     * @param checkpointInterval how often each direction's checkpointer translates groups' progress
     * @param topology   every backup of the configuration, for what one direction cannot know alone
     * @param signingKey the deployment's key for signed stamps, if any
     */
    Backup(BackupConfig config, Map<String, ClusterAdmin> admins, CopySettings settings, Duration checkpointInterval,
           Topology topology, Optional<SigningKey> signingKey) {
        this.config = config;
        this.signingKey = signingKey;
        for (Direction direction : config.directions()) {
            addDirection(admins.get(direction.source()), admins.get(direction.target()), settings, checkpointInterval,
                topology);
        }
    }

    private void addDirection(ClusterAdmin from, ClusterAdmin to, CopySettings settings, Duration checkpointInterval,
                              Topology topology) {
        String fromName = from.cluster().name();
        String toName = to.cluster().name();
        Link link = new Link(config, from, to, settings, topology.canReach(toName, fromName), true, signingKey);
        links.add(link);
        checkpointers.add(new Checkpointer(link.name(), config, from, to, link.offsetSyncs(),
            config.mode() == Mode.ONE_WAY && topology.soleWriter(config, fromName, toName), checkpointInterval));
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

    /**
     * Pauses the links of {@code direction} ({@code A->B}), or every link of the backup when it is null or blank
     * (see {@link Link#pause}).
     *
     * @throws IllegalArgumentException when the backup has no such direction, naming those it has
     */
    public PauseChange pause(String direction) {
        return change(true, direction, Link::pause);
    }

    /** Resumes the links of {@code direction}, or all of them, as {@link #pause} pauses them. */
    public PauseChange resume(String direction) {
        return change(false, direction, Link::resume);
    }

    private PauseChange change(boolean pause, String direction, Predicate<Link> act) {
        List<String> changed = new ArrayList<>();
        List<String> already = new ArrayList<>();
        for (Link link : links(direction)) {
            (act.test(link) ? changed : already).add(link.name());
        }
        return new PauseChange(pause, changed, already);
    }

    /** The links of {@code direction} ({@code A->B}, spaces allowed around the arrow); all of them when null or blank. */
    List<Link> links(String direction) {
        if (direction == null || direction.isBlank()) {
            return links();
        }
        int arrow = direction.indexOf("->");
        String from = arrow < 0 ? null : direction.substring(0, arrow).strip();
        String to = arrow < 0 ? null : direction.substring(arrow + 2).strip();
        for (Link link : links) {
            if (link.sourceCluster().equals(from) && link.targetCluster().equals(to)) {
                return List.of(link);
            }
        }
        throw new IllegalArgumentException("backup '" + name() + "' has no direction '" + direction + "': its "
            + (links.size() == 1 ? "direction is " : "directions are ") + String.join(", ", links.stream()
            .map(link -> link.sourceCluster() + "->" + link.targetCluster()).toList()));
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
        // Both directions stop together, each finishing what it has in flight; then each direction's checkpoints
        // take a last round, which so covers every copy made.
        ClusterClients.closeAll(links);
        ClusterClients.closeAll(checkpointers);
    }
}
