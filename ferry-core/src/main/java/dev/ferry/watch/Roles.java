package dev.ferry.watch;

import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Mode;
import java.util.Collection;

/**
 * The part a cluster plays in the configuration, as an operator groups them on a map:
 *
 * <pre>
 *   unit-a --\                          east &lt;--&gt; west        primary --&gt; standby
 *             &gt;--&gt; region --&gt; center     peer       peer        source       target
 *   unit-b --/
 *   source        relay     target
 * </pre>
 *
 * A cluster in any two-way backup is a peer; otherwise it is a source, a target, or a relay when it is both.
 * Pure.
 */
final class Roles {

    private Roles() {
    }

    static String of(String cluster, Collection<BackupConfig> backups) {
        boolean source = false;
        boolean target = false;
        for (BackupConfig backup : backups) {
            boolean in = backup.source().equals(cluster) || backup.target().equals(cluster);
            if (in && backup.mode() == Mode.TWO_WAY) {
                return "peer";
            }
            source |= backup.source().equals(cluster);
            target |= backup.target().equals(cluster);
        }
        return source && target ? "relay" : source ? "source" : target ? "target" : "unused";
    }
}
