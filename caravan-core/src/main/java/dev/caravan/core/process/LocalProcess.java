package dev.caravan.core.process;

/**
 * One process hosted on the same node, as {@link ProcessContext#localProcesses()} reports it: a
 * read-only snapshot for code that works on local data (a mobile agent's search, for one).
 *
 * @param name           the name clients look it up by
 * @param className      the class of its code (for a strong-mobility loop, the loop's class)
 * @param state          its state ({@link ProcessState} name) when the snapshot was taken
 * @param memoryBytes    off-heap bytes its memory holds
 * @param commandsServed commands it has answered on this node and before (counters move with it only on this node)
 * @param statusLine     the one line it publishes about itself ({@link ProcessContext#statusLine(String)}), "" if none
 */
public record LocalProcess(String name, String className, String state, long memoryBytes, long commandsServed,
                           String statusLine) {
}
