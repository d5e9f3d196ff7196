package dev.caravan.servers.objects;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One identity in an {@link ObjectAdapter}: its policy, its servant factory and the servants
 * active right now (keyed by session for {@link ActivationPolicy#PER_SESSION}, by 0 otherwise).
 *
 * <p>Threading: all methods synchronize on this object; a servant in use (in-flight count above
 * zero) is never deactivated for idleness.
 */
final class HostedObject {
    private static final long SHARED = 0;
    private final String identity;
    private final ActivationPolicy policy;
    private final long idleMs;
    private final Supplier<? extends Servant> factory;
    private final Map<Long, Active> active = new HashMap<>();
    private long activations;

    private static final class Active {
        final Servant servant;
        int inFlight;
        long lastUsedMs;

        Active(Servant servant) {
            this.servant = servant;
        }
    }

    HostedObject(String identity, ActivationPolicy policy, long idleMs, Supplier<? extends Servant> factory) {
        this.identity = identity;
        this.policy = policy;
        this.idleMs = idleMs;
        this.factory = factory;
    }

    /** Invokes on the right servant, activating it first when there is none. */
    String invoke(long sessionId, String operation, String argument, long nowMs) throws InterruptedException {
        if (policy == ActivationPolicy.PER_REQUEST) {
            Servant s = factory.get();
            synchronized (this) {
                activations++;
            }
            s.onActivate();
            try {
                return s.invoke(operation, argument);
            } finally {
                s.onDeactivate();
            }
        }
        long key = policy == ActivationPolicy.PER_SESSION ? sessionId : SHARED;
        Active a;
        synchronized (this) {
            a = active.get(key);
            if (a == null) {
                a = new Active(factory.get());
                a.servant.onActivate();
                activations++;
                active.put(key, a);
            }
            a.inFlight++;
        }
        try {
            return a.servant.invoke(operation, argument);
        } finally {
            synchronized (this) {
                a.inFlight--;
                a.lastUsedMs = nowMs;
            }
        }
    }

    /** Deactivates servants unused for {@code idleMs} (0 = never). @return how many */
    synchronized int evictIdle(long nowMs) {
        if (idleMs == 0) {
            return 0;
        }
        int n = 0;
        for (Iterator<Active> it = active.values().iterator(); it.hasNext(); ) {
            Active a = it.next();
            if (a.inFlight == 0 && nowMs - a.lastUsedMs >= idleMs) {
                it.remove();
                a.servant.onDeactivate();
                n++;
            }
        }
        return n;
    }

    synchronized void deactivateAll() {
        active.values().forEach(a -> a.servant.onDeactivate());
        active.clear();
    }

    synchronized int activeServants() {
        return active.size();
    }

    synchronized long activations() {
        return activations;
    }

    String identity() {
        return identity;
    }
}
