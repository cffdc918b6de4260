package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Compares message IDs by set difference, in linear time: AssertJ's {@code containsExactlyInAnyOrder} is
 * quadratic, minutes for the tens of thousands of messages these tests move; and a failure names just the
 * missing and unexpected IDs, not every ID.
 */
public final class MessageIds {

    private MessageIds() {
    }

    public static Set<String> of(Collection<MessageExt> messages) {
        return messages.stream().map(MessageExt::getMsgId).collect(Collectors.toCollection(HashSet::new));
    }

    /** Every message appears once, and the IDs are exactly {@code expected}. */
    public static void assertExactlyOnce(List<MessageExt> messages, Collection<String> expected, String where) {
        Set<String> actual = of(messages);
        assertThat(messages).as("%s: messages read (duplicates count)", where).hasSize(actual.size());
        assertSame(actual, expected, where);
    }

    public static void assertSame(Set<String> actual, Collection<String> expected, String where) {
        Set<String> wanted = new HashSet<>(expected);
        Set<String> missing = new HashSet<>(wanted);
        missing.removeAll(actual);
        Set<String> unexpected = new HashSet<>(actual);
        unexpected.removeAll(wanted);
        assertThat(missing).as("%s: missing message IDs", where).isEmpty();
        assertThat(unexpected).as("%s: unexpected message IDs", where).isEmpty();
    }
}
