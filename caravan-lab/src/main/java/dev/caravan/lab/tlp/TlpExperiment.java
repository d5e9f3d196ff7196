package dev.caravan.lab.tlp;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Figure;
import dev.caravan.lab.report.LabResult;
import dev.caravan.lab.report.Plots;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.RunInfo;
import dev.caravan.lab.report.Section;
import dev.caravan.lab.report.Table;
import dev.caravan.plot.Axis;
import dev.caravan.plot.Series;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code caravan lab tlp}: the multithreaded browser. Starts {@link #SERVERS} slow loopback HTTP
 * servers, then fetches and renders the same page's resources with 1, 2, 4, ... threads while a
 * {@link ThreadStateSampler} watches the fetch threads. Runs on the calling thread.
 */
public final class TlpExperiment {
    static final int SERVERS = 4;
    private static final int[] THREADS = {1, 2, 4, 8, 16, 32};

    private final LabSettings settings;
    private final Progress progress;
    private final Clock clock;

    public TlpExperiment(LabSettings settings, Progress progress, Clock clock) {
        this.settings = settings;
        this.progress = progress;
        this.clock = clock;
    }

    public LabResult run() {
        long started = clock.nowMs();
        RunInfo run = RunInfo.of("caravan lab tlp", settings, started);
        Plots plots = new Plots(settings.outDir(), run);
        int resources = settings.scaled(32, 8);
        long delayMs = 40;
        int bodyBytes = 64 << 10;
        int renderPasses = 4000;
        List<SlowServer> servers = new ArrayList<>();
        try {
            int[] ports = new int[SERVERS];
            for (int i = 0; i < SERVERS; i++) {
                servers.add(new SlowServer(delayMs, bodyBytes));
                ports[i] = servers.get(i).port();
            }
            Table.Builder t = new Table.Builder("Fetching " + resources + " resources (" + (bodyBytes >> 10) + " KiB each, "
                    + delayMs + " ms server delay, " + renderPasses + " CRC passes to render) from " + SERVERS + " loopback servers",
                    "threads", "wall ms", "speed-up", "Σ fetch latency ms", "latency hidden ms", "TLP on CPU", "TLP RUNNABLE",
                    "c₀ (idle)", "samples");
            double[] x = new double[THREADS.length];
            double[] wall = new double[THREADS.length];
            double[] tlpCpu = new double[THREADS.length];
            double[] tlpRun = new double[THREADS.length];
            double base = 0;
            for (int k = 0; k < THREADS.length; k++) {
                int threads = THREADS[k];
                progress.step("tlp: " + threads + " fetch thread(s), " + resources + " resources, sampling thread states every 1 ms");
                try (ParallelFetcher fetcher = new ParallelFetcher(threads, renderPasses, clock)) {
                    fetcher.fetchAll(Math.min(resources, 8), ports);
                    ThreadStateSampler sampler = new ThreadStateSampler(fetcher.workers(), 1_000_000, clock);
                    sampler.start();
                    ParallelFetcher.Outcome o = fetcher.fetchAll(resources, ports);
                    ThreadStateSampler.Result r = sampler.stop();
                    double wallMs = o.wallNs() / 1e6;
                    if (k == 0) {
                        base = wallMs;
                    }
                    x[k] = threads;
                    wall[k] = wallMs;
                    tlpCpu[k] = r.tlpOnCpu();
                    tlpRun[k] = r.tlpRunnable();
                    double hiddenMs = o.sumLatencyNs() / 1e6 - wallMs;
                    // Σ latency − wall is negative when nothing overlaps (the render time is in the wall time only): none hidden.
                    t.row(threads, wallMs, base / wallMs, o.sumLatencyNs() / 1e6, hiddenMs > 0 ? (Object) hiddenMs : "none",
                            tlpCpu[k], tlpRun[k], r.idleFraction(), r.samples());
                }
            }
            List<Figure> figures = new ArrayList<>();
            Axis threadsAxis = Axis.log("fetch threads", "threads");
            figures.add(plots.line("tlp-wall.png", "Page load time vs fetch threads", threadsAxis, Axis.auto("page load time", "ms"),
                    List.of(new Series("page load time, wall (ms)", x, wall)), ""));
            figures.add(plots.line("tlp-tlp.png", "Thread-level parallelism vs fetch threads", threadsAxis,
                    Axis.linear("TLP, mean threads active when any is", "threads"),
                    List.of(new Series("TLP on CPU", x, tlpCpu), new Series("TLP in JVM state RUNNABLE", x, tlpRun)), ""));
            String text = "Each fetch is a blocking HTTP/1.0 GET over loopback to a server that answers after " + delayMs
                    + " ms, followed by CPU work (rendering). One thread waits for every response in turn; k threads overlap the "
                    + "waits, which is the latency hidden (Σ per-fetch latency − wall time; 'none' when that is not positive, as "
                    + "with one thread, whose wall time also holds the rendering). TLP = Σ i·cᵢ / (1 − c₀) from 1 ms samples "
                    + "of the fetch threads. 'On CPU' counts a thread when its CPU time advanced by half the interval: it stays low "
                    + "(1–2 on this 2-core machine, like the chapter's browsers at 1.5–2.5): the threads mostly wait, so they organize "
                    + "the program and hide latency rather than run in parallel. 'RUNNABLE' is the JVM's state, which also counts a "
                    + "thread blocked in a socket read (it is in native code), and so grows with the thread count.";
            return LabResult.of("tlp", "Thread-level parallelism", run, started,
                    List.of(new Section("The multithreaded browser", text, List.of(t.build()), figures)));
        } finally {
            servers.forEach(SlowServer::close);
        }
    }
}
