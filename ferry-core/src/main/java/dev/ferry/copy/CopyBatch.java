package dev.ferry.copy;

import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Copies of consecutive messages of one source queue, stamped and encoded once, that go to the target in one
 * send: the target stores them in one piece, one after the other.
 */
final class CopyBatch {

    /**
     * A source message and its stamped copy.
     *
     * @param forged the source's stamp was not trusted: it is copied as a local message
     */
    record Copy(MessageExt original, Batches.Entry entry, boolean forged) {

        /** When the message was first stored, on its origin cluster (the stamp carries it across hops). */
        long originTimeMillis() {
            long stamped = entry.originTimeMillis();
            return stamped < 0 ? original.getStoreTimestamp() : stamped;
        }
    }

    /**
     * What a copy may take beyond its encoding when the target checks a batch's size: RocketMQ 4.9.0-4.9.3 check it as
     * stored, each message with its store header and topic (about 90 bytes and the topic's length) where the batch
     * carries 22 bytes of its own; 5.x and 4.9.4 on check the bytes sent.
     */
    static final int STORED_OVERHEAD_BYTES = 256;

    private final List<Copy> copies;

    private CopyBatch(List<Copy> copies) {
        this.copies = copies;
    }

    /**
     * The copies in order, in batches of at most {@code maxMessages} and {@code maxBytes}, each copy counted with its
     * encoding and {@link #STORED_OVERHEAD_BYTES}.
     */
    static List<CopyBatch> split(List<Copy> copies, int maxMessages, int maxBytes) {
        List<CopyBatch> batches = new ArrayList<>();
        for (List<Copy> part : Batches.split(copies, c -> c.entry().size() + STORED_OVERHEAD_BYTES, maxMessages,
            maxBytes)) {
            batches.add(new CopyBatch(part));
        }
        return batches;
    }

    /** The batch as one message for the producer. */
    Message join() {
        List<Batches.Entry> entries = new ArrayList<>(copies.size());
        for (Copy copy : copies) {
            entries.add(copy.entry());
        }
        return Batches.join(entries);
    }

    int size() {
        return copies.size();
    }

    List<Copy> copies() {
        return copies;
    }

    /** Batches of one copy each, in order: to find the one the target refuses. */
    List<CopyBatch> singles() {
        return copies.stream().map(copy -> new CopyBatch(List.of(copy))).toList();
    }

    long[] sourceOffsets() {
        long[] offsets = new long[copies.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = copies.get(i).original().getQueueOffset();
        }
        return offsets;
    }

    /** The source offset after the batch's last message. */
    long nextOffset() {
        return copies.get(copies.size() - 1).original().getQueueOffset() + 1;
    }

    long bodyBytes() {
        long bytes = 0;
        for (Copy copy : copies) {
            bytes += copy.entry().bodyLength();
        }
        return bytes;
    }

    /** The copies whose source stamp was not trusted. */
    List<Copy> forged() {
        return copies.stream().filter(Copy::forged).toList();
    }
}
