package dev.ferry.testing;

import dev.ferry.embedded.EmbeddedAcl;
import java.util.List;

/**
 * The least rights a Ferry user needs on an ACL 2.0 cluster, as {@code docs/security.md} lists them, granted
 * on an embedded cluster: what the security tests run Ferry with.
 */
public final class FerryGrants {

    private FerryGrants() {
    }

    /** On a source cluster: read the backup's topics, run the link's group, write heartbeats and dead letters. */
    public static void onSource(EmbeddedAcl acl, String user, String backup, String target, List<String> topics) {
        for (String topic : topics) {
            acl.grant(user, "Topic:" + topic, "Sub", "Get");
        }
        acl.grant(user, "Group:ferry-" + backup + "-to-" + target + "*", "Sub", "Pub", "Create", "Update", "Get");
        acl.grant(user, "Topic:FERRY_HEARTBEAT", "Pub", "Sub", "Create", "Get");
        acl.grant(user, "Topic:FERRY_DLQ_" + backup, "Pub", "Create");
        acl.grant(user, "Group:FERRY_*", "Pub", "Sub", "Get");
        applicationGroups(acl, user);
    }

    /** On a target cluster: write copies, offset syncs and checkpoints; move the application groups. */
    public static void onTarget(EmbeddedAcl acl, String user, List<String> topics) {
        for (String topic : topics) {
            // Sub: exactly-once reads what the target holds of a queue before it copies it.
            acl.grant(user, "Topic:" + topic, "Pub", "Sub", "Create", "Get");
        }
        acl.grant(user, "Topic:FERRY_*", "Pub", "Sub", "Create", "Get");
        acl.grant(user, "Group:FERRY_*", "Pub", "Sub", "Get");
        acl.grant(user, "Group:ferry-*", "Pub");
        applicationGroups(acl, user);
    }

    /**
     * On a peer of a two-way backup, which is the source of one link and the target of the other: both roles,
     * with their rights on the backup's topics joined (a grant on a resource replaces the one before).
     */
    public static void onPeer(EmbeddedAcl acl, String user, String backup, String otherPeer, List<String> topics) {
        onSource(acl, user, backup, otherPeer, topics);
        onTarget(acl, user, topics);
        for (String topic : topics) {
            acl.grant(user, "Topic:" + topic, "Pub", "Sub", "Create", "Get");
        }
    }

    /**
     * For {@code ferry failback} of a one-way backup home -&gt; standby: the copy back is a backup of its own,
     * {@code <backup>-failback}, from standby to home. Each cluster is then the source of one and the target of
     * the other, as the peers of a two-way backup are.
     */
    public static void forFailback(EmbeddedAcl home, EmbeddedAcl standby, String user, String backup, String homeName,
                                   String standbyName, List<String> topics) {
        onPeer(home, user, backup, standbyName, topics);
        onPeer(standby, user, backup + "-failback", homeName, topics);
    }

    /** Reading the application groups' progress, and moving it (following, failover, failback, reset). */
    private static void applicationGroups(EmbeddedAcl acl, String user) {
        acl.grant(user, "Group:*", "Get", "Create", "Update", "Sub");
    }
}
