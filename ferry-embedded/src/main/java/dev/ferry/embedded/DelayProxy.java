package dev.ferry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy that puts distance between a client and a server on one machine: every chunk of bytes reaches the
 * other side a one-way delay after it was read, in each direction, so a request and its answer take twice the
 * delay. What the kernel's {@code netem} does, for machines without it (and loopback only).
 *
 * <pre>
 *   client ──► listen address ──[chunk read at t, written at t + delay]──► forward address (server)
 *   client ◄──────────────────────[chunk read at t, written at t + delay]◄──
 * </pre>
 *
 * <p>A delay, not a bandwidth limit: each chunk read is stamped with its due time and queued; many chunks are in
 * flight at once, as bytes on a long fat pipe are. Order per direction holds because a chunk is never due before
 * the one read before it ({@code due = max(now + delay, previous due)}), so lowering the delay while bytes are in
 * flight delays the new ones a little more instead of overtaking. The delay can be changed at any time
 * ({@link #delay(Duration)}); it applies to chunks read from then on. A connection is accepted and connected to the
 * server at once (only data is delayed); when either side closes, the bytes it sent before are still delivered,
 * then both sides are closed. A direction holding more than {@value #MAX_QUEUED_BYTES} bytes stops reading until
 * it drains, as TCP's window would stop a sender whose receiver does not read (a paused process, say).
 *
 * <p>One thread does everything, with java.nio: a selector for accepts, connects, reads and writes, its select
 * timed to the next chunk due. No lock is needed on a connection's state, and {@link #close()} stops the thread
 * and closes every socket it opened.
 */
public final class DelayProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DelayProxy.class);
    /** How the name of a proxy's thread starts (the benchmark counts their CPU apart). */
    public static final String THREAD_NAME_PREFIX = "ferry-delay-proxy-";
    /** Beyond this many bytes waiting in one direction, its sender is not read from until they are written. */
    static final int MAX_QUEUED_BYTES = 4 * 1024 * 1024;
    private static final int READ_BUFFER = 64 * 1024;

    private final String name;
    private final Selector selector;
    private final Thread thread;
    /** Work handed to the proxy's thread by others (listening on a new address); run by it between selects. */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Set<Connection> connections = new HashSet<>();
    /** Every listening socket, closed by the proxy's thread when it stops, registered with its selector or not. */
    private final List<ServerSocketChannel> listeners = new CopyOnWriteArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile long delayNanos;
    private volatile boolean closing;
    private volatile int openConnections;

    private DelayProxy(String name, Duration oneWayDelay) throws IOException {
        this.name = name;
        this.delayNanos = checkDelay(oneWayDelay);
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, THREAD_NAME_PREFIX + name);
        this.thread.setDaemon(true);
    }

    /**
     * A proxy delaying each direction by {@code oneWayDelay}, forwarding nothing yet: see
     * {@link #forward(InetSocketAddress, InetSocketAddress)}.
     *
     * @param name names its thread, for thread dumps
     */
    public static DelayProxy start(String name, Duration oneWayDelay) {
        try {
            DelayProxy proxy = new DelayProxy(name, oneWayDelay);
            proxy.thread.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("delay proxy '" + name + "': cannot open a selector", e);
        }
    }

    /**
     * Listens on {@code listen} (port 0: any free one) and forwards every connection to {@code to}.
     *
     * @return the address it listens on
     * @throws UncheckedIOException when it cannot listen there
     */
    public InetSocketAddress forward(InetSocketAddress listen, InetSocketAddress to) {
        Objects.requireNonNull(to, "to");
        if (closing) {
            throw new IllegalStateException("delay proxy '" + name + "' is closed");
        }
        ServerSocketChannel server;
        try {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(listen);
            server.configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("delay proxy '" + name + "': cannot listen on " + listen, e);
        }
        InetSocketAddress bound;
        try {
            bound = (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            closeQuietly(server);
            throw new UncheckedIOException(e);
        }
        listeners.add(server);
        if (stopped.getCount() == 0) {
            closeQuietly(server);
            throw new IllegalStateException("delay proxy '" + name + "' is closed");
        }
        // Registered by the proxy's thread: registering from another thread blocks while it selects.
        tasks.add(() -> {
            try {
                server.register(selector, SelectionKey.OP_ACCEPT, to);
            } catch (IOException e) {
                LOG.warn("delay proxy '{}': cannot accept on {}: {}", name, bound, e.toString());
                closeQuietly(server);
            }
        });
        selector.wakeup();
        LOG.info("delay proxy '{}': {} -> {}, {} ms each way", name, bound, to, delay().toMillis());
        return bound;
    }

    /**
     * A proxy at 0 ms in front of a cluster's servers: from {@link EmbeddedCluster#PROXIED_HOST} to
     * {@link EmbeddedCluster#LOCALHOST} on each port given (NameServer, brokers) and each broker's fast port
     * ({@code port - 2}, for clients with RocketMQ's VIP channel on).
     */
    static DelayProxy inFrontOf(String clusterName, int namesrvPort, List<Integer> brokerPorts) {
        List<Integer> ports = new ArrayList<>(List.of(namesrvPort));
        for (int brokerPort : brokerPorts) {
            for (int port : Ports.brokerPorts(brokerPort)) {
                ports.add(port);
            }
        }
        DelayProxy proxy = start(clusterName, Duration.ZERO);
        try {
            for (int port : ports) {
                proxy.forward(new InetSocketAddress(EmbeddedCluster.PROXIED_HOST, port),
                    new InetSocketAddress(EmbeddedCluster.LOCALHOST, port));
            }
            return proxy;
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
    }

    /** Sets the one-way delay of every chunk read from now on, in both directions and on every connection. */
    public void delay(Duration oneWayDelay) {
        delayNanos = checkDelay(oneWayDelay);
    }

    /** The one-way delay; the round trip is twice as long. */
    public Duration delay() {
        return Duration.ofNanos(delayNanos);
    }

    /** Connections open through the proxy right now. */
    public int connections() {
        return openConnections;
    }

    private static boolean joined(Thread thread) throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(10));
        return !thread.isAlive();
    }

    /** Closes every connection and listening socket and stops the proxy's thread. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            // Joined, not only awaited: once close returns, the proxy's thread is gone.
            if (Thread.currentThread() != thread && thread.isAlive() && !joined(thread)) {
                LOG.warn("delay proxy '{}': its thread did not stop within 10 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "DelayProxy[" + name + ", " + delay().toMillis() + " ms each way]";
    }

    private void loop() {
        try {
            while (!closing) {
                long wait = millisUntilNextDue();
                if (wait == 0) {
                    selector.selectNow();
                } else {
                    selector.select(wait < 0 ? 0 : wait);
                }
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
                for (Connection connection : new ArrayList<>(connections)) {
                    connection.writeDue();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("delay proxy '{}' stopped on an error: {}", name, e.toString(), e);
        } finally {
            new ArrayList<>(connections).forEach(Connection::close);
            listeners.forEach(DelayProxy::closeQuietly);
            closeQuietly(selector);
            stopped.countDown();
        }
    }

    /** 0: something is due now; -1: nothing is waiting. */
    private long millisUntilNextDue() {
        long next = Long.MAX_VALUE;
        for (Connection connection : connections) {
            next = Math.min(next, connection.nextDue());
        }
        if (next == Long.MAX_VALUE) {
            return -1;
        }
        long nanos = next - System.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void handle(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.attachment() instanceof InetSocketAddress to) {
            accept((ServerSocketChannel) key.channel(), to);
            return;
        }
        Connection connection = (Connection) key.attachment();
        try {
            if (key.isConnectable() && ((SocketChannel) key.channel()).finishConnect()) {
                connection.connected = true;
            }
            if (key.isValid() && key.isReadable()) {
                connection.read((SocketChannel) key.channel());
            }
            if (key.isValid() && key.isWritable()) {
                connection.writeDue();
            }
            connection.updateInterest();
        } catch (IOException | RuntimeException e) {
            connection.close();
        }
    }

    private void accept(ServerSocketChannel server, InetSocketAddress to) {
        SocketChannel client = null;
        SocketChannel upstream = null;
        try {
            client = server.accept();
            if (client == null) {
                return;
            }
            client.configureBlocking(false);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            upstream = SocketChannel.open();
            upstream.configureBlocking(false);
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = upstream.connect(to);
            Connection connection = new Connection(client, upstream, connected);
            connections.add(connection);
            openConnections = connections.size();
            connection.updateInterest();
        } catch (IOException e) {
            LOG.debug("delay proxy '{}': cannot forward a connection to {}: {}", name, to, e.toString());
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static long checkDelay(Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("a delay must be zero or more, not " + delay);
        }
        return delay.toNanos();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** A chunk of bytes read from one side, to be written to the other at {@code due} (System.nanoTime). */
    private record Chunk(long due, ByteBuffer bytes) {
    }

    /** The bytes on their way from one socket to the other, in the order they were read. */
    private final class Direction {
        final SocketChannel from;
        final SocketChannel to;
        final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
        long queuedBytes;
        long lastDue = Long.MIN_VALUE;
        /** The sender closed its side: once its chunks are written, the connection closes. */
        boolean ended;
        /** {@code to} took only part of a chunk that is due: wait until it is writable. */
        boolean stalled;

        Direction(SocketChannel from, SocketChannel to) {
            this.from = from;
            this.to = to;
        }

        /** Reads what {@code from} has; false at its end of stream. */
        boolean read() throws IOException {
            readBuffer.clear();
            int n = from.read(readBuffer);
            if (n < 0) {
                ended = true;
                return false;
            }
            if (n > 0) {
                readBuffer.flip();
                ByteBuffer copy = ByteBuffer.allocate(n);
                copy.put(readBuffer).flip();
                long due = Math.max(System.nanoTime() + delayNanos, lastDue);
                lastDue = due;
                chunks.add(new Chunk(due, copy));
                queuedBytes += n;
            }
            return true;
        }

        /** Writes the chunks that are due, as far as {@code to} takes them. */
        void writeDue() throws IOException {
            stalled = false;
            long now = System.nanoTime();
            while (!chunks.isEmpty() && chunks.peek().due() - now <= 0) {
                Chunk head = chunks.peek();
                queuedBytes -= to.write(head.bytes());
                if (head.bytes().hasRemaining()) {
                    stalled = true;
                    return;
                }
                chunks.poll();
            }
        }

        /** The due time of the next chunk to write; none while {@code to} does not take what is due. */
        long nextDue() {
            Chunk head = chunks.peek();
            return head == null || stalled ? Long.MAX_VALUE : head.due();
        }

        boolean drained() {
            return chunks.isEmpty();
        }

        boolean mayRead() {
            return !ended && queuedBytes < MAX_QUEUED_BYTES;
        }
    }

    /** One client connection and its connection to the server. */
    private final class Connection {
        final SocketChannel client;
        final SocketChannel server;
        final Direction toServer;
        final Direction toClient;
        boolean connected;
        boolean closed;

        Connection(SocketChannel client, SocketChannel server, boolean connected) throws IOException {
            this.client = client;
            this.server = server;
            this.connected = connected;
            this.toServer = new Direction(client, server);
            this.toClient = new Direction(server, client);
            client.register(selector, 0, this);
            server.register(selector, 0, this);
        }

        void read(SocketChannel channel) throws IOException {
            Direction direction = channel == client ? toServer : toClient;
            direction.read();
        }

        void writeDue() {
            if (closed) {
                return;
            }
            if (!connected) {
                return;
            }
            try {
                toServer.writeDue();
                toClient.writeDue();
                if ((toServer.ended && toServer.drained()) || (toClient.ended && toClient.drained())) {
                    close();
                    return;
                }
                updateInterest();
            } catch (IOException | RuntimeException e) {
                close();
            }
        }

        /** When the next chunk is due to be written, in either direction; none before the server is connected. */
        long nextDue() {
            return connected ? Math.min(toServer.nextDue(), toClient.nextDue()) : Long.MAX_VALUE;
        }

        /** What each socket waits for: to connect, to be read (unless its direction is full), to be written. */
        void updateInterest() {
            if (closed) {
                return;
            }
            int clientOps = (toServer.mayRead() ? SelectionKey.OP_READ : 0)
                | (toClient.stalled ? SelectionKey.OP_WRITE : 0);
            int serverOps = !connected ? SelectionKey.OP_CONNECT
                : (toClient.mayRead() ? SelectionKey.OP_READ : 0) | (toServer.stalled ? SelectionKey.OP_WRITE : 0);
            client.keyFor(selector).interestOps(clientOps);
            server.keyFor(selector).interestOps(serverOps);
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(client);
            closeQuietly(server);
            connections.remove(this);
            openConnections = connections.size();
        }
    }
}
