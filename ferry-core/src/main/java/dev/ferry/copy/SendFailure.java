package dev.ferry.copy;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * Tells a message the target refuses for good from a send that may work when tried again.
 *
 * <p>Only a refusal of the message itself is permanent: RocketMQ answers {@code MESSAGE_ILLEGAL} for a body or
 * properties over the broker's limits (and, inside a batch, a system error saying the size was exceeded).
 * Everything else — timeouts, a broker that is down, busy
 * ({@code [TIMEOUT_CLEAN_QUEUE] broker busy}), flow control, missing permissions or a missing topic — is a
 * state of the target that an operator or time fixes, so the message waits on the source and is retried.
 */
final class SendFailure {

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

    /** One line for logs and status: the innermost message that says something. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        if (failure instanceof MQBrokerException broker) {
            text = "broker answered " + broker.getResponseCode() + ": " + broker.getErrorMessage();
        } else if (failure instanceof MQClientException client && client.getErrorMessage() != null) {
            text = client.getErrorMessage();
        }
        int cut = text.indexOf('\n');
        text = cut < 0 ? text : text.substring(0, cut);
        // RocketMQ appends a FAQ URL to most client messages; it says nothing about this failure.
        int faq = text.indexOf("\nSee http");
        return faq < 0 ? text.strip() : text.substring(0, faq).strip();
    }
}
