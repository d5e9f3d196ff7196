package dev.caravan.lab.sync;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.LabResult;
import dev.caravan.lab.report.Plots;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.RunInfo;
import dev.caravan.lab.report.Section;
import dev.caravan.lab.sync.problems.BoundedBufferProblem;
import dev.caravan.lab.sync.problems.CriticalSectionProblem;
import dev.caravan.lab.sync.problems.DiningProblem;
import dev.caravan.lab.sync.problems.PriorityInversionProblem;
import dev.caravan.lab.sync.problems.Problem;
import dev.caravan.lab.sync.problems.ReadersWritersProblem;
import dev.caravan.lab.sync.problems.SemaphoreProblem;

import java.util.ArrayList;
import java.util.List;

/** {@code caravan lab sync [PROBLEM]}: runs one or all synchronization problems on the calling thread. */
public final class SyncExperiment {
    private final List<Problem> problems;
    private final LabSettings settings;

    public SyncExperiment(LabSettings settings, Progress progress, Clock clock) {
        this.settings = settings;
        this.problems = List.of(new CriticalSectionProblem(settings, progress, clock), new SemaphoreProblem(settings, progress, clock),
                new BoundedBufferProblem(settings, progress, clock), new ReadersWritersProblem(settings, progress, clock),
                new DiningProblem(settings, progress, clock), new PriorityInversionProblem(settings, progress, clock));
    }

    /** The problem names accepted by {@link #run}. */
    public List<String> problemIds() {
        return problems.stream().map(Problem::id).toList();
    }

    /**
     * Runs the named problem, or all when {@code problem} is null or "all".
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public LabResult run(String problem, long startedMs) {
        String command = "caravan lab sync " + (problem == null ? "all" : problem);
        RunInfo run = RunInfo.of(command, settings, startedMs);
        Plots plots = new Plots(settings.outDir(), run);
        List<Section> sections = new ArrayList<>();
        for (Problem p : problems) {
            if (problem == null || problem.equals("all") || problem.equals(p.id())) {
                sections.add(p.run(plots));
            }
        }
        if (sections.isEmpty()) {
            throw new IllegalArgumentException("unknown problem '" + problem + "'; one of " + problemIds() + " or all");
        }
        String id = problem == null || problem.equals("all") ? "sync" : "sync-" + problem;
        return LabResult.of(id, "Synchronization", run, startedMs, sections);
    }
}
