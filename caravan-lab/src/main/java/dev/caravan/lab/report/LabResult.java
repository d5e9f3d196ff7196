package dev.caravan.lab.report;

import java.util.List;

/**
 * Everything one lab command measured; written as {@code <id>.json} in the output directory and
 * read back by the HTML report.
 *
 * @param id        file stem: {@code threads}, {@code tlp} or {@code sync}
 * @param title     heading
 * @param host      where it ran (cores, JVM, OS)
 * @param startedMs wall-clock start
 * @param sections  the experiments, in order
 */
public record LabResult(String id, String title, String host, long startedMs, List<Section> sections) {
    public LabResult {
        sections = List.copyOf(sections);
    }

    /** A one-line description of this machine and JVM. */
    public static String describeHost() {
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version() + " ("
                + System.getProperty("java.vm.name") + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch");
    }
}
