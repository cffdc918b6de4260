package dev.ferry.cluster;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

/**
 * The TLS context of one cluster's RocketMQ clients. RocketMQ asks it for a handler as it sets up each connection,
 * before it connects, so the engine cannot be told its peer; the handler given here notes the address the
 * connection reaches, for {@link PeerCheckingTrustManager}, before the handshake it starts once connected:
 *
 * <pre>
 *   RocketMQ: initChannel ──▶ newHandler(alloc)          engine made, peer unknown
 *             connect(broker-a:10911) ──▶ channelActive  dialed[engine] = broker-a:10911, then handshake
 *   JDK:      checkServerTrusted(chain, engine) ──▶ dialed[engine]: does the certificate name it?
 * </pre>
 */
final class PeerRecordingSslContext extends SslContext {

    private final SslContext delegate;
    private final Map<SSLEngine, InetSocketAddress> dialed;

    PeerRecordingSslContext(SslContext delegate, Map<SSLEngine, InetSocketAddress> dialed) {
        this.delegate = delegate;
        this.dialed = dialed;
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
        return new PeerRecordingHandler(delegate.newEngine(alloc), startTls, dialed);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
        return new PeerRecordingHandler(delegate.newEngine(alloc), startTls, executor, dialed);
    }

    @Override
    public boolean isClient() {
        return delegate.isClient();
    }

    @Override
    public List<String> cipherSuites() {
        return delegate.cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return delegate.applicationProtocolNegotiator();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return delegate.newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return delegate.newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public SSLSessionContext sessionContext() {
        return delegate.sessionContext();
    }

    /** Notes where its connection goes before its handshake starts (on connect, or when added to a live one). */
    private static final class PeerRecordingHandler extends SslHandler {

        private final Map<SSLEngine, InetSocketAddress> dialed;

        PeerRecordingHandler(SSLEngine engine, boolean startTls, Map<SSLEngine, InetSocketAddress> dialed) {
            super(engine, startTls);
            this.dialed = dialed;
        }

        PeerRecordingHandler(SSLEngine engine, boolean startTls, Executor executor,
                             Map<SSLEngine, InetSocketAddress> dialed) {
            super(engine, startTls, executor);
            this.dialed = dialed;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
            note(ctx);
            super.handlerAdded(ctx);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            note(ctx);
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            dialed.remove(engine());
            super.channelInactive(ctx);
        }

        private void note(ChannelHandlerContext ctx) {
            SocketAddress remote = ctx.channel().remoteAddress();
            if (remote instanceof InetSocketAddress address) {
                dialed.put(engine(), address);
            }
        }
    }
}
