package dev.caravan.lab.threads;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds command lines that start a child JVM on this JVM's class path, optionally pinned to one
 * CPU with {@code taskset}. Stateless.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java -cp <our class path> <mainClass> args...}. */
    public static List<String> command(Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The same command prefixed with {@code taskset -c 0} when taskset exists, else unchanged. */
    public static List<String> pinnedToOneCpu(List<String> command) {
        if (!tasksetAvailable()) {
            return command;
        }
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", "0"));
        cmd.addAll(command);
        return cmd;
    }

    /** Whether {@code taskset} can pin children here (Linux util-linux). */
    public static boolean tasksetAvailable() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin")) {
            if (Path.of(dir, "taskset").toFile().canExecute()) {
                return true;
            }
        }
        return false;
    }
}
