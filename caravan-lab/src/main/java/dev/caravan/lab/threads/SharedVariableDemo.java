package dev.caravan.lab.threads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs two {@link SharedVariableChild} processes ("eve" and "bob") at once and collects what they
 * printed: each process's threads share its {@code sharedX} (it rises by one per thread), while
 * the two processes never see each other's increments. Call from one thread at a time.
 */
public final class SharedVariableDemo {
    /**
     * What one process saw.
     *
     * @param name    process name
     * @param initial its x before its threads ran
     * @param seen    the values its threads saw after incrementing, in print order
     * @param last    its x after its threads ran
     * @param output  everything it printed (the human lines)
     */
    public record Outcome(String name, int initial, List<Integer> seen, int last, List<String> output) {
        /** True when all three threads shared one variable: x rose by exactly one per thread. */
        public boolean threadsShared() {
            return last == initial + 3 && seen.stream().sorted().toList().equals(List.of(initial + 1, initial + 2, initial + 3));
        }
    }

    /** Starts both processes, waits for them, and returns what each saw. */
    public List<Outcome> run(int maxSleepMs) {
        try {
            List<Process> ps = new ArrayList<>();
            for (String name : List.of("eve", "bob")) {
                ps.add(new ProcessBuilder(ChildJvm.command(SharedVariableChild.class, name, Integer.toString(maxSleepMs)))
                        .redirectErrorStream(true).start());
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                String out = new String(ps.get(i).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                ps.get(i).waitFor();
                outcomes.add(parse(i == 0 ? "eve" : "bob", out));
            }
            return outcomes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Outcome parse(String name, String out) {
        int initial = -1;
        int last = -1;
        List<Integer> seen = new ArrayList<>();
        List<String> human = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            switch (f[0]) {
                case "INIT" -> initial = Integer.parseInt(f[2]);
                case "SEEN" -> seen.add(Integer.parseInt(f[2]));
                case "FINAL" -> last = Integer.parseInt(f[2]);
                default -> human.add(line);
            }
        }
        if (initial < 0 || last < 0) {
            throw new IllegalStateException("child " + name + " printed no result:\n" + out);
        }
        return new Outcome(name, initial, seen, last, human);
    }
}
