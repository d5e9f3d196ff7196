package dev.caravan.switching.resp;

import dev.caravan.naming.NamingService;
import dev.caravan.switching.Backend;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.BackendSetWatch;
import dev.caravan.switching.BackendSink;

import java.util.List;

/**
 * One route's members as naming lists them — every {@code process/<name>} its selector matches —
 * and each key's home among them ({@link KeyPlacement}). Membership is the only input: health,
 * load, admin state and a migration in progress never move a key (a migrating process keeps its
 * naming entry, with a new address once it commits). A key moves only when a process joins or
 * leaves the set, and then only the keys of that process's share.
 *
 * <p>Threading: {@link #update} runs on naming's watch thread; {@link #homeOf} and
 * {@link #members} read an immutable snapshot from any thread.
 */
final class RouteMembers implements BackendSink, AutoCloseable {
    private record Snapshot(List<Backend> members, long[] hashes) {
    }

    private volatile Snapshot snapshot = new Snapshot(List.of(), new long[0]);
    private final BackendSetWatch watch;

    private RouteMembers(NamingService naming, BackendSelector selector) {
        this.watch = BackendSetWatch.start(naming, selector, this);
    }

    /**
     * Lists the set and follows it.
     *
     * @throws dev.caravan.wire.CaravanException when naming cannot be reached
     */
    static RouteMembers watch(NamingService naming, BackendSelector selector) {
        return new RouteMembers(naming, selector);
    }

    @Override
    public void update(List<Backend> current) {
        List<Backend> members = List.copyOf(current);
        long[] hashes = new long[members.size()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = KeyPlacement.memberHash(members.get(i).id());
        }
        snapshot = new Snapshot(members, hashes);
    }

    /** The member {@code key} lives on; null when the set is empty. */
    Backend homeOf(byte[] key) {
        Snapshot s = snapshot;
        return KeyPlacement.homeOf(key, s.members(), s.hashes());
    }

    /** The members now, sorted by id. */
    List<Backend> members() {
        return snapshot.members();
    }

    @Override
    public void close() {
        watch.close();
    }
}
