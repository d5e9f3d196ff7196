package dev.caravan.observe;

import java.util.Locale;

/**
 * What happened, for every lifecycle step a daemon reports. The label ({@code migration-phase})
 * is what JSON, the CLI and the dashboard show; it is part of the event format (version 1) and
 * never changes meaning. New kinds may be added; readers must accept kinds they do not know.
 */
public enum EventKind {
    /** A daemon started (subject: its id). */
    DAEMON_STARTED,
    /** A daemon is stopping; the message says why (SIGTERM, shutdown request, critical failure). */
    DAEMON_STOPPING,
    /** A node's lease was lost: it stops answering for its processes. */
    LEASE_LOST,
    /** A node registered with naming (seen by naming or a watcher). */
    NODE_JOINED,
    /** A node's registration went away: lease expired or closed. */
    NODE_LOST,
    /** A node was cordoned: it takes no new process. */
    NODE_CORDONED,
    /** A node was made schedulable again. */
    NODE_UNCORDONED,
    /** A drain began; the message says how many processes are to move. */
    NODE_DRAIN_BEGUN,
    /** A drain ended; fields say how many moved and how many failed. */
    NODE_DRAINED,
    /** A process was deployed (created from a bundle) on a node. */
    PROCESS_DEPLOYED,
    /** A process started running (its start hook returned). */
    PROCESS_STARTED,
    /** A process was stopped on request. */
    PROCESS_STOPPED,
    /** A process failed; the message says why. */
    PROCESS_FAILED,
    /** A process went over a quota: fields {@code quota} (cpu, rps, connections, handler), {@code action} (stopped, refused). */
    QUOTA_EXCEEDED,
    /** A migration or clone began: fields {@code mode}, {@code to}. */
    MIGRATION_BEGUN,
    /** A migration entered a phase: fields {@code phase}, {@code round}, {@code bytes}. */
    MIGRATION_PHASE,
    /** A migration committed: fields {@code downtimeMs}, {@code bytes}, {@code rounds}. */
    MIGRATION_COMMITTED,
    /** A migration rolled back; the message says why and where the process runs now. */
    MIGRATION_ROLLED_BACK,
    /**
     * A moved, cloned or restored process committed at its destination and runs there now, as the
     * destination saw it: fields {@code from} (a node, or {@code checkpoint}), {@code epoch}.
     */
    PROCESS_ARRIVED,
    /** A clone finished: the copy runs under its new name. */
    PROCESS_CLONED,
    /** A checkpoint was written. */
    PROCESS_CHECKPOINTED,
    /** A process was restored from a checkpoint. */
    PROCESS_RESTORED,
    /** A switch opened a front end (subject: its name): fields {@code address}, {@code protocol}, {@code mode}. */
    FRONTEND_ADDED,
    /** A switch closed a front end. */
    FRONTEND_REMOVED,
    /** A backend joined a switch route (subject: the backend id): fields {@code frontend}, {@code address}, {@code node}. */
    BACKEND_ADDED,
    /** A backend left a switch route. */
    BACKEND_REMOVED,
    /**
     * A backend's address changed (its process migrated): fields {@code address} (new), {@code previous}
     * (old), {@code node}, {@code previousNode}.
     */
    BACKEND_MOVED,
    /** A backend's health checks pass again. */
    BACKEND_UP,
    /** A backend's health checks fail: the switch sends it nothing. */
    BACKEND_DOWN,
    /** A backend was set to drain: no new clients, the connected ones stay. */
    BACKEND_DRAINED,
    /** A backend's admin state became ready or disabled: field {@code admin}. */
    BACKEND_ADMIN_CHANGED,
    /** A backend's weight changed: fields {@code weight}, {@code previous}. */
    BACKEND_WEIGHT_CHANGED,
    /**
     * How a front end serves a backend's clients changed — a handoff front end splices them itself instead
     * of handing them off (its node is on another host, has no handoff socket, or refused), or hands them
     * off again: fields {@code mode} ({@code handoff}, {@code splice (other host)}, …), {@code previous}.
     */
    BACKEND_MODE_CHANGED,
    /** A node's balancer started pushing a process to a less loaded node: fields {@code to}, {@code load}, {@code pulled}. */
    BALANCE_PUSH,
    /** An idle node's balancer asked a loaded node for a process and got one: fields {@code from}, {@code process}. */
    BALANCE_PULL,
    /** A balancing decision came to nothing, or a balancing migration failed; the message says why. */
    BALANCE_REFUSED,
    /**
     * A request was refused by its caller's role, slice or requester (security, issue 14): subject the caller's identity,
     * fields {@code op}, {@code identity}, {@code role}, {@code slice}, {@code reason}.
     */
    REQUEST_REFUSED,
    /** A node started a sandbox JVM for a slice (subject: the sandbox's node id): fields {@code slice}, {@code pid}, {@code cgroup}. */
    SANDBOX_STARTED,
    /**
     * A sandbox JVM ended (subject: its node id): fields {@code slice}, {@code cause} (exit code; OOM),
     * {@code exitCode}, {@code lost} (the processes that ran in it, comma-separated).
     */
    SANDBOX_ENDED,
    /** Anything else worth an operator's notice; the message says what. */
    NOTICE;

    /** The kind as written in the event format: lower case with dashes ({@code migration-phase}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The kind of a label, or {@link #NOTICE} for a label this version does not know. */
    public static EventKind ofLabel(String label) {
        for (EventKind k : values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        return NOTICE;
    }
}
