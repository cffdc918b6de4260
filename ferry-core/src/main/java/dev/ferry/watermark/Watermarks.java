package dev.ferry.watermark;

import org.apache.rocketmq.common.message.MessageQueue;

/**
 * What of each source queue the target already holds: the copier skips every message at or below a queue's
 * watermark, since its copy is stored already (see {@link TargetWatermarks} for why that is exact).
 */
public interface Watermarks {

    /** No copy of the queue is on the target: nothing to skip. */
    long NONE = -1;

    /** At-least-once delivery: nothing is ever skipped, nothing read. */
    Watermarks OFF = new Watermarks() {
        @Override
        public long upTo(MessageQueue source) {
            return NONE;
        }

        @Override
        public void unsure(MessageQueue source) {
        }
    };

    /**
     * The highest offset of {@code source} whose copy the target holds, or {@link #NONE}. Read from the target
     * when this process has just taken the queue, or after {@link #unsure}; remembered otherwise.
     *
     * @throws Unknown when the target cannot tell now (not answering): copy nothing of the queue until it can
     */
    long upTo(MessageQueue source) throws Unknown;

    /**
     * A send of {@code source} ended without saying whether the target stored it (a timeout, a closed
     * connection): the next {@link #upTo} reads the target again rather than trust what it remembers.
     */
    void unsure(MessageQueue source);

    /** The target could not say what it holds of a queue now. */
    final class Unknown extends Exception {
        public Unknown(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
