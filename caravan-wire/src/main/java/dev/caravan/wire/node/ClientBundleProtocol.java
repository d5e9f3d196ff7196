package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Code on demand: how a client asks the node hosting a process for the process's client bundle
 * ({@link dev.caravan.wire.Op#NODE_CLIENT_BUNDLE}), and where a deployment declares it.
 *
 * <pre>
 * request := string process, string cachedHash       ("" when the client holds no copy)
 * reply   := string hash, string entryClass, bytes jar
 *            (jar is empty when hash == cachedHash: the client's copy is current)
 * </pre>
 *
 * <p>A process publishes client code through two settings of its deployment ({@link ProcessSpec#config()}),
 * so the declaration travels with the process through every migration, clone and checkpoint:
 * {@value #BUNDLE_KEY} (the SHA-256 of a jar stored content-addressed like any bundle) and
 * {@value #CLASS_KEY} (the class in it that the client instantiates). Errors: NOT_HERE when the
 * process is not on the asked node (look it up again), NOT_FOUND when it publishes no client code.
 * The jar is at most {@link NodeProtocol#MAX_BUNDLE_BYTES}; the node sends only bytes that hash to
 * {@code hash}, and the client verifies them again before loading them.
 */
public final class ClientBundleProtocol {
    /** Setting holding the client bundle's SHA-256 (64 lower-case hex digits). */
    public static final String BUNDLE_KEY = "client.bundle";
    /** Setting holding the client bundle's entry class (a binary class name). */
    public static final String CLASS_KEY = "client.class";
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CLASS_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    private ClientBundleProtocol() {
    }

    /** What a deployment publishes: its client bundle's hash and entry class. */
    public record Declaration(String hash, String entryClass) {
    }

    /**
     * The client code {@code config} declares, if any.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT when only one of the two settings is
     *                                           given, or the hash or class name is malformed
     */
    public static java.util.Optional<Declaration> declared(Map<String, String> config) {
        String hash = config.get(BUNDLE_KEY);
        String entry = config.get(CLASS_KEY);
        if (hash == null && entry == null) {
            return java.util.Optional.empty();
        }
        if (hash == null || entry == null) {
            throw ErrorCode.INVALID_ARGUMENT.exception("client code needs both " + BUNDLE_KEY + " and " + CLASS_KEY
                    + " (deploy with --client-bundle JAR --client-class CLASS)");
        }
        if (!HASH.matcher(hash).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception(BUNDLE_KEY + " must be 64 lower-case hex digits, got '" + hash + "'");
        }
        if (entry.length() > 512 || !CLASS_NAME.matcher(entry).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception(CLASS_KEY + " must be a class name, got '" + entry + "'");
        }
        return java.util.Optional.of(new Declaration(hash, entry));
    }

    public static byte[] request(String process, String cachedHash) {
        return new BodyWriter().string(process).string(cachedHash).toBytes();
    }

    /** A reply: what the process publishes, with the jar's bytes or none when the client's copy is current. */
    public record Reply(String hash, String entryClass, byte[] jar) {
        public void writeTo(BodyWriter w) {
            w.string(hash).string(entryClass).bytes(jar);
        }

        /**
         * Reads a reply, refusing a jar larger than {@code maxJarBytes} before copying it.
         *
         * @throws dev.caravan.wire.CaravanException TOO_LARGE, MALFORMED
         */
        public static Reply readFrom(BodyReader r, int maxJarBytes) {
            String hash = r.string();
            String entry = r.string();
            int[] length = new int[1];
            int at = r.bytesInPlace(length);
            if (length[0] > maxJarBytes) {
                throw ErrorCode.TOO_LARGE.exception("client bundle of " + length[0] + " bytes exceeds the limit of "
                        + maxJarBytes + " bytes");
            }
            byte[] jar = java.util.Arrays.copyOfRange(r.array(), at, at + length[0]);
            r.expectEnd();
            return new Reply(hash, entry, jar);
        }
    }
}
