package dev.ferry.copy;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * Tells a message the target refuses for good from a send that may work when tried again, and describes any
 * failure in one line ({@link #describe}: the one description of a failure in Ferry, the command line's too).
 *
 * <p>Only a refusal of the message itself is permanent: RocketMQ answers {@code MESSAGE_ILLEGAL} for a body or
 * properties over the broker's limits (and, inside a batch, a system error saying the size was exceeded).
 * Everything else — timeouts, a broker that is down, busy
 * ({@code [TIMEOUT_CLEAN_QUEUE] broker busy}), flow control, missing permissions or a missing topic — is a
 * state of the target that an operator or time fixes, so the message waits on the source and is retried.
 */
public final class SendFailure {

    private SendFailure() {
    }

    static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MQBrokerException broker && (broker.getResponseCode() == ResponseCode.MESSAGE_ILLEGAL
                || broker.getResponseCode() == ResponseCode.SYSTEM_ERROR && String.valueOf(broker.getErrorMessage())
                    .contains("size exceeded"))) {
                // RocketMQ 5.5 answers an oversized message inside a batch with SYSTEM_ERROR and this text.
                return true;
            }
            if (t instanceof MQClientException client && client.getResponseCode() == ResponseCode.MESSAGE_ILLEGAL) {
                return true;
            }
        }
        return false;
    }

    /** The broker refused the request for a missing right (ACL 2.0: {@code NO_PERMISSION}, 16). */
    static boolean isPermissionDenied(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MQBrokerException broker && broker.getResponseCode() == ResponseCode.NO_PERMISSION) {
                return true;
            }
        }
        return false;
    }

    /**
     * Any failure in one line, for logs, a link's status and the command line: Ferry's one description of a
     * {@link Throwable}.
     *
     * <ul>
     *   <li>RocketMQ's own exceptions by their answer: a broker's response code and message, a client's message
     *       without the "CODE: n DESC:" prefix;</li>
     *   <li>otherwise the innermost cause's message (RocketMQ's remoting wrappers say only where: "send request
     *       to 10.0.0.1:10911 failed"; the cause says why), unless an outer message already carries it with
     *       more context (Ferry's own "what failed: why"), and never a bare wrapper that only repeats its cause
     *       ({@code java.io.IOException: ...});</li>
     *   <li>the first line only: RocketMQ puts its FAQ link on a line of its own.</li>
     * </ul>
     */
    public static String describe(Throwable failure) {
        String text;
        if (failure instanceof MQBrokerException broker) {
            text = "broker answered " + broker.getResponseCode() + ": " + broker.getErrorMessage();
        } else if (failure instanceof MQClientException client && client.getErrorMessage() != null) {
            text = client.getErrorMessage();
        } else {
            text = mostTelling(failure);
        }
        return firstLine(text);
    }

    /** The outermost message that carries the innermost cause's, or else the innermost one. */
    private static String mostTelling(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        for (Throwable t = failure; t != root; t = t.getCause()) {
            String said = t.getMessage();
            boolean bareWrapper = said == null || said.equals(t.getCause().toString());
            if (!bareWrapper && firstLine(said).contains(firstLine(why))) {
                return said;
            }
        }
        return why;
    }

    private static String firstLine(String text) {
        int cut = text.indexOf('\n');
        return (cut < 0 ? text : text.substring(0, cut)).strip();
    }
}
