package dev.ferry.app;

import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.operate.OffsetReset;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry offsets}: consumer offsets of one cluster. */
@Command(name = "offsets", mixinStandardHelpOptions = true, description = "Consumer group offsets.",
    subcommands = OffsetsCommand.Reset.class)
final class OffsetsCommand {

    /** {@code ferry offsets reset}: the seed's consumer offset reset, by origin time for copied messages. */
    @Command(name = "reset", mixinStandardHelpOptions = true,
        description = "Sets group G's offsets on cluster C's topic T to a time (for copied messages: the time they"
            + " were produced at their origin), the earliest or the latest message.")
    static final class Reset implements Callable<Integer> {

        @Mixin
        ConfigFile config;

        @Option(names = "--cluster", required = true, paramLabel = "C", description = "the cluster")
        String cluster;

        @Option(names = "--group", required = true, paramLabel = "G", description = "the consumer group")
        String group;

        @Option(names = "--topic", required = true, paramLabel = "T", description = "the topic")
        String topic;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Where where;

        @Option(names = "--dry-run", description = "print what would be set, change nothing")
        boolean dryRun;

        @Spec
        CommandSpec spec;

        static final class Where {
            @Option(names = "--to-time", paramLabel = "ISO-8601", description = "e.g. 2026-11-25T10:00:00Z")
            String time;

            @Option(names = "--to-earliest", description = "the first message kept")
            boolean earliest;

            @Option(names = "--to-latest", description = "after the last message")
            boolean latest;
        }

        @Override
        public Integer call() throws Exception {
            FerryConfig loaded = config.load();
            ClusterConfig target = ClusterArgument.of(loaded, config, "--cluster", cluster);
            Instant instant = where.time == null ? null : parse(where.time);
            PrintWriter out = spec.commandLine().getOut();
            try (ClusterAdmin admin = ClusterAdmin.connect(target)) {
                if (admin.queues(topic).isEmpty()) {
                    throw new Failures.BadInput("ferry offsets reset: --topic " + topic + ": no such topic on "
                        + cluster);
                }
                List<OffsetReset.Position> positions = instant != null ? OffsetReset.toTime(admin, group, topic, instant)
                    : where.earliest ? OffsetReset.toEarliest(admin, group, topic)
                    : OffsetReset.toLatest(admin, group, topic);
                out.printf("%s group %s on %s, topic %s, to %s%n", dryRun ? "Would set" : "Setting", group, cluster,
                    topic, instant != null ? instant : where.earliest ? "the earliest" : "the latest");
                out.printf("  %-24s %6s %12s %12s%n", "broker", "queue", "now", "set to");
                for (OffsetReset.Position position : positions) {
                    out.printf("  %-24s %6d %12s %12d%n", position.queue().getBrokerName(), position.queue().getQueueId(),
                        position.current() < 0 ? "-" : Long.toString(position.current()), position.target());
                }
                if (!dryRun) {
                    OffsetReset.apply(admin, group, positions);
                }
                out.println(dryRun ? "Dry run, nothing changed." : "Done.");
                out.flush();
            }
            return ExitCodes.OK;
        }

        private static Instant parse(String text) throws Failures.BadInput {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new Failures.BadInput("ferry offsets reset: --to-time " + text + ": not an ISO-8601 instant"
                    + " (e.g. 2026-11-25T10:00:00Z or 2026-11-25T10:00:00+08:00)");
            }
        }
    }
}
