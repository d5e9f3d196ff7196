package dev.caravan.cli.commands.lab;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.report.HtmlReport;
import dev.caravan.lab.report.LabResult;
import dev.caravan.lab.report.ResultStore;
import dev.caravan.lab.sync.SyncExperiment;
import dev.caravan.lab.threads.ThreadsExperiment;
import dev.caravan.lab.tlp.TlpExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code caravan lab report}: one HTML page with every table and plot of the lab. Runs the
 * experiments whose results are missing from {@code --out}, or all of them with {@code --run}.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write one self-contained HTML page with every table and plot (runs missing experiments).")
public final class LabReportCommand implements Callable<Integer> {
    @Mixin
    LabOptions options;

    @Option(names = "--run", description = "Run every experiment again, even when results exist.")
    boolean rerun;

    @Override
    public Integer call() {
        var settings = options.settings();
        var store = new ResultStore(settings.outDir());
        var progress = LabRunner.progress(System.err);
        List<LabResult> results = new ArrayList<>();
        for (String id : List.of("threads", "tlp", "sync")) {
            var existing = rerun ? java.util.Optional.<LabResult>empty() : store.read(id);
            if (existing.isPresent()) {
                progress.step("report: using " + settings.outDir().resolve(id + ".json"));
                results.add(existing.get());
                continue;
            }
            progress.step("report: running " + id);
            LabResult r = switch (id) {
                case "threads" -> new ThreadsExperiment(settings, progress, Clock.system()).run();
                case "tlp" -> new TlpExperiment(settings, progress, Clock.system()).run();
                default -> new SyncExperiment(settings, progress, Clock.system()).run("all", Clock.system().nowMs());
            };
            LabRunner.publish(r, settings.outDir(), System.out);
            results.add(r);
        }
        var page = HtmlReport.write(settings.outDir(), results);
        System.out.println("report: " + page.toAbsolutePath());
        return 0;
    }
}
