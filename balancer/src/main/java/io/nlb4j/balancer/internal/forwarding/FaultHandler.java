package io.nlb4j.balancer.internal.forwarding;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.nlb4j.balancer.Fault;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.IntToLongFunction;

/**
 * One fault acting on the data written to one side of a pair: an outbound handler of that side's channel, added
 * only to the pairs a fault applies to. Data it holds back is queued with the time it may go
 * ({@link PendingWriteQueue}, which counts it against the channel's writability, so a slowed side slows the reads of
 * the other as a slow peer would). The proxy's end-of-stream marker (an empty buffer, written before a half-close or
 * a close) is queued behind the data, so a FIN or a close never overtakes it. Once the fault is removed, new writes
 * pass at once (after what is queued).
 */
final class FaultHandler extends ChannelOutboundHandlerAdapter {

    private final Faults.Active active;
    private final Fault fault;
    private final ProxyConnection pair;
    private final SplittableRandom random;
    private ChannelHandlerContext ctx;
    private PendingWriteQueue queue;
    private final ArrayDeque<Long> due = new ArrayDeque<>();
    /** When the line is free again (bandwidth, slicer), in {@link System#nanoTime()}. */
    private long free;
    /** The release time of the last queued write, so that writes keep their order (latency). */
    private long last;
    private long passed;
    private ScheduledFuture<?> drain;
    private long drainAt;

    FaultHandler(Faults.Active active, ProxyConnection pair, long connectionSeed) {
        this.active = active;
        this.fault = active.fault;
        this.pair = pair;
        this.random = new SplittableRandom(fault.seed() ^ connectionSeed);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.queue = new PendingWriteQueue(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (drain != null) {
            drain.cancel(false);
        }
        due.clear();
        queue.removeAndFailAll(new ClosedChannelException());
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        due.clear();
        queue.removeAndFailAll(new ClosedChannelException());
        ctx.close(promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (queue.isEmpty()) {
            ctx.flush();
        }
        // otherwise what is queued is flushed as it goes
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        long now = System.nanoTime();
        if (active.removed) {
            enqueueOrWrite(buf, promise, now);
            return;
        }
        switch (fault.kind()) {
            case LATENCY -> {
                long jitter = fault.jitter().toNanos();
                long delay = fault.latency().toNanos() + (jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1));
                last = Math.max(last, now + Math.max(0, delay));
                enqueue(buf, promise, last);
            }
            case BANDWIDTH -> {
                double bytesPerNano = fault.rate() * 1024 / 1e9;
                // Pieces of a hundredth of a second each, so that the rate holds over short spans too.
                int piece = (int) Math.max(1, Math.min(64 * 1024, fault.rate() * 1024 / 100));
                slice(buf, promise, now, () -> piece, n -> (long) (n / bytesPerNano));
            }
            case SLICER -> {
                int average = fault.averageSize();
                int variation = fault.sizeVariation();
                long gap = fault.delay().toNanos();
                slice(buf, promise, now, () -> variation == 0 ? average
                        : average + random.nextInt(-variation, variation + 1), n -> gap);
            }
            case TIMEOUT -> {
                // Toxiproxy's timeout: nothing gets through while it is in place.
                ReferenceCountUtil.release(buf);
                promise.trySuccess();
            }
            case SLOW_CLOSE -> enqueue(buf, promise, buf.isReadable() ? Math.max(now, last)
                    : Math.max(last, now + fault.delay().toNanos()));
            case LIMIT_DATA -> {
                long left = fault.bytes() - passed;
                int n = buf.readableBytes();
                if (left == 0 && n > 0) {
                    ReferenceCountUtil.release(buf); // past the limit: the pair is closing
                    promise.trySuccess();
                    pair.closeForFault();
                } else if (n <= left) {
                    passed += n;
                    enqueueOrWrite(buf, promise, now);
                    if (passed >= fault.bytes() && n > 0) {
                        pair.closeForFault();
                    }
                } else {
                    ByteBuf head = buf.readRetainedSlice((int) left);
                    ReferenceCountUtil.release(buf);
                    passed += left;
                    enqueueOrWrite(head, promise, now);
                    pair.closeForFault();
                }
            }
            default -> enqueueOrWrite(buf, promise, now);
        }
    }

    /** Cuts a buffer into pieces, each due when the line is free; the gap after each depends on its size. */
    private void slice(ByteBuf buf, ChannelPromise promise, long now, IntSupplier size, IntToLongFunction gap) {
        if (!buf.isReadable()) {
            enqueue(buf, promise, Math.max(now, free));
            return;
        }
        while (buf.isReadable()) {
            int n = Math.max(1, Math.min(buf.readableBytes(), size.getAsInt()));
            ByteBuf piece = buf.readRetainedSlice(n);
            long at = Math.max(now, free);
            free = at + gap.applyAsLong(n);
            enqueue(piece, buf.isReadable() ? ctx.voidPromise() : promise, at);
        }
        ReferenceCountUtil.release(buf);
    }

    private void enqueueOrWrite(ByteBuf buf, ChannelPromise promise, long now) {
        if (queue.isEmpty()) {
            ctx.write(buf, promise);
        } else {
            enqueue(buf, promise, Math.max(now, last));
        }
    }

    private void enqueue(ByteBuf buf, ChannelPromise promise, long at) {
        queue.add(buf, promise);
        due.add(at);
        last = Math.max(last, at);
        scheduleDrain(due.peekFirst());
    }

    private void scheduleDrain(long at) {
        if (drain != null && drainAt <= at && !drain.isDone()) {
            return;
        }
        if (drain != null) {
            drain.cancel(false);
        }
        drainAt = at;
        drain = ctx.executor().schedule(this::drain, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void drain() {
        drain = null;
        long now = System.nanoTime();
        boolean wrote = false;
        while (!due.isEmpty() && due.peekFirst() <= now) {
            due.pollFirst();
            queue.removeAndWrite();
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (!due.isEmpty()) {
            scheduleDrain(due.peekFirst());
        }
    }
}
