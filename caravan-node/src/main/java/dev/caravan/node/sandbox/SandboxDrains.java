package dev.caravan.node.sandbox;

import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A host's drain ({@code caravan drain HOST}, and its drain on SIGTERM) carried into its sandboxes:
 * once the host is cordoned and its own processes are moved, each running sandbox is drained in turn
 * ({@link Op#NODE_DRAIN} on its control port, as {@code caravan drain HOST.sandbox-SLICE} does), so
 * every sandboxed process moves to another host's sandbox of the same slice ({@link SandboxMigrations})
 * instead of stopping with the host. The report is the host's, with the sandboxes' steps after its own.
 *
 * <p>Runs on the draining thread; each sandbox's steps reach {@code progress} as they happen.
 */
public final class SandboxDrains {
    private static final System.Logger LOG = System.getLogger(SandboxDrains.class.getName());

    private SandboxDrains() {
    }

    /**
     * Drains {@code sandboxes} (node id → its processes and control address) within what is left of
     * {@code request}'s timeout since {@code startMs}, and adds their outcomes to {@code host}'s report.
     *
     * @param link connects to a sandbox's control port with the host's identity; events go to the listener
     */
    public static DrainReport after(DrainReport host, Map<String, Running> sandboxes, DrainRequest request, long startMs,
                                    dev.caravan.core.time.Clock clock, Linker link, Consumer<DrainStep> progress) {
        List<DrainStep> steps = new ArrayList<>(host.processes());
        boolean drained = host.drained();
        List<String> details = new ArrayList<>();
        if (!host.detail().isEmpty()) {
            details.add(host.detail());
        }
        for (Map.Entry<String, Running> e : sandboxes.entrySet()) {
            Running s = e.getValue();
            if (s.processes().isEmpty()) {
                continue;
            }
            long leftMs = request.timeoutMs() - (clock.nowMs() - startMs);
            DrainReport r;
            if (leftMs < 1) {
                r = stayed(e.getKey(), s.processes(), request, "not moved before the drain timed out");
            } else {
                r = drainOne(e.getKey(), s, new DrainRequest(request.mode(), request.maxDowntimeMs(), leftMs, request.parallel()),
                        link, progress);
            }
            steps.addAll(r.processes());
            if (!r.drained()) {
                drained = false;
                details.add("sandbox " + e.getKey() + ": " + (r.detail().isEmpty() ? r.stayed().size() + " process(es) stayed"
                        : r.detail()));
            }
        }
        return new DrainReport(host.node(), drained, clock.nowMs() - startMs, steps, String.join("; ", details));
    }

    private static DrainReport drainOne(String sandbox, Running s, DrainRequest request, Linker link,
                                        Consumer<DrainStep> progress) {
        BodyWriter w = new BodyWriter();
        request.writeTo(w);
        Duration wait = Duration.ofMillis(request.timeoutMs()).plusSeconds(30);
        try (FrameClient c = link.connect(s.control(), wait, f -> {
            if (f.type() == Op.EVENT) {
                progress.accept(DrainStep.readFrom(f.reader()));
            }
        })) {
            return DrainReport.readFrom(c.call(Op.NODE_DRAIN, w.toBytes(), wait).expectOk());
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.WARNING, "draining sandbox " + sandbox + ": " + e.getMessage());
            DrainReport r = stayed(sandbox, s.processes(), request, "its sandbox " + sandbox + " could not be drained: "
                    + e.getMessage());
            r.processes().forEach(progress);
            return r;
        }
    }

    private static DrainReport stayed(String sandbox, List<String> names, DrainRequest request, String why) {
        return new DrainReport(sandbox, false, 0, names.stream().map(n -> DrainStep.stayed(n, request.mode(), why)).toList(), why);
    }

    /** A running sandbox: its processes (per naming) and its control address. */
    public record Running(List<String> processes, InetSocketAddress control) {
    }

    /** Opens a control link to a sandbox as its host. */
    @FunctionalInterface
    public interface Linker {
        FrameClient connect(InetSocketAddress control, Duration timeout, Consumer<Frame> events);
    }

    /** A link as a host opens it: its node identity and token over its transport. */
    static Linker hostLinker(String hostId, String token, dev.caravan.wire.security.TransportSecurity security) {
        return (control, timeout, events) -> FrameClient.connect(control, new Hello("node/" + hostId, token), timeout, timeout,
                events, security);
    }
}
