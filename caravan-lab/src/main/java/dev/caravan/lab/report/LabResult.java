package dev.caravan.lab.report;

import java.util.List;

/**
 * Everything one lab command measured; written as {@code <id>.json} in the output directory and
 * read back by the HTML report.
 *
 * @param id        file stem: {@code threads}, {@code tlp} or {@code sync}
 * @param title     heading
 * @param host      where it ran, one line ({@link Machine#describe()})
 * @param startedMs wall-clock start
 * @param run       the command, its options and the machine (null in results written before it was recorded)
 * @param sections  the experiments, in order
 */
public record LabResult(String id, String title, String host, long startedMs, RunInfo run, List<Section> sections) {
    public LabResult {
        sections = List.copyOf(sections);
    }

    /** A result of {@code run}: its host line and start are the run's. */
    public static LabResult of(String id, String title, RunInfo run, long startedMs, List<Section> sections) {
        return new LabResult(id, title, run.machine().describe(), startedMs, run, sections);
    }
}
