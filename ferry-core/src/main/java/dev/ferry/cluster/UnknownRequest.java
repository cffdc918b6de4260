package dev.ferry.cluster;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * A broker's answer that it does not know a request ("request type N not supported"): what a RocketMQ 4.x broker
 * answers the 5.x-only requests of Ferry's 5.5.0 client, such as GET_TOPIC_CONFIG (351) or GET_TIMER_METRICS (61).
 * The feature is absent on that cluster, not failing: callers go without it and say so once.
 */
final class UnknownRequest {

    private UnknownRequest() {
    }

    /** Whether {@code e}, or one of its causes, is a broker's REQUEST_CODE_NOT_SUPPORTED answer. */
    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MQBrokerException broker && broker.getResponseCode() == ResponseCode.REQUEST_CODE_NOT_SUPPORTED) {
                return true;
            }
        }
        return false;
    }
}
