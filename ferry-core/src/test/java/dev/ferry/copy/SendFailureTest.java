package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.remoting.exception.RemotingConnectException;
import org.apache.rocketmq.remoting.exception.RemotingSendRequestException;
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

    @Test
    void describesRocketMqsExceptionsByTheirAnswerWithoutTheFaqLink() {
        assertThat(SendFailure.describe(new MQBrokerException(ResponseCode.NO_PERMISSION, "no Pub on Topic:orders")))
            .isEqualTo("broker answered 16: no Pub on Topic:orders");
        assertThat(SendFailure.describe(new MQClientException(ResponseCode.MESSAGE_ILLEGAL, "too big")))
            .isEqualTo("too big");
        assertThat(SendFailure.describe(new MQClientException("Send [3] times, still failed",
            new RemotingConnectException("127.0.0.1:1")))).isEqualTo("Send [3] times, still failed");
    }

    @Test
    void describesByTheCauseWhereTheWrapperSaysOnlyWhere() {
        assertThat(SendFailure.describe(new RemotingSendRequestException("10.0.0.1:10911",
            new IOException("Connection reset by peer")))).isEqualTo("Connection reset by peer");
        assertThat(SendFailure.describe(new RuntimeException(new IOException("Connection reset by peer"))))
            .as("a bare wrapper that repeats its cause").isEqualTo("Connection reset by peer");
        assertThat(SendFailure.describe(new IllegalStateException("wrapped", new InterruptedException())))
            .isEqualTo("InterruptedException");
    }

    @Test
    void keepsAnOuterMessageThatAlreadyCarriesTheCause() {
        IOException why = new IOException("Permission denied\nsecond line");
        assertThat(SendFailure.describe(new UncheckedIOException("cannot write the trust bundle: "
            + why.getMessage(), why))).isEqualTo("cannot write the trust bundle: Permission denied");
        assertThat(SendFailure.describe(new IllegalStateException("no master broker online")))
            .isEqualTo("no master broker online");
    }
}
