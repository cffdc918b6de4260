package dev.ferry.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delay proxy between a test client and an echo server: bytes, order, delay, closing. No broker. */
class DelayProxyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> serverSides = new CopyOnWriteArrayList<>();
    private ServerSocket echo;
    private DelayProxy proxy;
    private InetSocketAddress proxied;

    @BeforeEach
    void echoServerBehindTheProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(() -> {
            while (!echo.isClosed()) {
                Socket socket = echo.accept();
                serverSides.add(socket);
                threads.submit(() -> echoAll(socket));
            }
            return null;
        });
        proxy = DelayProxy.start("test", Duration.ZERO);
        proxied = proxy.forward(new InetSocketAddress("127.0.0.2", 0),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
    }

    @AfterEach
    void close() throws Exception {
        proxy.close();
        echo.close();
        for (Socket socket : serverSides) {
            socket.close();
        }
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void bytesArriveIntactAndInOrderBothWaysOverManyChunks() throws Exception {
        proxy.delay(Duration.ofMillis(5));
        int chunks = 2_000;
        int chunkSize = 1_000; // 2 MB each way: many chunks in flight at once
        try (Socket client = connect()) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    byte[] chunk = new byte[chunkSize];
                    for (int c = 0; c < chunks; c++) {
                        for (int i = 0; i < chunkSize; i++) {
                            chunk[i] = pattern((long) c * chunkSize + i);
                        }
                        out.write(chunk);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[8_192];
            long received = 0;
            long total = (long) chunks * chunkSize;
            while (received < total) {
                int n = in.read(buffer);
                assertThat(n).as("the stream ended after %,d of %,d bytes", received, total).isPositive();
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != pattern(received + i)) { // one assertion per byte would take seconds
                        assertThat(buffer[i]).as("byte %,d", received + i).isEqualTo(pattern(received + i));
                    }
                }
                received += n;
            }
            sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(received).isEqualTo(total);
        }
    }

    @Test
    void aRoundTripTakesAtLeastTwiceTheDelay() throws Exception {
        proxy.delay(Duration.ofMillis(60));
        try (Socket client = connect()) {
            for (int i = 0; i < 3; i++) {
                assertThat(roundTrip(client, (byte) i)).isGreaterThanOrEqualTo(Duration.ofMillis(120));
            }
        }
    }

    @Test
    void theDelayChangesWhileConnectionsAreOpenAndNeverReordersBytes() throws Exception {
        try (Socket client = connect()) {
            roundTrip(client, (byte) 1);
            proxy.delay(Duration.ofMillis(80));
            assertThat(proxy.delay()).isEqualTo(Duration.ofMillis(80));
            assertThat(roundTrip(client, (byte) 2)).as("the connection opened at 0 ms")
                .isGreaterThanOrEqualTo(Duration.ofMillis(160));

            // A byte sent at 80 ms, then one at 0 ms: the second waits for the first.
            OutputStream out = client.getOutputStream();
            out.write(10);
            out.flush();
            proxy.delay(Duration.ZERO);
            out.write(11);
            out.flush();
            InputStream in = client.getInputStream();
            assertThat(in.read()).isEqualTo(10);
            assertThat(in.read()).isEqualTo(11);
        }
    }

    @Test
    void aSideThatClosesClosesTheOtherAfterWhatItSent() throws Exception {
        proxy.delay(Duration.ofMillis(20));
        // The client closes: the server reads what it sent, then its end.
        Socket client = connect();
        client.getOutputStream().write(new byte[] {1, 2, 3});
        await().atMost(TIMEOUT).until(() -> serverSides.size() == 1);
        Socket server = serverSides.get(0);
        client.close();
        await().atMost(TIMEOUT).until(() -> server.isClosed());
        await().atMost(TIMEOUT).until(() -> proxy.connections() == 0);

        // The server closes: the client reads its end.
        try (Socket second = connect()) {
            roundTrip(second, (byte) 7);
            serverSides.get(1).close();
            assertThat(second.getInputStream().read()).isEqualTo(-1);
        }
        await().atMost(TIMEOUT).until(() -> proxy.connections() == 0);
    }

    @Test
    void closingTheProxyClosesItsConnectionsAndStopsItsThread() throws Exception {
        try (Socket client = connect()) {
            roundTrip(client, (byte) 3);
            proxy.close();
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("ferry-delay-proxy-test"));
        try (Socket refused = new Socket()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> refused.connect(proxied, 2_000))
                .isInstanceOf(IOException.class);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(proxied, (int) TIMEOUT.toMillis());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        return socket;
    }

    private static Duration roundTrip(Socket client, byte value) throws IOException {
        long start = System.nanoTime();
        client.getOutputStream().write(value);
        client.getOutputStream().flush();
        assertThat(client.getInputStream().read()).isEqualTo(value & 0xff);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static byte pattern(long position) {
        return (byte) (position * 31 + (position >>> 8));
    }

    private static void echoAll(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[16_384];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException closed) {
            // the test closed it
        }
    }
}
