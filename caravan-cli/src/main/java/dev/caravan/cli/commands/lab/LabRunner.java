package dev.caravan.cli.commands.lab;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.report.LabResult;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.ResultStore;
import dev.caravan.lab.report.Section;
import dev.caravan.lab.report.Table;

import java.io.PrintStream;
import java.nio.file.Path;

/** Prints a lab result's tables and writes its JSON; shared by the lab subcommands. */
final class LabRunner {
    private LabRunner() {
    }

    /** Progress lines on stderr, so stdout stays the tables. */
    static Progress progress(PrintStream err) {
        long t0 = Clock.system().nanoTime();
        return what -> err.printf("[lab %6.1fs] %s%n", (Clock.system().nanoTime() - t0) / 1e9, what);
    }

    /** Prints the run (command line, options, machine), every section, and writes {@code <id>.json}; returns the JSON path. */
    static Path publish(LabResult result, Path outDir, PrintStream out) {
        out.println();
        out.println("== " + result.title());
        if (result.run() != null) {
            result.run().captionLines().forEach(l -> out.println("   " + l));
        } else {
            out.println("   machine: " + result.host());
        }
        for (Section s : result.sections()) {
            out.println();
            out.println("-- " + s.title());
            for (Table t : s.tables()) {
                out.println(t.render());
            }
            s.figures().forEach(f -> {
                out.println("  plot: " + outDir.resolve(f.file()));
                f.notes().forEach(n -> out.println("        " + n));
            });
        }
        Path json = new ResultStore(outDir).write(result);
        out.println("  json: " + json);
        return json;
    }
}
