package dev.caravan.core.process;

/**
 * Lifecycle of a process on one node.
 *
 * <pre>
 *   CREATED ──start──▶ RUNNING ◀──resume── SUSPENDED
 *                         │  └──suspend──────▲
 *                         └──stop──▶ STOPPED      (any) ──fault──▶ FAILED
 * </pre>
 *
 * A SUSPENDED process keeps its queue but takes no commands from it: the freeze that
 * migration uses.
 */
public enum ProcessState {
    CREATED, RUNNING, SUSPENDED, STOPPED, FAILED
}
