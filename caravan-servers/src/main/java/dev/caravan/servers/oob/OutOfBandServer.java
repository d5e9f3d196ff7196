package dev.caravan.servers.oob;

import dev.caravan.servers.line.LineProtocol;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.util.concurrent.ExecutionException;

/**
 * A server of long requests with a separate urgent control channel (the chapter's out-of-band
 * communication done with a second port rather than TCP urgent data). Both ports speak
 * {@link LineProtocol} lines:
 *
 * <pre>
 * data port:     WORK &lt;id&gt; &lt;ms&gt; [priority]   →  "&lt;id&gt; done" | "&lt;id&gt; cancelled"     (blocks until then)
 * control port:  CANCEL &lt;id&gt;                →  "OK queued" | "OK running"         (the WORK reply says cancelled)
 *                PRIORITY &lt;id&gt; &lt;level&gt;      →  "OK queued" | "OK running"         (higher level runs first)
 * errors:        ERR NOT_FOUND / ALREADY_EXISTS / MALFORMED / INVALID_ARGUMENT …
 * </pre>
 *
 * <p>The data port runs on {@code dataModel} (a thread per connection, so each waiting request
 * holds only its connection's thread); the control port runs on an event loop whose handler
 * never blocks, so a control message is served at once however busy the workers are.
 *
 * <p>A request whose client disconnects keeps running to its end (the server learns of the
 * close only when it writes the reply); cancel it through the control port.
 *
 * <p>Threading: thread-safe; {@link #close()} closes both ports and the scheduler.
 */
public final class OutOfBandServer implements AutoCloseable {
    private final WorkScheduler scheduler;
    private final Server data;
    private final Server control;

    /**
     * Starts the scheduler and both listeners on 127.0.0.1, port 0 each. On failure nothing is
     * left running.
     */
    public OutOfBandServer(ServerModel dataModel, int workers) {
        scheduler = new WorkScheduler(workers, "oob");
        Server d = null;
        try {
            d = dataModel.start(new LineProtocol("oob-data", this::onData), ServerOptions.defaults().withName("oob-data"));
            control = ServerModel.EVENT_LOOP.start(new LineProtocol("oob-control", this::onControl),
                    ServerOptions.defaults().withName("oob-control"));
            data = d;
        } catch (RuntimeException e) {
            if (d != null) {
                d.close();
            }
            scheduler.close();
            throw e;
        }
    }

    private String onData(String line) throws InterruptedException {
        String[] f = line.trim().split("\\s+");
        if (f.length < 3 || f.length > 4 || !f[0].equals("WORK")) {
            throw ErrorCode.MALFORMED.exception("expected 'WORK <id> <ms> [priority]', got '" + line + "'");
        }
        WorkJob job = scheduler.submit(f[1], number(f[2]), f.length == 4 ? (int) number(f[3]) : 0);
        try {
            return f[1] + " " + job.outcome().get();
        } catch (InterruptedException e) {
            // the server is closing: stop the work too; it may have finished meanwhile
            try {
                scheduler.cancel(f[1]);
            } catch (CaravanException gone) {
                e.addSuppressed(gone);
            }
            throw e;
        } catch (ExecutionException e) {
            throw ErrorCode.INTERNAL.exception("request " + f[1] + " failed: " + e.getCause());
        }
    }

    private String onControl(String line) {
        String[] f = line.trim().split("\\s+");
        return switch (f[0]) {
            case "CANCEL" -> {
                arity(f, 2, "CANCEL <id>");
                yield "OK " + scheduler.cancel(f[1]);
            }
            case "PRIORITY" -> {
                arity(f, 3, "PRIORITY <id> <level>");
                yield "OK " + scheduler.reprioritize(f[1], (int) number(f[2]));
            }
            default -> throw ErrorCode.UNKNOWN_OPERATION.exception("control channel knows CANCEL and PRIORITY, got '" + line + "'");
        };
    }

    private static void arity(String[] f, int n, String usage) {
        if (f.length != n) {
            throw ErrorCode.MALFORMED.exception("expected '" + usage + "'");
        }
    }

    private static long number(String s) {
        try {
            long v = Long.parseLong(s);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw ErrorCode.INVALID_ARGUMENT.exception(s + " is out of range");
            }
            return v;
        } catch (NumberFormatException e) {
            throw ErrorCode.MALFORMED.exception("'" + s + "' is not a number");
        }
    }

    public int dataPort() {
        return data.port();
    }

    public int controlPort() {
        return control.port();
    }

    public WorkScheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        CaravanException failure = null;
        for (AutoCloseable c : new AutoCloseable[]{control, data, scheduler}) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = ErrorCode.INTERNAL.exception("closing the out-of-band server failed");
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
