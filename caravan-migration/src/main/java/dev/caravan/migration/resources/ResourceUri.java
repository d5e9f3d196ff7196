package dev.caravan.migration.resources;

import dev.caravan.wire.ErrorCode;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a process's resource is, parsed. Five kinds:
 *
 * <table>
 * <caption>Resource URI kinds</caption>
 * <tr><th>URI</th><th>kind</th><th>what it names</th></tr>
 * <tr><td>{@code file:/abs/path}</td><td>{@link Kind#FILE}</td>
 *     <td>a data file on the node the process runs on; can be moved, copied or exported</td></tr>
 * <tr><td>{@code tcp://host:port}</td><td>{@link Kind#TCP}</td>
 *     <td>a communication endpoint (a server); already global, never moved, copied or opened
 *     by the node: processes connect to it themselves</td></tr>
 * <tr><td>{@code device:<type>}</td><td>{@link Kind#DEVICE}</td>
 *     <td>a node-local device of a type ("printer", "gpu"), resolved through the node's device
 *     registry (type → a file under the node's directory standing in for the device); fixed to
 *     its node, so never moved or copied: exported or rebound</td></tr>
 * <tr><td>{@code lib:<name>}</td><td>{@link Kind#LIB}</td>
 *     <td>a library available on every node, at {@code <resourceDir>/lib/<name>}; bound by
 *     value</td></tr>
 * <tr><td>{@code caravan-ref://<node>/<process>/<resource>}</td><td>{@link Kind#REF}</td>
 *     <td>a global reference to a resource left behind on {@code node}, read through that
 *     node's control port</td></tr>
 * </table>
 *
 * Names, types and path segments match {@code [A-Za-z0-9_.-]{1,64}} and are never {@code .}
 * or {@code ..}, so no segment can climb out of a directory. Immutable and thread-safe.
 *
 * @param kind  the kind
 * @param text  the URI as written
 * @param first FILE: the path; TCP: host; DEVICE: type; LIB: name; REF: node
 * @param second TCP: port; REF: the qualified resource name {@code process/resource}; else ""
 */
public record ResourceUri(Kind kind, String text, String first, String second) {
    /** The scheme of a global reference. */
    public static final String REF_SCHEME = "caravan-ref://";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** What a URI names. */
    public enum Kind {
        FILE, TCP, DEVICE, LIB, REF
    }

    /** Parses a resource URI; anything else is {@link ErrorCode#INVALID_ARGUMENT}. */
    public static ResourceUri parse(String uri) {
        if (uri.startsWith("file:")) {
            String p = uri.substring(5);
            Path path;
            try {
                path = Path.of(p);
            } catch (InvalidPathException e) {
                throw invalid(uri, e.getMessage());
            }
            if (!p.startsWith("/") || !path.isAbsolute() || !path.normalize().equals(path)) {
                throw invalid(uri, "a file URI needs a normalized absolute path");
            }
            return new ResourceUri(Kind.FILE, uri, p, "");
        }
        if (uri.startsWith("tcp://")) {
            String hp = uri.substring(6);
            int colon = hp.lastIndexOf(':');
            if (colon <= 0 || !hp.substring(colon + 1).matches("[0-9]{1,5}")
                    || Integer.parseInt(hp.substring(colon + 1)) > 65535) {
                throw invalid(uri, "a tcp URI is tcp://host:port");
            }
            return new ResourceUri(Kind.TCP, uri, hp.substring(0, colon), hp.substring(colon + 1));
        }
        if (uri.startsWith("device:")) {
            return new ResourceUri(Kind.DEVICE, uri, segment(uri.substring(7), uri), "");
        }
        if (uri.startsWith("lib:")) {
            return new ResourceUri(Kind.LIB, uri, segment(uri.substring(4), uri), "");
        }
        if (uri.startsWith(REF_SCHEME)) {
            String[] parts = uri.substring(REF_SCHEME.length()).split("/", -1);
            if (parts.length != 3) {
                throw invalid(uri, "a reference is caravan-ref://node/process/resource");
            }
            return new ResourceUri(Kind.REF, uri, segment(parts[0], uri),
                    qualified(segment(parts[1], uri), segment(parts[2], uri)));
        }
        throw invalid(uri, "unknown scheme (file:, tcp://, device:, lib:, caravan-ref://)");
    }

    /** {@code caravan-ref://node/process/resource}. */
    public static String reference(String node, String process, String resource) {
        return REF_SCHEME + checkSegment(node, "node") + "/" + qualified(process, resource);
    }

    /** The name a resource is exported under: {@code process/resource}, both checked segments. */
    public static String qualified(String process, String resource) {
        return checkSegment(process, "process name") + "/" + checkSegment(resource, "resource name");
    }

    /** Returns {@code s} if it is a safe name segment, else throws INVALID_ARGUMENT. */
    public static String checkSegment(String s, String what) {
        return dev.caravan.wire.node.ResourceProtocol.checkSegment(s, what);
    }

    /** FILE only: the path. */
    public Path path() {
        return Path.of(first);
    }

    private static String segment(String s, String uri) {
        if (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
            throw invalid(uri, "'" + s + "' is not a valid name");
        }
        return s;
    }

    private static RuntimeException invalid(String uri, String why) {
        return ErrorCode.INVALID_ARGUMENT.exception("resource URI '" + uri + "': " + why);
    }
}
