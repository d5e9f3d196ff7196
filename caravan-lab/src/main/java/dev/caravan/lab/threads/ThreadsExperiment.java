package dev.caravan.lab.threads;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Estimate;
import dev.caravan.lab.report.Figure;
import dev.caravan.lab.report.Fmt;
import dev.caravan.lab.report.LabResult;
import dev.caravan.lab.report.Plots;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.RunInfo;
import dev.caravan.lab.report.Section;
import dev.caravan.lab.report.Table;
import dev.caravan.plot.Axis;
import dev.caravan.plot.Series;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code caravan lab threads}: creation cost, direct and indirect context-switch cost, and the
 * shared-variable example. Runs on the calling thread (it starts its own threads and processes)
 * and writes PNGs into the output directory.
 */
public final class ThreadsExperiment {
    private static final int[] WORKING_SETS = {0, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 2 << 20, 4 << 20, 8 << 20, 16 << 20};

    private final LabSettings settings;
    private final Progress progress;
    private final Clock clock;
    private Plots plots;

    public ThreadsExperiment(LabSettings settings, Progress progress, Clock clock) {
        this.settings = settings;
        this.progress = progress;
        this.clock = clock;
    }

    public LabResult run() {
        long started = clock.nowMs();
        RunInfo run = RunInfo.of("caravan lab threads", settings, started);
        plots = new Plots(settings.outDir(), run);
        List<Section> sections = new ArrayList<>();
        sections.add(creation());
        sections.add(directSwitch());
        sections.add(indirectSwitch());
        sections.add(sharedVariable());
        return LabResult.of("threads", "Threads and processes", run, started, sections);
    }

    private Section creation() {
        CreationCost cc = new CreationCost(clock);
        progress.step("creation: child JVM (java -cp ... NoOpMain), median of " + settings.scaled(10, 3));
        double jvm = cc.childJvmNs(settings.scaled(10, 3));
        progress.step("creation: native process /bin/true, median of " + settings.scaled(200, 10));
        double nat = cc.nativeProcessNs(settings.scaled(200, 10));
        progress.step("creation: platform thread start+join, median of " + settings.scaled(5000, 100));
        double plat = cc.platformThreadNs(settings.scaled(5000, 100));
        progress.step("creation: virtual thread start+join, median of " + settings.scaled(50000, 1000));
        double virt = cc.virtualThreadNs(settings.scaled(50000, 1000));
        String[] names = {"child JVM", "native process (/bin/true)", "platform thread", "virtual thread"};
        double[] ns = {jvm, nat, plat, virt};
        Table.Builder t = new Table.Builder("Creation cost (start to exit, median)", "what", "µs", "× virtual thread");
        for (int i = 0; i < ns.length; i++) {
            t.row(names[i], ns[i] / 1000, ns[i] / virt);
        }
        Figure f = plots.bars("threads-creation.png", "Creation cost (median, start to exit)",
                Axis.auto("creation cost, start to exit", "µs"), List.of(names), List.of("median creation cost (µs)"),
                List.of(scale(ns, 1e-3)));
        return new Section("Creation cost", "A unit of execution is created, started, and waited for until it exits. A process costs "
                + "a fork/exec and an address space; a JVM adds its own start-up; a platform thread is a kernel thread (clone); "
                + "a virtual thread is a user-level thread: a heap object scheduled by the JVM on carrier threads.",
                List.of(t.build()), List.of(f));
    }

    private Section directSwitch() {
        int rounds = settings.scaled(20000, 500);
        String[] kinds = {"process", "platform", "virtual"};
        String[] names = {"2 processes (pipes)", "2 platform threads", "2 virtual threads"};
        double[] pinned = new double[3];
        double[] free = new double[3];
        PingPong pp = new PingPong(clock);
        for (int k = 0; k < 3; k++) {
            progress.step("switch: " + names[k] + ", pinned to one CPU, " + rounds + " round trips");
            pinned[k] = bench(kinds[k], rounds, "0").ns()[0] / 2;
            progress.step("switch: " + names[k] + ", free to use all CPUs, " + rounds + " round trips");
            free[k] = switch (k) {
                case 0 -> pp.processesNsPerRoundTrip(rounds, 0, false);
                case 1 -> warm(() -> pp.threadsNsPerRoundTrip(false, rounds, 0));
                default -> warm(() -> pp.threadsNsPerRoundTrip(true, rounds, 0));
            } / 2;
        }
        String pinNote = ChildJvm.tasksetAvailable() ? "pinned (taskset -c 0)" : "pinned (taskset missing: NOT pinned)";
        Table.Builder t = new Table.Builder("Context switch, direct cost (half a ping-pong round trip)", "between",
                "ns/switch " + pinNote, "ns/switch free", "pinned × virtual");
        for (int k = 0; k < 3; k++) {
            t.row(names[k], pinned[k], free[k], pinned[k] / pinned[2]);
        }
        Figure f = plots.bars("threads-switch.png", "Context switch cost (ping-pong)",
                Axis.auto("direct cost of a switch (half a round trip)", "ns"), List.of(names),
                List.of(ChildJvm.tasksetAvailable() ? "pinned to one CPU" : "meant to be pinned (taskset missing)", "free on all CPUs"),
                List.of(pinned, free));
        return new Section("Context switch: direct cost", "Two parties pass a token back and forth; one round trip is two "
                + "switches. Processes use two pipes (a child's stdin and stdout) and trap to the kernel on every hop; platform "
                + "threads park/unpark through the kernel (futex) without changing address space; virtual threads switch in user "
                + "space (a continuation yield and resume on the carrier). Pinned to one CPU every handoff is a real switch on that "
                + "CPU; free, the peer usually wakes on the other core and the figure is a cross-core wake-up.",
                List.of(t.build()), List.of(f));
    }

    private Section indirectSwitch() {
        int rounds = settings.scaled(20000, 200);
        int[] ws = WORKING_SETS;
        String[] wsArgs = new String[ws.length];
        for (int i = 0; i < ws.length; i++) {
            wsArgs[i] = Integer.toString(ws[i]);
        }
        progress.step("indirect: warm touch of each working set (no switch), " + SwitchBench.TOUCH_RUNS + " runs per size 0..16 MiB");
        BenchLines touch = bench("touch", settings.scaled(200, 20), wsArgs);
        progress.step("indirect: platform-thread ping-pong touching each working set, pinned");
        BenchLines threads = bench("platform", rounds, wsArgs);
        progress.step("indirect: process ping-pong touching each working set, pinned");
        BenchLines procs = bench("process", rounds, wsArgs);
        Estimate[] thr = IndirectCost.perSwitchUs(touch.touchAfter(), touch.spread(), threads.touchAfter(), threads.spread());
        Estimate[] prc = IndirectCost.perSwitchUs(touch.touchAfter(), touch.spread(), procs.touchAfter(), procs.spread());
        Table.Builder t = new Table.Builder("Context switch, indirect (cache) cost per switch", "working set per side",
                "warm touch µs", "threads: touch after switch µs", "threads: indirect µs", "threads: round trip µs",
                "processes: touch after switch µs", "processes: indirect µs", "processes: round trip µs");
        for (int i = 0; i < ws.length; i++) {
            t.row(kib(ws[i]), touch.touchAfter()[i] / 1000, threads.touchAfter()[i] / 1000, thr[i].format("µs"),
                    threads.ns()[i] / 1000, procs.touchAfter()[i] / 1000, prc[i].format("µs"), procs.ns()[i] / 1000);
        }
        // The log axis has no 0 B: that size is the reference (its indirect cost is noise alone), kept in the table.
        int from = ws[0] == 0 ? 1 : 0;
        double[] x = new double[ws.length - from];
        for (int i = from; i < ws.length; i++) {
            x[i - from] = ws[i] / 1024.0;
        }
        Figure f = plots.line("threads-indirect.png", "Indirect cost per switch (cache refill), pinned to one CPU",
                Axis.log("working set per side", "KiB"), Axis.linear("indirect cost per switch", "µs"),
                List.of(IndirectCost.series("2 platform threads", x, thr, from), IndirectCost.series("2 processes", x, prc, from)),
                "below noise, drawn at 0",
                "Open circles at 0: the cost is within its noise floor (half the spread of " + SwitchBench.TOUCH_RUNS
                        + " repeated warm-touch runs + half the spread of the touch-after-switch mean between "
                        + PingPong.BLOCKS + " blocks of rounds); the table gives each floor.",
                "The 0 B working set (the reference, not drawable on a log axis): threads " + thr[0].format("µs")
                        + ", processes " + prc[0].format("µs") + ".");
        return new Section("Context switch: indirect cost", "Each side touches its own working set (one read and write per "
                + "64-byte line) whenever it gets the token, and times that touch. Indirect cost per switch = (touch time right "
                + "after the other side ran − touch time of the same set when the cache is warm, measured without switches): "
                + "the time spent refilling the cache the other side evicted, as in the chapter's LRU figure. It stays near zero "
                + "while both sets fit in L1/L2 and grows once they do not.\n\nBoth timings are noisy, and so is their "
                + "difference: its noise floor is half the spread of " + SwitchBench.TOUCH_RUNS + " repeated warm-touch runs plus "
                + "half the spread of the touch-after-switch mean between " + PingPong.BLOCKS + " blocks of the ping-pong's "
                + "rounds. A difference within its floor (a negative one included) was not measured and reads 'below noise'. "
                + "Cache sizes of this machine: see lscpu.",
                List.of(t.build()), List.of(f));
    }

    private Section sharedVariable() {
        progress.step("shared variable: two child JVMs (eve, bob), three threads each");
        List<SharedVariableDemo.Outcome> outcomes = new SharedVariableDemo().run(settings.scaled(300, 30));
        Table.Builder t = new Table.Builder("Processes have separate copies; threads share one", "process", "x at start",
                "values its threads saw", "x at end", "threads shared x", "saw the other process's updates");
        StringBuilder text = new StringBuilder("The chapter's Python example: two processes each start three threads; "
                + "every thread sleeps a random while, increments the global x and prints it. Output:\n\n");
        for (SharedVariableDemo.Outcome o : outcomes) {
            SharedVariableDemo.Outcome other = outcomes.get(0) == o ? outcomes.get(1) : outcomes.get(0);
            boolean crossed = o.seen().stream().anyMatch(v -> v > other.initial() && v <= other.last() && !(v > o.initial() && v <= o.last()));
            t.row(o.name(), o.initial(), o.seen().toString(), o.last(), o.threadsShared() ? "yes" : "NO", crossed ? "YES" : "no");
            o.output().forEach(l -> text.append("    ").append(l).append('\n'));
        }
        return new Section("Processes vs threads: the shared variable", text.toString(), List.of(t.build()), List.of());
    }

    /** What a {@link SwitchBench} child printed, one entry per working-set size. */
    private record BenchLines(double[] ns, double[] touchAfter, double[] spread) {
    }

    private BenchLines bench(String mode, int rounds, String... wsBytes) {
        List<String> args = new ArrayList<>(List.of(mode, Integer.toString(rounds)));
        args.addAll(List.of(wsBytes));
        List<String> cmd = ChildJvm.pinnedToOneCpu(ChildJvm.command(SwitchBench.class, args.toArray(String[]::new)));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("SwitchBench " + args + " failed: " + out);
            }
            return new BenchLines(column(out, 1), column(out, 2), column(out, 3));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static double[] column(String out, int k) {
        return out.lines().mapToDouble(l -> Double.parseDouble(l.split(" ")[k])).toArray();
    }

    private static double warm(java.util.function.DoubleSupplier run) {
        run.getAsDouble();
        return run.getAsDouble();
    }

    private static double[] scale(double[] v, double k) {
        double[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] *= k;
        }
        return r;
    }

    private static String kib(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    static String fmt(double v) {
        return Fmt.num(v);
    }
}
