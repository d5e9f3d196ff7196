package dev.caravan.systemtests.faults;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A phase trigger on the commit point itself: runs an action once naming shows an entry at an
 * epoch (the destination registered the new epoch). The naming watch only notes the event (its
 * listener must not block); the action runs on a thread of its own right after. Closing stops
 * the watch.
 */
final class CommitTrigger implements AutoCloseable {
    private final CompletableFuture<NamingEntry> seen = new CompletableFuture<>();
    private final CompletableFuture<NamingEntry> fired = new CompletableFuture<>();
    private final Watch watch;

    /** Watches {@code entryName}; once it is PUT with {@code epoch} or higher, runs {@code action}. */
    CommitTrigger(NamingService naming, String entryName, long epoch, MigrationRun.Action action) {
        watch = naming.watch(entryName, (NamingEvent e) -> {
            if (e.kind() == NamingEvent.Kind.PUT && e.entry().name().equals(entryName) && e.entry().epoch() >= epoch) {
                seen.complete(e.entry());
            }
        });
        Thread.ofVirtual().name("commit-trigger-" + entryName).start(() -> {
            try {
                NamingEntry entry = seen.get();
                action.run();
                fired.complete(entry);
            } catch (Exception e) {
                fired.completeExceptionally(e);
            }
        });
    }

    /** Waits for the action to have run; the entry it ran on. */
    NamingEntry fired(Duration within) throws InterruptedException {
        try {
            return fired.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the commit trigger's action failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("naming showed no commit within " + within);
        }
    }

    @Override
    public void close() {
        watch.close();
        seen.cancel(false);
    }
}
