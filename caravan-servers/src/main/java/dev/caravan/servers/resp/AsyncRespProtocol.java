package dev.caravan.servers.resp;

import dev.caravan.servers.protocol.AsyncProtocol;
import dev.caravan.servers.protocol.Codec;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespLimits;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@link RespProtocol}'s wire format (the same per-connection codec) with a handler that may
 * answer a batch later instead of blocking for it: for
 * {@link dev.caravan.servers.model.ServerModel#PROCESS_THREAD}, where the thread serving every
 * connection is a node's process thread and must never wait. Models that block call
 * {@link #handle(List, List)}, which waits for the answer.
 */
public final class AsyncRespProtocol implements AsyncProtocol<Command, Reply> {
    /** Answers a batch of RESP commands, now or later. Must be thread-safe and must not block. */
    @FunctionalInterface
    public interface Handler {
        /** Calls {@code done} exactly once, on any thread, with one reply per command in order. */
        void execute(List<Command> batch, java.util.function.Consumer<Reply[]> done);
    }

    private final RespProtocol wire;
    private final Handler handler;

    public AsyncRespProtocol(Handler handler, RespLimits limits) {
        this.handler = handler;
        this.wire = new RespProtocol(batch -> {
            throw new IllegalStateException("the asynchronous RESP protocol answers through its own handler");
        }, limits);
    }

    public AsyncRespProtocol(Handler handler) {
        this(handler, RespLimits.DEFAULTS);
    }

    @Override
    public String name() {
        return wire.name();
    }

    @Override
    public Codec<Command, Reply> newCodec() {
        return wire.newCodec();
    }

    @Override
    public void handle(List<Command> batch, Replies<Reply> done) {
        handler.execute(batch, replies -> {
            if (replies.length != batch.size()) {
                throw new IllegalStateException(replies.length + " replies for " + batch.size() + " commands");
            }
            done.accept(Arrays.asList(replies));
        });
    }

    @Override
    public void handle(List<Command> batch, List<Reply> replies) throws InterruptedException {
        CompletableFuture<List<Reply>> answered = new CompletableFuture<>();
        handle(batch, answered::complete);
        try {
            replies.addAll(answered.get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch completion failed", e.getCause());
        }
    }
}
