package dev.caravan.servers.objects;

import dev.caravan.core.time.Clock;
import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.Protocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The chapter's (and Ice's) object adapter: hosts several objects under identities, activates
 * each one's servant lazily on its first invocation according to its {@link ActivationPolicy},
 * deactivates idle ones in {@link #evictIdle()}, and runs every invocation on its own
 * {@link ThreadingModel} — independent of the {@link dev.caravan.servers.model.ServerModel} whose
 * threads read the sockets.
 *
 * <p>As a {@link Protocol} it speaks {@link ObjectCodec}'s frames; an unknown identity is answered
 * with NOT_FOUND and a servant's {@link CaravanException} with its code, both on a connection that
 * stays open.
 *
 * <p>Threading: thread-safe. The serving thread hands each call to the adapter's executor and
 * waits for it. Idle time is read from the injected {@link Clock}; call {@link #evictIdle()}
 * periodically (or from a test after advancing a {@code ManualClock}).
 */
public final class ObjectAdapter implements Protocol<ObjectRequest, ObjectReply>, AutoCloseable {
    private final String name;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final Map<String, HostedObject> objects = new ConcurrentHashMap<>();
    private final AtomicLong sessions = new AtomicLong();

    public ObjectAdapter(String name, ThreadingModel threading, Clock clock) {
        this.name = name;
        this.clock = clock;
        int n = threading.threads();
        this.executor = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name(name + "-adapter-", 0).daemon().factory());
    }

    /**
     * Hosts an object. Nothing is created until its first invocation.
     *
     * @param idleMs deactivate a servant unused this long (0: never); ignored for PER_REQUEST
     * @throws CaravanException ALREADY_EXISTS for a taken identity, INVALID_ARGUMENT for a negative idleMs
     */
    public ObjectAdapter add(String identity, ActivationPolicy policy, long idleMs, Supplier<? extends Servant> factory) {
        if (idleMs < 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("idleMs must be >= 0, got " + idleMs);
        }
        if (objects.putIfAbsent(identity, new HostedObject(identity, policy, idleMs, factory)) != null) {
            throw ErrorCode.ALREADY_EXISTS.exception("identity " + identity + " is taken");
        }
        return this;
    }

    /** Runs one invocation on the adapter's threads and returns its reply (never throws a CaravanException). */
    public ObjectReply dispatch(ObjectRequest r) throws InterruptedException {
        HostedObject o = objects.get(r.identity());
        if (o == null) {
            return ObjectReply.error(r.callId(), ErrorCode.NOT_FOUND.exception("no object '" + r.identity() + "' in adapter " + name));
        }
        Future<String> f;
        try {
            f = executor.submit(() -> o.invoke(r.sessionId(), r.operation(), r.argument(), clock.nowMs()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return ObjectReply.error(r.callId(), ErrorCode.UNAVAILABLE.exception("adapter " + name + " is closed"));
        }
        try {
            return ObjectReply.ok(r.callId(), f.get());
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CaravanException ce) {
                return ObjectReply.error(r.callId(), ce);
            }
            return ObjectReply.error(r.callId(), ErrorCode.INTERNAL.exception(r.identity() + "." + r.operation() + " failed: " + e.getCause()));
        }
    }

    /** Deactivates servants idle longer than their object's idle timeout. @return how many */
    public int evictIdle() {
        long now = clock.nowMs();
        return objects.values().stream().mapToInt(o -> o.evictIdle(now)).sum();
    }

    /** Servants active now for {@code identity} (0 before the first call and after eviction). */
    public int activeServants(String identity) {
        HostedObject o = objects.get(identity);
        return o == null ? 0 : o.activeServants();
    }

    /** How many servants were ever activated for {@code identity}. */
    public long activations(String identity) {
        HostedObject o = objects.get(identity);
        return o == null ? 0 : o.activations();
    }

    /** Invocations waiting for an adapter thread. */
    public int queuedInvocations() {
        return executor.getQueue().size();
    }

    @Override
    public String name() {
        return "objects";
    }

    @Override
    public Codec<ObjectRequest, ObjectReply> newCodec() {
        return new ObjectCodec(sessions.incrementAndGet());
    }

    @Override
    public void handle(List<ObjectRequest> batch, List<ObjectReply> replies) throws InterruptedException {
        for (ObjectRequest r : batch) {
            replies.add(dispatch(r));
        }
    }

    /** Stops the adapter's threads and deactivates every servant. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        objects.values().forEach(HostedObject::deactivateAll);
    }
}
