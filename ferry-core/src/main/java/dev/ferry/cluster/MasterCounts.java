package dev.ferry.cluster;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BinaryOperator;
import org.apache.rocketmq.remoting.RemotingClient;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * A figure summed over a cluster's masters, each asked on its own ({@link PendingTimers}, {@link PendingDelays}):
 * a master that does not say (it refuses, does not answer, or is of a version without the request) makes the
 * sum unknown, never smaller.
 */
final class MasterCounts {

    /** One master's figure; throws when the master does not say. */
    interface Count {
        long of(String master) throws Exception;
    }

    private MasterCounts() {
    }

    /** One master's figures; throws when the master does not say. */
    interface Figures<T> {
        T of(String master) throws Exception;
    }

    /** The sum of every master's figure; empty when one does not say. */
    static OptionalLong sum(List<String> masters, Count count) throws InterruptedException {
        Optional<Long> sum = combine(masters, 0L, count::of, Long::sum);
        return sum.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** Every master's figures, combined from {@code none}; empty when one does not say. */
    static <T> Optional<T> combine(List<String> masters, T none, Figures<T> figures, BinaryOperator<T> combined)
        throws InterruptedException {
        T all = none;
        for (String master : masters) {
            T one;
            try {
                one = figures.of(master);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                return Optional.empty();
            }
            all = combined.apply(all, one);
        }
        return Optional.of(all);
    }

    /** The body of a master's answer to a request without a header (null when it has none); throws on a refusal. */
    static byte[] ask(RemotingClient client, String master, int requestCode, long timeoutMillis) throws Exception {
        RemotingCommand response = client.invokeSync(master, RemotingCommand.createRequestCommand(requestCode, null),
            timeoutMillis);
        if (response.getCode() != ResponseCode.SUCCESS) {
            throw new IllegalStateException(master + " refused request " + requestCode + ": " + response.getRemark());
        }
        return response.getBody();
    }
}
