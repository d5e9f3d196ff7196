package dev.caravan.cli.commands.observe;

import dev.caravan.observe.Event;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One daemon's event stream ({@code /events?watch=true}), followed until {@link #close} or until the
 * daemon is gone. When the stream breaks (the connection dropped, the server ended it) while the
 * daemon is still registered ({@code stillThere}), it reconnects with {@code Last-Event-ID} set to
 * the last event it handed on, so nothing is lost or repeated as long as the daemon's ring still
 * holds the events in between. An {@code overflow} event (the server dropped this watcher for
 * falling behind) is reported to {@code onProblem} as one line and the stream resumes the same way.
 * A refused token is reported and ends it. Runs on the caller's thread ({@link #run}); the
 * {@code sink} is called on it.
 */
final class DaemonEventStream implements Runnable {
    private static final long FIRST_RETRY_MS = 100;
    private static final long MAX_RETRY_MS = 2000;

    private final AdminClient admin;
    private final String name;
    private final String address;
    private final Consumer<Event> sink;
    private final Consumer<String> onProblem;
    private final BooleanSupplier stillThere;
    private final long since;
    private volatile long lastSeq = -1;
    private volatile int connections;
    private volatile boolean closed;

    /**
     * @param name       the daemon's name in problems ({@code naming}, a node id, a switch)
     * @param address    its admin port, host:port
     * @param since      the first connection asks for events after this sequence number
     * @param stillThere whether the daemon is still registered at {@code address} (asked after a break)
     */
    DaemonEventStream(AdminClient admin, String name, String address, long since, Consumer<Event> sink, Consumer<String> onProblem,
                      BooleanSupplier stillThere) {
        this.admin = admin;
        this.name = name;
        this.address = address;
        this.since = since;
        this.sink = sink;
        this.onProblem = onProblem;
        this.stillThere = stillThere;
    }

    @Override
    public void run() {
        long retryMs = FIRST_RETRY_MS;
        while (!closed) {
            connections++;
            try {
                admin.stream(address, "/events?watch=true&since=" + since, lastSeq, this::onEvent);
                retryMs = FIRST_RETRY_MS;
            } catch (InterruptedException e) {
                return;
            } catch (CaravanException e) {
                if (e.code() == ErrorCode.UNAUTHENTICATED) {
                    onProblem.accept(name + ": " + e.getMessage());
                    return;
                }
                // Does not answer: retried below while it is still registered.
            }
            if (closed || !stillThere.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(retryMs);
            } catch (InterruptedException e) {
                return;
            }
            retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
        }
    }

    private void onEvent(String type, java.util.Map<?, ?> data) {
        if ("overflow".equals(type)) {
            onProblem.accept(name + ": it dropped this watcher for falling behind; resuming after event " + Math.max(lastSeq, since));
            return;
        }
        Event e = Event.fromJson(data);
        if (e.seq() <= lastSeq) {
            return;
        }
        lastSeq = e.seq();
        sink.accept(e);
    }

    /** Connections made so far (1 until the first break). */
    int connections() {
        return connections;
    }

    /** Stops reconnecting; the thread running it is interrupted by its owner. */
    void close() {
        closed = true;
    }
}
