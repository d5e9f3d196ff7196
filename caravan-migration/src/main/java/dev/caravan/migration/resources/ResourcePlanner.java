package dev.caravan.migration.resources;

import dev.caravan.core.process.ResourceBinding.Action;
import dev.caravan.core.process.ResourceBinding.Attachment;
import dev.caravan.core.process.ResourceBinding.Binding;
import dev.caravan.migration.resources.ResourceUri.Kind;
import dev.caravan.wire.ErrorCode;

import java.util.List;

/**
 * Decides what migration does with one resource: the chapter's table, each cell's preferred
 * action first and its alternatives in order, the first one that is possible winning.
 *
 * <pre>
 *                 UNATTACHED        FASTENED       FIXED
 * BY_IDENTIFIER   MV (or GR)        GR (or MV)     GR
 * BY_VALUE        CP (or MV, GR)    GR (or CP)     GR
 * BY_TYPE         RB (or GR, CP)    RB (or GR, CP) RB (or GR)
 * </pre>
 *
 * What is possible depends on the resource's kind ({@link ResourceUri}) and the facts:
 * <ul>
 *   <li>MV: a file whose size fits both the per-transfer limit and what is left of the
 *       migration's payload budget, and not when cloning (the original keeps its file);</li>
 *   <li>CP: a file or library that fits the same limits;</li>
 *   <li>GR: a tcp endpoint or an existing reference (already global), or a file, library or
 *       device present at the source while the source can serve reads (not draining);</li>
 *   <li>RB: a device or a library, rebound to the destination's own one of that type. The source
 *       cannot know whether the destination has one, so an RB decision carries the next possible
 *       action of its cell as {@link Decision#fallback()}, which the destination applies through
 *       {@link #resolveRebind} when it has none.</li>
 * </ul>
 * Pure functions of their arguments; thread-safe.
 */
public final class ResourcePlanner {
    private ResourcePlanner() {
    }

    /**
     * What is known about a resource at the source when planning.
     *
     * @param kind            the kind of its current URI
     * @param sizeBytes       its size if it is a file or library present here, else -1
     * @param presentHere     whether a file, library or device exists at the source (tcp and
     *                        references: true, they live elsewhere)
     * @param maxPayloadBytes the per-transfer payload limit
     * @param budgetBytes     payload bytes this migration may still send
     * @param sourceCanServe  whether the source will serve reads of what it keeps (false when draining)
     * @param cloning         whether the process is cloned rather than moved
     */
    public record Facts(Kind kind, long sizeBytes, boolean presentHere, long maxPayloadBytes, long budgetBytes,
                        boolean sourceCanServe, boolean cloning) {
    }

    /**
     * The outcome for one resource.
     *
     * @param action   what to do
     * @param fallback for {@link Action#REBIND} only, what the destination does when it has no
     *                 resource of the type (null: fail)
     */
    public record Decision(Action action, Action fallback) {
    }

    /** The cell's actions, preferred first, as the chapter's table lists them. */
    public static List<Action> candidates(Binding binding, Attachment attachment) {
        return switch (binding) {
            case BY_IDENTIFIER -> switch (attachment) {
                case UNATTACHED -> List.of(Action.MOVE, Action.GLOBAL_REFERENCE);
                case FASTENED -> List.of(Action.GLOBAL_REFERENCE, Action.MOVE);
                case FIXED -> List.of(Action.GLOBAL_REFERENCE);
            };
            case BY_VALUE -> switch (attachment) {
                case UNATTACHED -> List.of(Action.COPY, Action.MOVE, Action.GLOBAL_REFERENCE);
                case FASTENED -> List.of(Action.GLOBAL_REFERENCE, Action.COPY);
                case FIXED -> List.of(Action.GLOBAL_REFERENCE);
            };
            case BY_TYPE -> switch (attachment) {
                case UNATTACHED, FASTENED -> List.of(Action.REBIND, Action.GLOBAL_REFERENCE, Action.COPY);
                case FIXED -> List.of(Action.REBIND, Action.GLOBAL_REFERENCE);
            };
        };
    }

    /**
     * The first possible action of the cell.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the resource when none is
     *                                           possible (the migration must not start)
     */
    public static Decision plan(String name, Binding binding, Attachment attachment, Facts facts) {
        List<Action> cell = candidates(binding, attachment);
        for (int i = 0; i < cell.size(); i++) {
            Action a = cell.get(i);
            if (!possible(a, facts)) {
                continue;
            }
            Action fallback = null;
            if (a == Action.REBIND) {
                for (Action next : cell.subList(i + 1, cell.size())) {
                    if (possible(next, facts)) {
                        fallback = next;
                        break;
                    }
                }
            }
            return new Decision(a, fallback);
        }
        throw ErrorCode.INVALID_ARGUMENT.exception("resource " + name + " (" + binding + ", " + attachment + ", "
                + facts.kind() + ") cannot migrate: none of " + cell + " is possible " + facts);
    }

    /** Whether {@code action} can be carried out for a resource with these facts. */
    public static boolean possible(Action action, Facts f) {
        boolean fits = f.presentHere() && f.sizeBytes() >= 0 && f.sizeBytes() <= f.maxPayloadBytes()
                && f.sizeBytes() <= f.budgetBytes();
        return switch (action) {
            case MOVE -> f.kind() == Kind.FILE && fits && !f.cloning();
            case COPY -> (f.kind() == Kind.FILE || f.kind() == Kind.LIB) && fits;
            case GLOBAL_REFERENCE -> switch (f.kind()) {
                case TCP, REF -> true;
                case FILE, LIB, DEVICE -> f.presentHere() && f.sourceCanServe();
            };
            case REBIND -> f.kind() == Kind.DEVICE || f.kind() == Kind.LIB;
        };
    }

    /**
     * At the destination, for a resource planned as {@link Action#REBIND}: rebind when a local
     * resource of the type exists, else the planned fallback.
     *
     * @throws dev.caravan.wire.CaravanException NOT_FOUND when there is neither
     */
    public static Action resolveRebind(String name, String type, Action fallback, boolean destinationHasType,
                                       String destinationNode) {
        if (destinationHasType) {
            return Action.REBIND;
        }
        if (fallback == null) {
            throw ErrorCode.NOT_FOUND.exception("node " + destinationNode + " has no local " + type
                    + " to rebind resource " + name + " to, and the resource has no fallback");
        }
        return fallback;
    }
}
