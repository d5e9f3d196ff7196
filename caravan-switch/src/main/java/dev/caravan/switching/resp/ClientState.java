package dev.caravan.switching.resp;

import dev.caravan.switching.Backend;
import dev.caravan.wire.command.Command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the switch keeps of one client connection: its home backend (where its keyless commands
 * go), the session commands that succeeded there ({@code HELLO}, {@code AUTH},
 * {@code CLIENT SETNAME}: the last of each), and which of them each backend session has had.
 * A backend session behind the current setup gets the whole setup again, in front of the
 * client's next commands there (each is idempotent), so the protocol version, authentication
 * and name hold on every backend the client's keys reach.
 *
 * <p>Threading: owned by the client connection's serving thread; {@link #noteApplied} and
 * {@link #setupFor} are also called from the threads that forward one batch's groups in
 * parallel (each for its own backend), hence synchronized.
 */
final class ClientState {
    private final LinkedHashMap<String, Command> setup = new LinkedHashMap<>();
    private final Map<String, Integer> appliedVersion = new HashMap<>();
    private int version;
    private Backend home;

    Backend home() {
        return home;
    }

    void home(Backend backend) {
        this.home = backend;
    }

    /** Records a session command its backend accepted (kind: HELLO, AUTH or SETNAME); on-heap copy. */
    synchronized void record(String kind, Command accepted) {
        setup.put(kind, new Command(accepted.args()));
        version++;
    }

    /** The setup commands {@code backendId}'s session has not had yet (empty when up to date). */
    synchronized List<Command> setupFor(String backendId) {
        if (appliedVersion.getOrDefault(backendId, 0) == version) {
            return List.of();
        }
        return new ArrayList<>(setup.values());
    }

    /** {@code backendId}'s session now has the setup as of {@code setupFor}'s call. */
    synchronized void noteApplied(String backendId) {
        appliedVersion.put(backendId, version);
    }

    /** Backends this client has a session on. */
    synchronized List<String> backends() {
        return new ArrayList<>(appliedVersion.keySet());
    }
}
