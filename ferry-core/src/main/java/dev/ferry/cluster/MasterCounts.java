package dev.ferry.cluster;

import java.util.List;
import java.util.Optional;
import java.util.function.BinaryOperator;
import org.apache.rocketmq.remoting.RemotingClient;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * Figures combined over a cluster's masters, each asked on its own ({@link TimerWatch}, {@link PendingDelays}): a
 * master that does not say (it refuses, does not answer, or is of a version without the request) makes the whole
 * unknown, never smaller.
 */
final class MasterCounts {

    private MasterCounts() {
    }

    /** One master's figures; throws when the master does not say. */
    interface Figures<T> {
        T of(String master) throws Exception;
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
            throw new Refused(master + " refused request " + requestCode + ": " + response.getRemark(),
                response.getCode() == ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
        }
        return response.getBody();
    }

    /** A master's refusal of a request; {@link #unknownRequest} when its version does not know the request at all. */
    static final class Refused extends IllegalStateException {
        private final boolean unknownRequest;

        Refused(String message, boolean unknownRequest) {
            super(message);
            this.unknownRequest = unknownRequest;
        }

        boolean unknownRequest() {
            return unknownRequest;
        }
    }
}
