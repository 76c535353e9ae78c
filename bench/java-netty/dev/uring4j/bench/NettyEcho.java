package dev.uring4j.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty 4.2 echo contenders of {@link EchoBench}: one event loop thread (of the epoll or
 * the io_uring transport) that both accepts and serves every connection, as the uring4j
 * EchoServer runs on one EventLoop and the NIO baseline on one selector thread.
 *
 * <p>Kept in a source root of its own (bench/java-netty) so that the other benchmark sources
 * compile without Netty; EchoBench loads this class by name. The handler is the usual
 * efficient echo: write each buffer read back without a promise, flush once per read burst.
 * Buffers come from Netty's default allocator (in 4.2 the adaptive pooling allocator, direct
 * buffers). Accepted sockets keep the kernel's TCP_NODELAY default (off), as the uring4j and
 * NIO servers leave theirs (Netty would turn it on by itself); the clients set TCP_NODELAY
 * for every contender alike.
 */
public final class NettyEcho implements EchoBench.Server {
    private final EventLoopGroup group;
    private final ChannelFuture bound;
    private final String name;

    private NettyEcho(String transport, InetSocketAddress bind) throws InterruptedException {
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channel;
        switch (transport) {
            case "epoll":
                if (!Epoll.isAvailable()) {
                    throw new UnsupportedOperationException("Netty epoll transport unavailable: " + Epoll.unavailabilityCause());
                }
                factory = EpollIoHandler.newFactory();
                channel = EpollServerSocketChannel.class;
                name = "Netty 4.2 epoll (1 event loop)";
                break;
            case "io_uring":
                if (!IoUring.isAvailable()) {
                    throw new UnsupportedOperationException("Netty io_uring transport unavailable: " + IoUring.unavailabilityCause());
                }
                factory = IoUringIoHandler.newFactory();
                channel = IoUringServerSocketChannel.class;
                name = "Netty 4.2 io_uring (1 event loop)";
                break;
            default:
                throw new IllegalArgumentException("Netty transport epoll or io_uring, not " + transport);
        }
        group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            bound = new ServerBootstrap()
                    .group(group) // the same single thread accepts and serves
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, false)
                    .childHandler(new Echo())
                    .bind(bind)
                    .sync();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Called by EchoBench (by reflection): {@code transport} is epoll or io_uring. */
    public static EchoBench.Server start(String transport, InetSocketAddress bind) throws InterruptedException {
        return new NettyEcho(transport, bind);
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) bound.channel().localAddress();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() throws InterruptedException {
        bound.channel().close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
