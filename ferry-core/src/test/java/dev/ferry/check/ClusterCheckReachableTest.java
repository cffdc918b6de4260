package dev.ferry.check;

import static dev.ferry.check.ClusterCheckTest.cluster;
import static dev.ferry.check.ClusterCheckTest.configOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.check.ClusterCheck.Result;
import dev.ferry.check.ClusterCheck.Status;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.testing.ClusterPair;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.common.TlsMode;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClusterCheck} against clusters that answer: an embedded one, and a NameServer without brokers. */
class ClusterCheckReachableTest {

    @Test
    void countsTheBrokersOfAClusterThatAnswers() throws Exception {
        // One region of the shared pair: the check only reads it.
        EmbeddedCluster hangzhou = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH).a();
        FerryConfig config = configOf(cluster("hangzhou", hangzhou.namesrvAddr()));

        // The broker registers with the NameServer on its own schedule, right after it starts.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ClusterCheck.check(config))
            .containsExactly(new Result("hangzhou", Status.OK, 1,
                "cluster 'hangzhou' (" + hangzhou.namesrvAddr() + "): OK, 1 broker")));
    }

    @Test
    void refusesANameServerWithoutBrokers(@TempDir Path dir) throws Exception {
        NamesrvController namesrv = bareNameServer(dir);
        try {
            String address = "127.0.0.1:" + namesrv.getRemotingServer().localListenPort();

            assertThat(ClusterCheck.check(configOf(cluster("hangzhou", address)))).containsExactly(
                new Result("hangzhou", Status.FAILED, 0,
                    "cluster 'hangzhou' (" + address + "): reachable, but no broker is registered"));
        } finally {
            namesrv.shutdown();
        }
    }

    private static NamesrvController bareNameServer(Path dir) throws Exception {
        // As EmbeddedCluster does: without TLS, a first server in a fresh JVM spends seconds making a certificate.
        if (System.getProperty(TlsSystemConfig.TLS_SERVER_MODE) == null) {
            TlsSystemConfig.tlsMode = TlsMode.DISABLED;
        }
        NettyServerConfig server = new NettyServerConfig();
        server.setListenPort(0);
        server.setBindAddress("127.0.0.1");
        NamesrvConfig config = new NamesrvConfig();
        config.setKvConfigPath(dir.resolve("kvConfig.json").toString());
        config.setConfigStorePath(dir.resolve("namesrv.properties").toString());
        NamesrvController namesrv = new NamesrvController(config, server, new NettyClientConfig());
        assertThat(namesrv.initialize()).as("NameServer initialized").isTrue();
        namesrv.start();
        return namesrv;
    }
}
