package dev.caravan.switching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ports of the automatic process front ends, remembered across restarts of the switch so that
 * clients find a process at the same switch address again. File {@code <state-dir>/process-ports.json}:
 * <pre>
 * {"version": 1, "ports": {"kv1": 40123, "cache": 40177}}
 * </pre>
 * written whole to a temporary file and renamed over the old one (never half-written). A file
 * that cannot be read, of another version, or with bad entries is ignored with a WARNING (the
 * ports are then chosen afresh): losing remembered ports is better than not starting.
 *
 * <p>Threading: thread-safe (one lock).
 */
public final class ProcessPortStore {
    public static final String FILE_NAME = "process-ports.json";
    static final int VERSION = 1;
    private static final System.Logger LOG = System.getLogger(ProcessPortStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final TreeMap<String, Integer> ports = new TreeMap<>();

    private ProcessPortStore(Path file) {
        this.file = file;
    }

    /** Loads the file in {@code stateDir} (creating the directory); an absent file is an empty store. */
    public static ProcessPortStore open(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        ProcessPortStore store = new ProcessPortStore(stateDir.resolve(FILE_NAME));
        store.load();
        return store;
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            if (Files.size(file) > (1 << 20)) {
                throw new IOException("larger than 1 MiB");
            }
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.path("version").isInt() || root.get("version").intValue() != VERSION
                    || !root.path("ports").isObject()) {
                throw new IOException("not a version " + VERSION + " port file");
            }
            for (Map.Entry<String, JsonNode> e : root.get("ports").properties()) {
                JsonNode p = e.getValue();
                if (p.isInt() && p.intValue() > 0 && p.intValue() <= 65535) {
                    ports.put(e.getKey(), p.intValue());
                }
            }
        } catch (IOException | RuntimeException e) {
            ports.clear();
            LOG.log(System.Logger.Level.WARNING, "ignoring " + file + " (" + e.getMessage()
                    + "); process front ends get new ports");
        }
    }

    /** The remembered port of {@code process}'s front end, or 0. */
    public synchronized int port(String process) {
        return ports.getOrDefault(process, 0);
    }

    /** Remembers (port &gt; 0) or forgets (port 0) a process's port and rewrites the file if it changed. */
    public synchronized void put(String process, int port) throws IOException {
        Integer old = port > 0 ? ports.put(process, port) : ports.remove(process);
        if (old == null ? port == 0 : old == port) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ObjectNode p = root.putObject("ports");
        ports.forEach(p::put);
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Everything remembered, by process name. */
    public synchronized Map<String, Integer> all() {
        return Map.copyOf(ports);
    }
}
