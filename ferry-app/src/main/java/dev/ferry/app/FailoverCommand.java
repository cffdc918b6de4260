package dev.ferry.app;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.operate.Failover;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry failover}: moves a consumer group's progress from cluster A to cluster B with the latest
 * checkpoint Ferry stored in B. Reads and writes only B, so it works while A is down.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Moves consumer group G's progress from cluster A to cluster B (from the checkpoints Ferry keeps"
        + " in B), so that G on B starts where G on A stopped. Works while A is down.")
final class FailoverCommand implements Callable<Integer> {

    @Mixin
    ConfigFile config;

    @Option(names = "--group", required = true, paramLabel = "G", description = "the consumer group")
    String group;

    @Option(names = "--from", required = true, paramLabel = "A", description = "the cluster G consumed on")
    String from;

    @Option(names = "--to", required = true, paramLabel = "B", description = "the cluster G moves to")
    String to;

    @Option(names = "--topic", paramLabel = "T", description = "only this source topic (default: every topic)")
    String topic;

    @Option(names = "--dry-run", description = "print what would be set, change nothing")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FerryConfig loaded = config.load();
        ClusterArgument.of(loaded, config, "--from", from);
        ClusterConfig target = ClusterArgument.of(loaded, config, "--to", to);
        PrintWriter out = spec.commandLine().getOut();
        try (ClusterAdmin admin = ClusterAdmin.connect(target)) {
            List<Failover.Move> moves = Failover.plan(admin, group, from, topic);
            if (moves.isEmpty()) {
                spec.commandLine().getErr().println("ferry failover: no checkpoint of group " + group + " from " + from
                    + " in " + to + (topic == null ? "" : " for topic " + topic) + " (Ferry writes one every 5 s while"
                    + " it copies " + from + " -> " + to + " and the group has committed progress on " + from + ")");
                return ExitCodes.FAILED;
            }
            out.printf("%s group %s: %s -> %s, from checkpoints %s%n", dryRun ? "Would move" : "Moving", group, from,
                to, ageRange(moves));
            out.printf("  %-24s %-24s %6s %12s %12s %14s%n", "topic", "broker", "queue", "now", "set to",
                "re-read <=");
            long reRead = 0;
            for (Failover.Move move : moves) {
                out.printf("  %-24s %-24s %6d %12s %12d %14d%n", move.queue().getTopic(), move.queue().getBrokerName(),
                    move.queue().getQueueId(), move.current() < 0 ? "-" : Long.toString(move.current()),
                    move.resumeAt(), move.reReadAtMost());
                if (move.why() != null) {
                    out.printf("  %-24s   (%s)%n", "", move.why());
                }
                reRead += move.reReadAtMost();
            }
            if (!dryRun) {
                Failover.apply(admin, group, moves);
            }
            out.printf("%s: %d queue(s); group %s re-reads at most %d message(s) it had consumed on %s.%n",
                dryRun ? "Dry run, nothing changed" : "Done", moves.size(), group, reRead, from);
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static String ageRange(List<Failover.Move> moves) {
        long oldest = moves.stream().mapToLong(Failover.Move::checkpointAgeMillis).max().orElse(0);
        return "at most " + Math.max(0, oldest / 1000) + " s old";
    }
}
