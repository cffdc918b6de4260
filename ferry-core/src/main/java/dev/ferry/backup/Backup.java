package dev.ferry.backup;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.copy.CopySettings;
import dev.ferry.copy.Link;
import java.util.ArrayList;
import java.util.List;

/**
 * One configured backup at run time: a link from source to target, and in two-way mode a second link back.
 */
public final class Backup implements AutoCloseable {

    private final BackupConfig config;
    private final List<Link> links = new ArrayList<>();

    Backup(BackupConfig config, ClusterAdmin source, ClusterAdmin target, CopySettings settings) {
        this.config = config;
        links.add(new Link(config, source, target, settings));
        if (config.mode() == Mode.TWO_WAY) {
            links.add(new Link(config, target, source, settings));
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

    void start() throws Exception {
        for (Link link : links) {
            link.start();
        }
    }

    @Override
    public void close() {
        // Both directions stop together, each finishing what it has in flight.
        links.parallelStream().forEach(Link::close);
    }
}
