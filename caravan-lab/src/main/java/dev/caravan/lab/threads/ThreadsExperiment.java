package dev.caravan.lab.threads;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Figure;
import dev.caravan.lab.report.Fmt;
import dev.caravan.lab.report.LabResult;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.Section;
import dev.caravan.lab.report.Table;
import dev.caravan.plot.Charts;
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
    private double[] lastTouchAfterSwitch = new double[0];

    public ThreadsExperiment(LabSettings settings, Progress progress, Clock clock) {
        this.settings = settings;
        this.progress = progress;
        this.clock = clock;
    }

    public LabResult run() {
        long started = clock.nowMs();
        List<Section> sections = new ArrayList<>();
        sections.add(creation());
        sections.add(directSwitch());
        sections.add(indirectSwitch());
        sections.add(sharedVariable());
        return new LabResult("threads", "Threads and processes", LabResult.describeHost(), started, sections);
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
        Figure f = bars("threads-creation.png", "Creation cost (median, start to exit)", "µs", List.of(names),
                List.of("µs"), List.of(scale(ns, 1e-3)));
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
            pinned[k] = bench(kinds[k], rounds, 0)[0] / 2;
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
        Figure f = bars("threads-switch.png", "Context switch cost (ping-pong)", "ns per switch", List.of(names),
                List.of("one CPU", "all CPUs"), List.of(pinned, free), true);
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
        progress.step("indirect: warm touch of each working set (no switch), sizes 0..16 MiB");
        double[] touch = bench("touch", settings.scaled(200, 20), wsArgs);
        progress.step("indirect: platform-thread ping-pong touching each working set, pinned");
        double[] threads = bench("platform", rounds, wsArgs);
        double[] threadTouch = lastTouchAfterSwitch;
        progress.step("indirect: process ping-pong touching each working set, pinned");
        double[] procs = bench("process", rounds, wsArgs);
        double[] procTouch = lastTouchAfterSwitch;
        double[] x = new double[ws.length];
        double[] thr = new double[ws.length];
        double[] prc = new double[ws.length];
        Table.Builder t = new Table.Builder("Context switch, indirect (cache) cost per switch", "working set per side",
                "warm touch µs", "threads: touch after switch µs", "threads: indirect µs", "threads: round trip µs",
                "processes: touch after switch µs", "processes: indirect µs", "processes: round trip µs");
        for (int i = 0; i < ws.length; i++) {
            x[i] = ws[i] / 1024.0;
            thr[i] = (threadTouch[i] - touch[i]) / 1000;
            prc[i] = (procTouch[i] - touch[i]) / 1000;
            t.row(kib(ws[i]), touch[i] / 1000, threadTouch[i] / 1000, thr[i], threads[i] / 1000, procTouch[i] / 1000, prc[i],
                    procs[i] / 1000);
        }
        Figure f;
        try {
            f = new Figure("Indirect cost of a switch vs working set",
                    Charts.line(settings.file("threads-indirect.png"), "Indirect cost per switch (cache refill), pinned to one CPU",
                            "working set per side (KiB)", "µs per switch", List.of(new Series("2 platform threads", x, thr),
                                    new Series("2 processes", x, prc)), List.of(), false).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Section("Context switch: indirect cost", "Each side touches its own working set (one read and write per "
                + "64-byte line) whenever it gets the token, and times that touch. Indirect cost per switch = (touch time right "
                + "after the other side ran − touch time of the same set when the cache is warm, measured without switches): "
                + "the time spent refilling the cache the other side evicted, as in the chapter's LRU figure. It stays near zero while both sets fit in L1/L2 and grows once they "
                + "do not. This machine: L1d 48 KiB/core, L2 1 MiB/core, L3 shared (see lscpu).",
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

    private double[] bench(String mode, int rounds, String... wsBytes) {
        List<String> args = new ArrayList<>(List.of(mode, Integer.toString(rounds)));
        args.addAll(List.of(wsBytes.length == 0 ? new String[] {"0"} : wsBytes));
        List<String> cmd = ChildJvm.pinnedToOneCpu(ChildJvm.command(SwitchBench.class, args.toArray(String[]::new)));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("SwitchBench " + args + " failed: " + out);
            }
            lastTouchAfterSwitch = out.lines().mapToDouble(l -> Double.parseDouble(l.split(" ")[2])).toArray();
            return out.lines().mapToDouble(l -> Double.parseDouble(l.split(" ")[1])).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private double[] bench(String mode, int rounds, int wsBytes) {
        return bench(mode, rounds, Integer.toString(wsBytes));
    }

    private static double warm(java.util.function.DoubleSupplier run) {
        run.getAsDouble();
        return run.getAsDouble();
    }

    private Figure bars(String file, String title, String yLabel, List<String> cats, List<String> series, List<double[]> values) {
        return bars(file, title, yLabel, cats, series, values, true);
    }

    private Figure bars(String file, String title, String yLabel, List<String> cats, List<String> series, List<double[]> values,
                        boolean logY) {
        return dev.caravan.lab.report.Plots.bars(settings.outDir(), file, title, yLabel, cats, series, values, logY);
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
