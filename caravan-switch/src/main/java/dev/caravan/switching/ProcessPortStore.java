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
 * The ports of the automatic front ends — one per RESP process, one per HTTP service —
 * remembered across restarts of the switch so that clients find a process or a service at the
 * same switch address again. File {@code <state-dir>/process-ports.json}, version 2:
 * <pre>
 * {"version": 2, "processes": {"kv1": 40123, "cache": 40177}, "services": {"web": 40200}}
 * </pre>
 * Version 1 ({@code {"version": 1, "ports": {"kv1": 40123}}}, process ports only, written before
 * services had front ends) is read as version 2 with no services and rewritten as version 2 on
 * the next change. The file is written whole to a temporary file and renamed over the old one
 * (never half-written). A file that cannot be read, of an unknown version, or with bad entries is
 * ignored with a WARNING (the ports are then chosen afresh): losing remembered ports is better
 * than not starting.
 *
 * <p>Threading: thread-safe (one lock).
 */
public final class ProcessPortStore {
    public static final String FILE_NAME = "process-ports.json";
    static final int VERSION = 2;
    private static final int MAX_FILE_BYTES = 1 << 20;
    private static final System.Logger LOG = System.getLogger(ProcessPortStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final TreeMap<String, Integer> processes = new TreeMap<>();
    private final TreeMap<String, Integer> services = new TreeMap<>();

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
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IOException("larger than 1 MiB");
            }
            JsonNode root = JSON.readTree(file.toFile());
            int version = root != null && root.path("version").isInt() ? root.get("version").intValue() : -1;
            if (version == 1 && root.path("ports").isObject()) {
                read(root.get("ports"), processes);
            } else if (version == VERSION && root.path("processes").isObject() && root.path("services").isObject()) {
                read(root.get("processes"), processes);
                read(root.get("services"), services);
            } else {
                throw new IOException("not a version 1 or " + VERSION + " port file");
            }
        } catch (IOException | RuntimeException e) {
            processes.clear();
            services.clear();
            LOG.log(System.Logger.Level.WARNING, "ignoring " + file + " (" + e.getMessage()
                    + "); automatic front ends get new ports");
        }
    }

    private static void read(JsonNode object, Map<String, Integer> into) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            JsonNode p = e.getValue();
            if (p.isInt() && p.intValue() > 0 && p.intValue() <= 65535) {
                into.put(e.getKey(), p.intValue());
            }
        }
    }

    /** The remembered port of {@code process}'s front end, or 0. */
    public synchronized int port(String process) {
        return processes.getOrDefault(process, 0);
    }

    /** The remembered port of {@code service}'s front end, or 0. */
    public synchronized int servicePort(String service) {
        return services.getOrDefault(service, 0);
    }

    /** Remembers (port &gt; 0) or forgets (port 0) a process's port and rewrites the file if it changed. */
    public synchronized void put(String process, int port) throws IOException {
        if (change(processes, process, port)) {
            write();
        }
    }

    /** Remembers (port &gt; 0) or forgets (port 0) a service's port and rewrites the file if it changed. */
    public synchronized void putService(String service, int port) throws IOException {
        if (change(services, service, port)) {
            write();
        }
    }

    private static boolean change(Map<String, Integer> ports, String key, int port) {
        Integer old = port > 0 ? ports.put(key, port) : ports.remove(key);
        return old == null ? port != 0 : old != port;
    }

    private void write() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ObjectNode p = root.putObject("processes");
        processes.forEach(p::put);
        ObjectNode s = root.putObject("services");
        services.forEach(s::put);
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every remembered process port, by process name. */
    public synchronized Map<String, Integer> all() {
        return Map.copyOf(processes);
    }

    /** Every remembered service port, by service name. */
    public synchronized Map<String, Integer> services() {
        return Map.copyOf(services);
    }
}
