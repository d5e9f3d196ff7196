package dev.caravan.core.process;

/**
 * Work that a {@link ProcessRunner}'s thread does itself whenever its mailbox is empty: serving
 * the process's own client connections, as redis-server's single thread serves its clients.
 * Without it, every request batch crosses two threads (a connection thread posts it to the
 * mailbox, the process thread answers, the connection thread writes); with it, the process
 * thread reads, executes and writes, and the mailbox carries only runtime tasks and batches
 * from elsewhere.
 *
 * <p>An agent in Agrona's sense: the runner drives {@link #doWork}; the agent owns no thread
 * while the process thread drives it. Threading: {@link #doWork} and {@link #onProcessThreadExit}
 * are called on the process thread only; {@link #wakeup} from any thread.
 *
 * <p>Attached with {@link ProcessRunner#attach} before the runner starts. A batch the agent
 * decodes goes to {@link ProcessRunner#submitFromProcessThread}, which runs it at once when the
 * process takes commands, or queues it (frozen for a migration, stopping) without blocking.
 */
public interface IoAgent {
    /**
     * One round on the process thread: handle I/O that is ready, waiting for some first for at
     * most {@code maxWaitMs} ({@code 0}: do not wait; {@link Long#MAX_VALUE}: until there is
     * some or {@link #wakeup} is called). Must return soon after a wake-up: the mailbox has work.
     */
    void doWork(long maxWaitMs);

    /** From any thread: the mailbox has work, so a blocked {@link #doWork} must return. */
    void wakeup();

    /**
     * The process thread leaves for good (stopped, handed off after a migration, failed), right
     * after its queued batches were answered: from now on the agent must serve its connections
     * with a thread of its own, or close them. Called once, last, on the process thread.
     */
    void onProcessThreadExit();
}
