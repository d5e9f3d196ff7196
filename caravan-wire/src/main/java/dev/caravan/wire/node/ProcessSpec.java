package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to run: the body of {@link dev.caravan.wire.Op#NODE_START}.
 *
 * <pre>
 * spec := string name, string sample, string bundleHash, string className,
 *         i64 memoryBytes, i32 n, n × (string key, string value)
 * </pre>
 *
 * @param name        cluster-unique process name: letters, digits, '-', '_', '.'; 1..64 chars
 * @param sample      a built-in sample ("kv") or empty when a bundle is given
 * @param bundleHash  SHA-256 of the bundle (64 hex digits), empty for a sample
 * @param className   the class implementing the process in the bundle, empty for a sample
 * @param memoryBytes capacity of the process's paged memory
 * @param config      settings handed to the process
 */
public record ProcessSpec(String name, String sample, String bundleHash, String className, long memoryBytes,
                          Map<String, String> config) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    /** The largest paged memory a process may ask for. */
    public static final long MAX_MEMORY_BYTES = 1L << 40;

    public ProcessSpec {
        config = Map.copyOf(config);
        if (!NAME.matcher(name).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("process name '" + name
                    + "' must be 1-64 letters, digits, '-', '_' or '.'");
        }
        if (sample.isEmpty() == bundleHash.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("give either a sample or a bundle hash, not both or neither");
        }
        if (!bundleHash.isEmpty() && !HASH.matcher(bundleHash).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("bundle hash must be 64 lower-case hex digits");
        }
        if (!bundleHash.isEmpty() && className.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a bundle process needs --class");
        }
        if (memoryBytes < (1 << 20) || memoryBytes > MAX_MEMORY_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("memory must be between 1 MiB and 1 TiB, got " + memoryBytes);
        }
    }

    /** What logs and error messages may show: the values of {@code auth.*} settings (a password's hash) are hidden. */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        config.forEach((k, v) -> shown.put(k, k.startsWith("auth.") ? "(hidden)" : v));
        return "ProcessSpec[name=" + name + ", sample=" + sample + ", bundleHash=" + bundleHash + ", className=" + className
                + ", memoryBytes=" + memoryBytes + ", config=" + shown + "]";
    }

    public void writeTo(BodyWriter w) {
        w.string(name).string(sample).string(bundleHash).string(className).i64(memoryBytes).i32(config.size());
        config.forEach((k, v) -> w.string(k).string(v));
    }

    public static ProcessSpec readFrom(BodyReader r) {
        String name = r.string();
        String sample = r.string();
        String hash = r.string();
        String cls = r.string();
        long memory = r.i64();
        int n = r.count(256, "config entry");
        Map<String, String> config = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            config.put(r.string(), r.string());
        }
        return new ProcessSpec(name, sample, hash, cls, memory, config);
    }
}
