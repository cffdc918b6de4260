package dev.ferry.config;

import java.util.List;

/**
 * One backup: topics copied from a source cluster to a target cluster (and back, in two-way mode).
 *
 * @param name       unique; names the consumer groups and metrics of this backup
 * @param mode       one-way or two-way
 * @param source     the source cluster's name (in two-way mode: one of the two peers)
 * @param target     the target cluster's name (in two-way mode: the other peer)
 * @param topics     the topics to copy, at least one
 * @param targetTopic how each topic is named on the target
 * @param filter     SQL-92 expression on the source's messages (only matches are copied), or null for all
 * @param startFrom  where copying starts when the backup has no progress yet
 * @param syncGroups consumer groups whose progress follows to the target; empty means every group
 * @param onError    what to do with a message the target refuses for good
 */
public record BackupConfig(String name, Mode mode, String source, String target, List<String> topics,
                           TopicMapping targetTopic, String filter, StartFrom startFrom, List<String> syncGroups, OnError onError) {

    public enum Mode {
        ONE_WAY("one-way"), TWO_WAY("two-way");

        private final String text;

        Mode(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public enum OnError {
        /** The refused message goes to the backup's dead-letter topic on the source; copying goes on. */
        DEAD_LETTER("dead-letter"),
        /** Copying of that queue stops, with a clear status, until an operator steps in. */
        BLOCK("block");

        private final String text;

        OnError(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }
}
