package dev.ferry.bench;

import java.util.Arrays;
import org.apache.rocketmq.common.message.Message;

/**
 * The benchmark's messages: a body of the asked size, a tag, a key and three properties, as a business message
 * would carry. Every writer of the run (ceiling, source fill, live load) makes the same ones.
 */
final class BenchMessages {

    static final String RUN = "bench-run";
    static final String SEQ = "bench-seq";

    private final byte[] body;

    BenchMessages(int bodyBytes) {
        body = new byte[bodyBytes];
        // Not all zeros: a body that compresses to nothing would flatter any link that compresses.
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + (i * 7919) % 26);
        }
    }

    Message message(String topic, String run, long seq) {
        Message message = new Message(topic, "tag-" + (seq % 8), run + "-" + seq, Arrays.copyOf(body, body.length));
        message.putUserProperty(RUN, run);
        message.putUserProperty(SEQ, Long.toString(seq));
        message.putUserProperty("region", seq % 2 == 0 ? "east" : "west");
        return message;
    }

    int bodyBytes() {
        return body.length;
    }
}
