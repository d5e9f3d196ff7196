package dev.caravan.kv;

/**
 * What INFO reports that is not in the data: counters since the process started here (a
 * migrated or restored process starts them again, as a restarted redis-server does), its
 * identity for this run, and the client count the session layer keeps. Not kept in paged
 * memory. Process thread only.
 */
final class KvStats {
    /** When this run of the process started, ms since the epoch (uptime, LASTSAVE's reference). */
    final long startMs;
    /** 40 hex characters, new for each run: INFO's {@code run_id} and {@code master_replid}. */
    final String runId;
    /** Commands executed (INFO {@code total_commands_processed}); reset by CONFIG RESETSTAT. */
    long commandsProcessed;
    /** Error replies sent (INFO {@code total_error_replies}); reset by CONFIG RESETSTAT. */
    long errorReplies;
    /**
     * Clients connected to the process right now, kept by the session layer; -1 until it keeps
     * it, and INFO leaves {@code connected_clients} out rather than print a number it does not know.
     */
    long connectedClients = -1;
    /** The most heap bytes seen in use (INFO {@code used_memory_peak}). */
    long peakUsedBytes;

    KvStats(long startMs, java.util.random.RandomGenerator random) {
        this.startMs = startMs;
        StringBuilder id = new StringBuilder(40);
        for (int i = 0; i < 40; i++) {
            id.append(Character.forDigit(random.nextInt(16), 16));
        }
        this.runId = id.toString();
    }

    /** CONFIG RESETSTAT: the counters Redis resets (uptime, identity and peaks stay). */
    void reset() {
        commandsProcessed = 0;
        errorReplies = 0;
    }
}
