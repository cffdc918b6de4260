package dev.ferry.client.consumer;

import dev.ferry.client.ProcessedMessages;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The messages of one push batch that the application gets to process, with the keys claimed for them and
 * their positions in the batch RocketMQ delivered. Each claim ends in one of {@link #doneFirst(int)},
 * {@link #doneAll()} or {@link #releaseAll()}.
 */
final class BatchClaims {

    private final ProcessedMessages store;
    private final List<MessageExt> messages = new ArrayList<>();
    /** Per message; null for a message without a key, which has no claim. */
    private final List<String> keys = new ArrayList<>();
    private final List<Integer> positions = new ArrayList<>();

    BatchClaims(ProcessedMessages store) {
        this.store = store;
    }

    /** Adds a message whose key ({@code null}: none) the caller has claimed. */
    void add(MessageExt message, String key, int position) {
        messages.add(message);
        keys.add(key);
        positions.add(position);
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    int size() {
        return messages.size();
    }

    /** The messages for the application, in batch order. */
    List<MessageExt> messages() {
        return new ArrayList<>(messages);
    }

    /** Where the {@code index}-th message of {@link #messages()} was in the delivered batch. */
    int position(int index) {
        return positions.get(index);
    }

    /** Marks the first {@code count} messages done and releases the others. */
    void doneFirst(int count) {
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (key == null) {
                continue;
            }
            if (i < count) {
                Marking.done(store, key, messages.get(i));
            } else {
                Marking.release(store, key);
            }
        }
    }

    void doneAll() {
        doneFirst(keys.size());
    }

    void releaseAll() {
        doneFirst(0);
    }
}
