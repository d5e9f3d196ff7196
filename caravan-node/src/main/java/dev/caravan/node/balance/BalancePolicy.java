package dev.caravan.node.balance;

import dev.caravan.wire.node.LoadReport;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The balancing decisions, as pure functions of loads (no clock, no socket): the classic
 * "threshold + probe limit" policies of Eager, Lazowska and Zahorjan (1986), sender- and
 * receiver-initiated, with a hysteresis band and a minimum gain.
 *
 * <ul>
 *   <li>A node is <em>overloaded</em> above {@code high} and <em>idle</em> below {@code low}; between
 *       them it does nothing (the gap keeps a node that just gave a process away from asking for one).</li>
 *   <li>A push goes to the least loaded of the probed nodes that is idle, schedulable and not already
 *       in a balancing migration ({@link #canReceive}; the {@link Balancer} stops probing at the first
 *       such node, so that is the one).</li>
 *   <li>A pull goes to the most loaded probed node above {@code high} and not in a balancing migration
 *       ({@link #canSend}; again the first found).</li>
 *   <li>The process moved is the busiest one whose move leaves the receiver no higher than the sender
 *       and not above {@code high} (minimum gain: a move that only swaps which node is loaded, or that
 *       overloads the receiver, is refused).</li>
 * </ul>
 *
 * <p>Per-process cooldown and "one migration in flight" are the {@link Balancer}'s: it passes only
 * the processes allowed to move. Thread-safe (immutable).
 */
public final class BalancePolicy {
    /** What to do: move a process, or stay (and why). */
    public sealed interface Decision permits Move, Stay {
    }

    /** Move {@code process} to {@code toNode}; the loads are fractions, before the move. */
    public record Move(String process, String toNode, double senderLoad, double receiverLoad, double processLoad)
            implements Decision {
    }

    /** Do nothing; {@code why} is one line for the event. */
    public record Stay(String why) implements Decision {
    }

    private final BalanceSettings settings;

    public BalancePolicy(BalanceSettings settings) {
        this.settings = settings;
    }

    public boolean overloaded(double load) {
        return load > settings.high();
    }

    public boolean idle(double load) {
        return load >= 0 && load < settings.low();
    }

    /** Whether a probed node may take a pushed process: schedulable, idle, not in a balancing migration. */
    public boolean canReceive(LoadReport probed) {
        return probed.schedulable() && !probed.migrating() && idle(settings.metric().of(probed));
    }

    /** Whether a probed node is worth a pull: above the high threshold, not in a balancing migration. */
    public boolean canSend(LoadReport probed) {
        return !probed.migrating() && overloaded(settings.metric().of(probed));
    }

    /**
     * Sender-initiated: this node (load {@code ownLoad}) picks a receiver among {@code probed} and a
     * process among {@code movable}.
     */
    public Decision push(double ownLoad, List<ProcessLoad> movable, List<LoadReport> probed) {
        if (!overloaded(ownLoad)) {
            return new Stay("load " + pct(ownLoad) + " is not above the high threshold " + pct(settings.high()));
        }
        Optional<LoadReport> receiver = probed.stream()
                .filter(this::canReceive)
                .min(Comparator.comparingDouble(r -> settings.metric().of(r)));
        if (receiver.isEmpty()) {
            return new Stay("none of the " + probed.size() + " probed node(s) is below the low threshold "
                    + pct(settings.low()) + " and free to take a process");
        }
        return choose(ownLoad, receiver.get().nodeId(), settings.metric().of(receiver.get()), movable);
    }

    /**
     * Receiver-initiated: this idle node (load {@code ownLoad}) picks whom to ask among {@code probed}:
     * the most loaded one above the high threshold.
     */
    public Optional<LoadReport> pullFrom(double ownLoad, List<LoadReport> probed) {
        if (!idle(ownLoad)) {
            return Optional.empty();
        }
        return probed.stream()
                .filter(this::canSend)
                .max(Comparator.comparingDouble(r -> settings.metric().of(r)));
    }

    /**
     * A loaded node's answer to a pull from {@code requester} (load {@code requesterLoad}): which of
     * {@code movable} to push it, or why not.
     */
    public Decision onPull(double ownLoad, String requester, double requesterLoad, List<ProcessLoad> movable) {
        if (!overloaded(ownLoad)) {
            return new Stay("load " + pct(ownLoad) + " is not above the high threshold " + pct(settings.high()));
        }
        if (!idle(requesterLoad)) {
            return new Stay(requester + "'s load " + pct(requesterLoad) + " is not below the low threshold "
                    + pct(settings.low()));
        }
        return choose(ownLoad, requester, requesterLoad, movable);
    }

    /**
     * The busiest process whose move gains: the receiver ends no higher than the sender, and not
     * above the high threshold. Processes with no load are never moved (the move would gain nothing).
     */
    public Decision choose(double senderLoad, String receiver, double receiverLoad, List<ProcessLoad> movable) {
        if (movable.isEmpty()) {
            return new Stay("no process may move (none hosted, or all moved within the cooldown)");
        }
        Optional<ProcessLoad> best = movable.stream()
                .filter(p -> p.load() > 0)
                .filter(p -> receiverLoad + p.load() <= senderLoad - p.load())
                .filter(p -> receiverLoad + p.load() <= settings.high())
                .max(Comparator.comparingDouble(ProcessLoad::load).thenComparing(ProcessLoad::name));
        if (best.isEmpty()) {
            return new Stay("no process's move would gain: each would leave " + receiver + " (" + pct(receiverLoad)
                    + ") above this node or above the high threshold");
        }
        return new Move(best.get().name(), receiver, senderLoad, receiverLoad, best.get().load());
    }

    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }
}
