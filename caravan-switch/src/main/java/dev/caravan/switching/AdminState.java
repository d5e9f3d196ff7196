package dev.caravan.switching;

/** What an operator set for a backend (HAProxy's {@code set server … state ready|drain|maint}). */
public enum AdminState {
    /** Takes new work. */
    READY,
    /** No new sessions or connections; those already placed finish (or move with their process). */
    DRAIN,
    /** Takes nothing new (like DRAIN) and is not probed. */
    DISABLED
}
