package dev.caravan.servers.hooks;

/**
 * One module's function for one phase.
 *
 * <p>Threading: called on the server model's serving threads, concurrently for different
 * requests; each call gets its own {@link RequestRecord}. Must be thread-safe.
 */
@FunctionalInterface
public interface Hook {
    HookResult run(RequestRecord request);
}
