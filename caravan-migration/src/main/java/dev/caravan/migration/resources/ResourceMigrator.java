package dev.caravan.migration.resources;

import dev.caravan.wire.node.ResourceProtocol;

import dev.caravan.core.process.ResourceBinding;
import dev.caravan.core.process.ResourceBinding.Action;
import dev.caravan.migration.resources.ResourcePlanner.Decision;
import dev.caravan.migration.resources.ResourcePlanner.Facts;
import dev.caravan.migration.resources.ResourceUri.Kind;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's side of resource migration (one per node), applying {@link ResourcePlanner}'s
 * decisions to real resources (kinds in {@link ResourceUri}); the protocol is drawn in
 * {@link ResourceProtocol}. Layout under the node's resource directory: {@code lib/<name>}
 * holds the libraries every node has; {@code files/<process>/<name>} holds files that moved
 * or were copied here; device stand-ins are wherever the device registry says, inside it.
 *
 * <p>Threading: {@link #prepare} and {@link #finishAtSource} run on the migration thread at the
 * source (prepare while the process is suspended, so its files do not change underneath);
 * {@link #install} and {@link #discardInstalled} on the destination's control connection thread
 * of that migration; {@link #readExported} on any control connection thread; {@link #open} on
 * process threads. The only shared state is the export registry, a concurrent map, and each
 * process's files are touched by one migration at a time; so the class is thread-safe.
 *
 * <p>Exports are what this node serves to others: files, libraries and devices left behind as
 * global references. Only those are ever read for another node, looked up by exact name, never
 * by a path. They live in memory: a restarted node no longer serves them.
 */
public final class ResourceMigrator {
    private final String nodeId;
    private final Path resourceDir;
    private final Map<String, Path> devices;
    private final String controlHostPort;
    private final RemoteResourceReader remote;
    private final Map<String, Export> exported = new ConcurrentHashMap<>();
    private volatile boolean draining;

    private record Export(Path path, String localUri) {
    }

    /** A node whose references to other nodes cannot be read ({@link RemoteResourceReader#unavailable()}). */
    public ResourceMigrator(String nodeId, Path nodeResourceDir, Map<String, String> localDevicesByType,
                            String controlHostPort) {
        this(nodeId, nodeResourceDir, localDevicesByType, controlHostPort, RemoteResourceReader.unavailable());
    }

    /**
     * Validates the device registry before anything runs: types are safe names, paths resolve
     * (relative to {@code nodeResourceDir}) to places inside it.
     *
     * @param localDevicesByType device type ("printer") → its stand-in file
     * @param controlHostPort    this node's control address, where others read its exports
     */
    public ResourceMigrator(String nodeId, Path nodeResourceDir, Map<String, String> localDevicesByType,
                            String controlHostPort, RemoteResourceReader remote) {
        this.nodeId = ResourceUri.checkSegment(nodeId, "node id");
        this.resourceDir = nodeResourceDir.toAbsolutePath().normalize();
        Map<String, Path> d = new TreeMap<>();
        localDevicesByType.forEach((type, path) -> {
            Path p = resourceDir.resolve(path).normalize();
            if (!p.startsWith(resourceDir)) {
                throw ErrorCode.INVALID_ARGUMENT.exception("device " + type + " at " + path + " is outside " + resourceDir);
            }
            d.put(ResourceUri.checkSegment(type, "device type"), p);
        });
        this.devices = Map.copyOf(d);
        this.controlHostPort = controlHostPort;
        this.remote = remote;
    }

    /** This node's control address, as given. */
    public String controlHostPort() {
        return controlHostPort;
    }

    /** While draining, nothing is left behind here as a global reference (the planner's GR is impossible). */
    public void draining(boolean on) {
        draining = on;
    }

    /**
     * Source side, with the process suspended: plans every declared resource, reads the bytes
     * of those that move or are copied and exports those left behind.
     *
     * @param process     the process's name here (it qualifies the exports)
     * @param currentUris the process's current URI per resource; a missing entry means the declared one
     * @param cloning     a clone: nothing moves away from the original (MV becomes impossible)
     * @throws CaravanException INVALID_ARGUMENT when a resource has no possible action (nothing is exported then)
     */
    public List<ResourceTransfer> prepare(String process, List<ResourceBinding> declared,
                                          Map<String, String> currentUris, boolean cloning) {
        ResourceUri.checkSegment(process, "process name");
        if (declared.size() > ResourceProtocol.MAX_TRANSFERS) {
            throw ErrorCode.TOO_LARGE.exception(declared.size() + " resources exceed " + ResourceProtocol.MAX_TRANSFERS);
        }
        List<ResourceTransfer> out = new ArrayList<>();
        Map<String, Export> toExport = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        long budget = ResourceProtocol.MAX_TOTAL_PAYLOAD_BYTES;
        for (ResourceBinding b : declared) {
            String name = ResourceUri.checkSegment(b.name(), "resource name");
            if (!names.add(name)) {
                throw ErrorCode.INVALID_ARGUMENT.exception("resource " + name + " is declared twice");
            }
            String text = currentUris.getOrDefault(name, b.uri());
            ResourceUri uri = ResourceUri.parse(text);
            Path local = localPath(uri);
            boolean present = uri.kind() == Kind.TCP || uri.kind() == Kind.REF || (local != null && Files.isRegularFile(local));
            long size = present && local != null && uri.kind() != Kind.DEVICE ? ResourceFiles.sizeOf(local) : -1;
            Decision d = ResourcePlanner.plan(name, b.binding(), b.attachment(),
                    new Facts(uri.kind(), size, present, ResourceTransfer.MAX_PAYLOAD_BYTES, budget, !draining, cloning));
            boolean bytes = d.action() == Action.MOVE || d.action() == Action.COPY || d.fallback() == Action.COPY;
            byte[] payload = bytes ? ResourceFiles.readAll(local) : new byte[0];
            budget -= payload.length;
            String reference = "";
            if (d.action() == Action.GLOBAL_REFERENCE || d.fallback() == Action.GLOBAL_REFERENCE) {
                if (uri.kind() == Kind.TCP || uri.kind() == Kind.REF) {
                    reference = text;
                } else {
                    toExport.put(ResourceUri.qualified(process, name), new Export(local, text));
                    reference = ResourceUri.reference(nodeId, process, name);
                }
            }
            out.add(new ResourceTransfer(name, b.binding(), b.attachment(), d.action(), d.fallback(), text, reference, payload));
        }
        exported.putAll(toExport);
        return List.copyOf(out);
    }

    /**
     * Destination side, before commit: writes moved and copied files, rebinds to this node's own
     * devices and libraries, keeps global references (one to this very node turns back into the
     * local URI). On failure nothing it wrote remains.
     *
     * @return resource name → its URI here, in the order of the transfers
     * @throws CaravanException NOT_FOUND for a REBIND with no local resource of the type and no fallback
     */
    public Map<String, String> install(String process, List<ResourceTransfer> transfers) {
        ResourceUri.checkSegment(process, "process name");
        Map<String, String> uris = new LinkedHashMap<>();
        List<Path> written = new ArrayList<>();
        try {
            for (ResourceTransfer t : transfers) {
                ResourceUri src = ResourceUri.parse(t.sourceUri());
                Action a = t.action();
                if (a == Action.REBIND) {
                    Path own = localPath(src);
                    a = ResourcePlanner.resolveRebind(t.name(), src.text(), t.fallback(),
                            own != null && Files.isRegularFile(own), nodeId);
                }
                String uri = switch (a) {
                    case REBIND -> src.text();
                    case GLOBAL_REFERENCE -> localIfOurs(t.referenceUri());
                    case MOVE, COPY -> {
                        if (src.kind() == Kind.LIB && ResourceFiles.sameBytes(libPath(src.first()), t.payload())) {
                            yield src.text();
                        }
                        Path p = ResourceFiles.write(filesDir(process), t.name(), t.payload());
                        written.add(p);
                        yield "file:" + p;
                    }
                };
                if (uris.put(t.name(), uri) != null) {
                    throw ErrorCode.INVALID_ARGUMENT.exception("resource " + t.name() + " arrives twice");
                }
            }
        } catch (RuntimeException e) {
            written.forEach(ResourceFiles::deleteQuietly);
            throw e;
        }
        return uris;
    }

    /** Destination side, when the migration aborts after {@link #install}: deletes the files it wrote. */
    public void discardInstalled(String process, List<ResourceTransfer> transfers) {
        for (ResourceTransfer t : transfers) {
            if (t.action() == Action.MOVE || t.action() == Action.COPY || t.fallback() == Action.COPY) {
                ResourceFiles.deleteQuietly(filesDir(process).resolve(t.name()));
            }
        }
    }

    /** Source side, only after commit: deletes the files that moved. Copies and everything else stay. */
    public void finishAtSource(List<ResourceTransfer> transfers) {
        for (ResourceTransfer t : transfers) {
            ResourceUri src = ResourceUri.parse(t.sourceUri());
            if (t.action() == Action.MOVE && src.kind() == Kind.FILE) {
                try {
                    Files.deleteIfExists(src.path());
                } catch (IOException e) {
                    throw new UncheckedIOException("deleting moved resource " + src.path(), e);
                }
            }
        }
    }

    /**
     * Opens a resource for a process: files, devices (through this node's registry), libraries
     * and references to this node locally; references to other nodes through the remote reader.
     *
     * @throws CaravanException NOT_SUPPORTED for {@code tcp://}: processes connect to endpoints
     *                          themselves; NOT_FOUND for an unknown device type or library
     */
    public InputStream open(String uriText) throws IOException {
        ResourceUri uri = ResourceUri.parse(uriText);
        return switch (uri.kind()) {
            case TCP -> throw ErrorCode.NOT_SUPPORTED.exception(uriText + " is an endpoint: connect to it, do not open it");
            case REF -> uri.first().equals(nodeId) ? Files.newInputStream(export(uri.second()).path())
                    : new RemoteResourceStream(remote, uri.first(), uri.second());
            case FILE, LIB, DEVICE -> {
                Path p = localPath(uri);
                if (p == null || !Files.isRegularFile(p)) {
                    throw ErrorCode.NOT_FOUND.exception(uriText + " does not exist on node " + nodeId);
                }
                yield Files.newInputStream(p);
            }
        };
    }

    /**
     * Serves another node's read of a resource left here as a global reference: up to
     * {@code maxBytes} from {@code offset}, empty at the end. Only exported names are served.
     *
     * @throws CaravanException NOT_FOUND for a name that is not exported (or whose file is gone)
     */
    public byte[] readExported(String qualifiedName, long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0 || maxBytes > ResourceProtocol.MAX_READ_CHUNK_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("bad read of " + qualifiedName + " at " + offset + " for " + maxBytes);
        }
        return ResourceFiles.readChunk(export(qualifiedName).path(), offset, maxBytes, qualifiedName);
    }

    /** Names this node serves through {@link #readExported}. */
    public Set<String> exportedNames() {
        return Set.copyOf(exported.keySet());
    }

    private Export export(String qualifiedName) {
        Export e = exported.get(qualifiedName);
        if (e == null) {
            throw ErrorCode.NOT_FOUND.exception("node " + nodeId + " exports no resource '" + qualifiedName + "'");
        }
        return e;
    }

    private String localIfOurs(String reference) {
        ResourceUri ref = ResourceUri.parse(reference);
        if (ref.kind() == Kind.REF && ref.first().equals(nodeId)) {
            Export e = exported.get(ref.second());
            if (e != null) {
                return e.localUri();
            }
        }
        return reference;
    }

    private Path localPath(ResourceUri uri) {
        return switch (uri.kind()) {
            case FILE -> uri.path();
            case LIB -> libPath(uri.first());
            case DEVICE -> devices.get(uri.first());
            case TCP, REF -> null;
        };
    }

    private Path libPath(String name) {
        return resourceDir.resolve("lib").resolve(ResourceUri.checkSegment(name, "library"));
    }

    private Path filesDir(String process) {
        return resourceDir.resolve("files").resolve(ResourceUri.checkSegment(process, "process name"));
    }
}
