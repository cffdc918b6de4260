package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.remoting.exception.RemotingConnectException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

class SendFailureTest {

    @Test
    void onlyAnIllegalMessageIsPermanent() {
        assertThat(SendFailure.isPermanent(new MQBrokerException(ResponseCode.MESSAGE_ILLEGAL, "too big"))).isTrue();
        assertThat(SendFailure.isPermanent(new MQClientException(ResponseCode.MESSAGE_ILLEGAL, "too big"))).isTrue();
        assertThat(SendFailure.isPermanent(new MQClientException("wrapped",
            new MQBrokerException(ResponseCode.MESSAGE_ILLEGAL, "too big")))).isTrue();
        assertThat(SendFailure.isPermanent(new MQBrokerException(ResponseCode.SYSTEM_ERROR,
            "java.lang.RuntimeException: message body size exceeded"))).isTrue();

        assertThat(SendFailure.isPermanent(new MQBrokerException(ResponseCode.SYSTEM_ERROR, "disk full"))).isFalse();
        assertThat(SendFailure.isPermanent(new MQBrokerException(ResponseCode.SYSTEM_BUSY,
            "[TIMEOUT_CLEAN_QUEUE] broker busy"))).isFalse();
        assertThat(SendFailure.isPermanent(new MQBrokerException(ResponseCode.NO_PERMISSION, "no"))).isFalse();
        assertThat(SendFailure.isPermanent(new MQBrokerException(ResponseCode.TOPIC_NOT_EXIST, "no"))).isFalse();
        assertThat(SendFailure.isPermanent(new RemotingConnectException("127.0.0.1:1"))).isFalse();
    }

    @Test
    void describesInOneLine() {
        String text = SendFailure.describe(new MQBrokerException(ResponseCode.MESSAGE_ILLEGAL, "message too large"));
        assertThat(text).contains("13").contains("message too large").doesNotContain("\n");
    }
}
