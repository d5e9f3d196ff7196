package dev.caravan.core.process;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The client batches of one process that wait on a command that answered {@link Reply.Blocked}
 * (a BLPOP on empty lists): redis-server's blocked clients, on Caravan's single writer.
 *
 * <pre>
 * batch [c0 c1 BLPOP c3]      c0 and c1 run; BLPOP answers Blocked(deadline, timeout reply)
 *   └─ parked: the rest [BLPOP c3], the replies so far [r0 r1 · ·], the deadline
 * after each later command that may write, and after each runtime task:
 *   {@link CaravanProcess#onRetry} for every parked command, the longest-waiting first
 *   └─ served (anything but Blocked): the reply is kept; once the work in progress is done
 *      the rest [c3] runs and the whole batch is answered [r0 r1 r2 r3]
 * the clock past the deadline (0 = none): the reply is the timeout reply; then as served
 * the client's connection closed: dropped       stop, failure: answered with the error
 * hand-off after a migration: the rest travels to the destination (where a BLPOP starts anew)
 * </pre>
 *
 * As in redis-server 7.0, a woken command is served right after the command that made it ready
 * (redis-server's {@code handleClientsBlockedOnKeys} after each {@code call()}), and what its
 * client pipelined behind it runs after the work in progress (redis-server's
 * {@code processUnblockedClients} before its next event). A client blocked again goes last.
 *
 * <p>Threading: the process thread only; {@link #handOff} after that thread has ended (or on
 * the thread of a stepped runner). {@link #size} may be read from any thread.
 */
final class ParkedBatches {
    /** Asks the process again for a parked command; exceptions become error replies. */
    @FunctionalInterface
    interface Retrier {
        Reply retry(ClientRef client, Command command);
    }

    /**
     * Where the replies of the rest of a parked batch go: into the whole batch's replies after
     * those it already had, then to the whole batch's completion. A hand-off tells a parked
     * batch from a queued one by it ({@link ProcessRunner.PendingBatch#isParked()}).
     */
    static final class Remainder implements ProcessRunner.Completion {
        private final Reply[] replies;
        private final int from;
        private final ProcessRunner.Completion whole;

        Remainder(Reply[] replies, int from, ProcessRunner.Completion whole) {
            this.replies = replies;
            this.from = from;
            this.whole = whole;
        }

        @Override
        public void complete(Reply[] rest) {
            System.arraycopy(rest, 0, replies, from, rest.length);
            whole.complete(replies);
        }
    }

    /** One parked batch: its first command is the blocked one. */
    private static final class Parked {
        final ClientRef client;
        final Command[] commands;
        final ProcessRunner.Completion completion;
        final long deadlineMs;
        final Reply timeoutReply;
        /** The blocked command's reply, once served or timed out. */
        Reply reply;

        Parked(ClientRef client, Command[] commands, ProcessRunner.Completion completion, Reply.Blocked blocked) {
            this.client = client;
            this.commands = commands;
            this.completion = completion;
            this.deadlineMs = blocked.deadlineMs();
            this.timeoutReply = blocked.timeoutReply();
        }

        /** The rest of the batch after the blocked command, whose reply is {@link #reply}. */
        ProcessRunner.Completion afterReply() {
            Reply[] replies = new Reply[commands.length];
            replies[0] = reply;
            return new Remainder(replies, 1, completion);
        }

        void fail(Reply error) {
            Reply[] replies = new Reply[commands.length];
            Arrays.fill(replies, error);
            if (reply != null) {
                replies[0] = reply;
            }
            completion.complete(replies);
        }
    }

    private final Retrier retrier;
    private final Consumer<Mailbox.Batch> executor;
    /** Waiting, the longest-waiting first. */
    private final ArrayList<Parked> waiting = new ArrayList<>();
    /** Served or timed out, their rest not yet run; in the order they were served. */
    private final ArrayDeque<Parked> ready = new ArrayDeque<>();
    private long nextDeadlineMs;
    private boolean continuing;
    private volatile int size;

    /**
     * @param retrier  asks the process again for a parked command
     * @param executor runs the rest of a served batch as a batch from the mailbox would run
     */
    ParkedBatches(Retrier retrier, Consumer<Mailbox.Batch> executor) {
        this.retrier = retrier;
        this.executor = executor;
    }

    /** Whether nothing waits and nothing served waits to continue: the runner's fast path. */
    boolean isEmpty() {
        return waiting.isEmpty() && ready.isEmpty();
    }

    /** Batches parked or served and not yet continued; from any thread. */
    int size() {
        return size;
    }

    /**
     * Parks the batch whose command {@code at} answered {@code blocked}: its rest from that
     * command on waits, and its replies go into {@code replies} (the ones before {@code at} are
     * already there) and then to {@code completion}.
     */
    void park(ClientRef client, Command[] commands, int at, Reply[] replies, ProcessRunner.Completion completion,
              Reply.Blocked blocked) {
        Command[] rest = at == 0 ? commands : Arrays.copyOfRange(commands, at, commands.length);
        Parked p = new Parked(client, rest, new Remainder(replies, at, completion), blocked);
        waiting.add(p);
        if (p.deadlineMs != 0 && (nextDeadlineMs == 0 || p.deadlineMs < nextDeadlineMs)) {
            nextDeadlineMs = p.deadlineMs;
        }
        size++;
    }

    /** Asks the process again for every waiting command, the longest-waiting first. */
    void retry() {
        boolean served = false;
        for (int i = 0; i < waiting.size(); ) {
            Parked p = waiting.get(i);
            Reply r = retrier.retry(p.client, p.commands[0]);
            if (r instanceof Reply.Blocked) {
                i++;
                continue;
            }
            // Removed only once answered: if the process dies in onRetry, failAll still answers it.
            waiting.remove(i);
            p.reply = r;
            ready.add(p);
            served = true;
        }
        if (served) {
            recomputeDeadline();
        }
    }

    /** The earliest deadline of a waiting batch, in clock milliseconds; 0 when none has one. */
    long nextDeadlineMs() {
        return nextDeadlineMs;
    }

    /** Whether a waiting batch's deadline has passed at {@code nowMs} (redis-server: deadline &lt; now). */
    boolean isDue(long nowMs) {
        return nextDeadlineMs != 0 && nextDeadlineMs < nowMs;
    }

    /** Gives every waiting batch whose deadline has passed its timeout reply; they continue next. */
    void expire(long nowMs) {
        if (!isDue(nowMs)) {
            return;
        }
        for (int i = 0; i < waiting.size(); ) {
            Parked p = waiting.get(i);
            if (p.deadlineMs != 0 && p.deadlineMs < nowMs) {
                waiting.remove(i);
                p.reply = p.timeoutReply;
                ready.add(p);
            } else {
                i++;
            }
        }
        recomputeDeadline();
    }

    /**
     * Runs the rest of every served or timed-out batch, in the order they were served, until
     * none is left (a rest may serve others, or park again). Calls made while this runs (from
     * the end of a rest's own execution) return at once: the loop here takes what they would.
     */
    void continueReady() {
        if (continuing) {
            return;
        }
        continuing = true;
        try {
            Parked p;
            while ((p = ready.poll()) != null) {
                size--;
                if (p.commands.length == 1) {
                    p.completion.complete(new Reply[] {p.reply});
                } else {
                    executor.accept(new Mailbox.Batch(p.client, Arrays.copyOfRange(p.commands, 1, p.commands.length),
                            p.afterReply()));
                }
            }
        } finally {
            continuing = false;
        }
    }

    /**
     * Drops the batches of a client whose connection closed. Each is answered with
     * {@code error} (nobody reads it; its completion must not be left waiting), except for the
     * reply of a command already served.
     */
    void drop(long sessionId, Reply error) {
        List<Parked> dropped = new ArrayList<>();
        waiting.removeIf(p -> p.client.sessionId() == sessionId && dropped.add(p));
        ready.removeIf(p -> p.client.sessionId() == sessionId && dropped.add(p));
        if (dropped.isEmpty()) {
            return;
        }
        size -= dropped.size();
        recomputeDeadline();
        for (Parked p : dropped) {
            p.fail(error);
        }
    }

    /** Answers every batch with {@code error} (the process stopped or failed). */
    void failAll(Reply error) {
        List<Parked> all = new ArrayList<>(ready);
        all.addAll(waiting);
        ready.clear();
        waiting.clear();
        nextDeadlineMs = 0;
        size = 0;
        for (Parked p : all) {
            p.fail(error);
        }
    }

    /**
     * Takes every batch for a hand-off: served ones with the rest after their reply, waiting
     * ones from their blocked command on (which then runs anew at the destination, with its
     * timeout counted from there), in the order they would have continued here.
     */
    List<ProcessRunner.PendingBatch> handOff() {
        List<ProcessRunner.PendingBatch> out = new ArrayList<>();
        for (Parked p : ready) {
            if (p.commands.length == 1) {
                p.completion.complete(new Reply[] {p.reply});
            } else {
                out.add(new ProcessRunner.PendingBatch(p.client, Arrays.copyOfRange(p.commands, 1, p.commands.length),
                        p.afterReply()));
            }
        }
        for (Parked p : waiting) {
            out.add(new ProcessRunner.PendingBatch(p.client, p.commands, p.completion));
        }
        ready.clear();
        waiting.clear();
        nextDeadlineMs = 0;
        size = 0;
        return out;
    }

    private void recomputeDeadline() {
        long next = 0;
        for (Parked p : waiting) {
            if (p.deadlineMs != 0 && (next == 0 || p.deadlineMs < next)) {
                next = p.deadlineMs;
            }
        }
        nextDeadlineMs = next;
    }
}
