/**
 * Threads versus processes: creation cost, direct and indirect context-switch cost, and the
 * chapter's shared-variable example. Classes with a {@code main} run as child processes.
 */
package dev.caravan.lab.threads;
