package dev.caravan.dashboard;

/**
 * One migration or clone as the dashboard shows it (a JSON object of the stream; times are ms since
 * the epoch on the dashboard's clock for migrations it started, on the source node's clock for
 * those it learnt of from node events — the same clock on one machine).
 *
 * @param id             the dashboard's number for it, from 1
 * @param origin         {@code dashboard} (started from the page; progress from the control API's
 *                       MigrationProgress stream) or {@code events} (seen in a node's /events stream)
 * @param phase          the source's phase now ({@code begin}, {@code rounds}, {@code freeze}, …, {@code done})
 * @param round          pre-copy round
 * @param bytesSent      bytes sent so far
 * @param remainingPages pages left to send in the current phase (-1 unknown)
 * @param statePages     the process's pages (-1 unknown)
 * @param bandwidthBytesPerSec the measured send rate (-1 unknown)
 * @param startMs        when it began
 * @param freezeMs       when the process was frozen (-1: not yet, or never: post-copy resumes at once)
 * @param downtimeMs     how long the process served no one (-1 until known)
 * @param endMs          when it ended (-1 while running)
 * @param outcome        "" while running, else {@code committed}, {@code rolled-back}, {@code failed}, {@code unknown}
 * @param detail         one line: the error, or the report's summary
 */
public record MigrationView(long id, String process, String from, String to, String mode, boolean cloning, String origin,
                            String phase, int round, long bytesSent, long remainingPages, long statePages,
                            long bandwidthBytesPerSec, long startMs, long freezeMs, double downtimeMs, long endMs,
                            String outcome, String detail) {
    public boolean running() {
        return outcome.isEmpty();
    }
}
