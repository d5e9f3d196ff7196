package dev.caravan.lab;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How big and where a lab run is. Validated on construction, before any experiment starts.
 *
 * @param outDir     where JSON and PNG files go
 * @param durationMs how long each timed run (one solution under load) lasts
 * @param size       a multiplier for counts and rounds (1 = the default lab, 0.1 = CI-sized)
 */
public record LabSettings(Path outDir, long durationMs, double size) {
    public LabSettings {
        if (durationMs < 10 || durationMs > 600_000) {
            throw new IllegalArgumentException("duration must be 10 ms .. 10 min: " + durationMs + " ms");
        }
        if (!(size > 0 && size <= 100)) {
            throw new IllegalArgumentException("size must be in (0, 100]: " + size);
        }
    }

    /** {@code n} scaled by {@link #size}, at least {@code min}. */
    public int scaled(int n, int min) {
        return (int) Math.max(min, Math.round(n * size));
    }

    /**
     * Every setting by the name of the {@code caravan lab} option that sets it, with its value as
     * typed there ({@code --duration} in ms), in the order {@code --help} lists them.
     */
    public Map<String, String> options() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--out", outDir.toString());
        m.put("--duration", Long.toString(durationMs));
        m.put("--size", java.math.BigDecimal.valueOf(size).stripTrailingZeros().toPlainString());
        return m;
    }

    /** The file for {@code name} in the output directory. */
    public Path file(String name) {
        return outDir.resolve(name);
    }
}
