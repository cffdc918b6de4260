package dev.ferry.check;

import dev.ferry.config.BackupConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.names.FerryNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The reads every backup needs on a cluster, asked of its brokers under the cluster's credentials, so that a
 * right missing under ACL 2.0 shows at {@code validate}, not an hour into a run. Only reads are asked: a probe
 * changes nothing. A broker's refusal names the user, the resource and the action; anything else (a topic not
 * created yet, a group without progress) is not this probe's to report.
 *
 * <pre>
 *   on a source:  the link's group and each backup topic    Get  (the group's progress: consumeStats)
 *   on a target:  each target topic                         Get  (queue ends, for checkpoints: topic stats)
 * </pre>
 *
 * Writes (Pub, Create, Update) cannot be asked without doing them; docs/security.md lists them, and a run that
 * lacks one says so in its status.
 */
final class RightsProbe {

    /** One read: consume stats of {@code group} on {@code topic}, or the topic's stats when group is null. */
    private record Read(String backup, String topic, String group) {

        /** The rights the read needs, as ACL 2.0 names them (the broker's refusal names only the resource). */
        String rights() {
            return group == null ? "Get on Topic:" + topic
                : "Get on Topic:" + topic + " and Group:" + group;
        }
    }

    private final List<Read> reads;

    private RightsProbe(List<Read> reads) {
        this.reads = reads;
    }

    /** The reads the backups of {@code config} need on {@code cluster}, as a source or a target of a link. */
    static RightsProbe of(FerryConfig config, String cluster) {
        List<Read> reads = new ArrayList<>();
        for (BackupConfig backup : config.backups()) {
            for (BackupConfig.Direction direction : backup.directions()) {
                addLink(reads, backup, direction.source(), direction.target(), cluster);
            }
        }
        return new RightsProbe(List.copyOf(reads));
    }

    private static void addLink(List<Read> reads, BackupConfig backup, String source, String target, String cluster) {
        for (String topic : backup.topics()) {
            if (source.equals(cluster)) {
                reads.add(new Read(backup.name(), topic, FerryNames.linkGroup(backup.name(), target)));
            }
            if (target.equals(cluster)) {
                reads.add(new Read(backup.name(), backup.targetTopic().apply(topic, source, target), null));
            }
        }
    }

    /** The first refusal, as one line naming the backup and the broker's answer; empty when none is refused. */
    Optional<String> firstRefusal(DefaultMQAdminExt admin) throws InterruptedException {
        for (Read read : reads) {
            try {
                if (read.group() != null) {
                    admin.examineConsumeStats(read.group(), read.topic());
                } else {
                    admin.examineTopicStats(read.topic());
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (refused(e)) {
                    return Optional.of("backup " + ClusterCheck.quote(read.backup()) + " needs " + read.rights() + ": "
                        + firstLine(e) + " (docs/security.md lists the rights Ferry needs)");
                }
            }
        }
        return Optional.empty();
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MQBrokerException broker && broker.getResponseCode() == ResponseCode.NO_PERMISSION) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MQBrokerException broker && broker.getErrorMessage() != null) {
                return broker.getErrorMessage().lines().findFirst().orElse("").strip();
            }
        }
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
    }
}
