package dev.caravan.lab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine and JVM a lab ran on, recorded in every report so a figure can be judged against
 * its hardware.
 *
 * @param cores    processors available to the JVM
 * @param cpuModel the first {@code model name} in {@code /proc/cpuinfo}, or {@code "unknown CPU"}
 * @param jdk      runtime version and VM name
 * @param os       operating system name, kernel version and architecture
 */
public record Machine(int cores, String cpuModel, String jdk, String os) {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /** This machine, now. */
    public static Machine current() {
        List<String> cpuinfo;
        try {
            cpuinfo = Files.isReadable(CPUINFO) ? Files.readAllLines(CPUINFO) : List.of();
        } catch (IOException e) {
            cpuinfo = List.of();
        }
        return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(cpuinfo),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    /** The CPU model named in {@code /proc/cpuinfo}'s lines ({@code model name : ...}; on ARM {@code Model : ...}). */
    static String cpuModel(List<String> cpuinfo) {
        for (String key : List.of("model name", "Model", "cpu model", "Hardware")) {
            for (String line : cpuinfo) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key) && !line.substring(colon + 1).isBlank()) {
                    return line.substring(colon + 1).strip().replaceAll("\\s+", " ");
                }
            }
        }
        return "unknown CPU";
    }

    /** One line: {@code "2 cores, Intel(R) Xeon(R) ..., Java 25 (...), Linux 6.8 amd64"}. */
    public String describe() {
        return cores + " cores, " + cpuModel + ", " + jdk + ", " + os;
    }
}
