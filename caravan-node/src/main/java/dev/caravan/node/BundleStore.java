package dev.caravan.node;

import dev.caravan.mobility.enhance.EnhancedBundle;
import dev.caravan.mobility.enhance.LoopBundles;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.signing.BundleSignature;
import dev.caravan.wire.security.signing.CodePolicy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content-addressed code bundles: each jar is stored as {@code <sha256>.jar} and loaded by one
 * class loader per hash, whose parent is the runtime's loader (so bundles see the process API
 * and nothing of each other). A bundle's detached signature, when it came with one, is stored
 * beside it as {@code <sha256>.sig} ({@link BundleSignature} format) and handed on to nodes that
 * pull the bundle.
 *
 * <p>Signed code: the store's {@link CodePolicy} is checked when a bundle arrives
 * ({@link #put}) and again every time a class loader is asked for ({@link #loader}), before any
 * class of it is loaded — so a revocation in the trust directory stops the next start, arrival
 * or evaluation of that code without a restart. Thread-safe.
 */
public final class BundleStore implements AutoCloseable {
    private static final java.util.regex.Pattern HASH = java.util.regex.Pattern.compile("[0-9a-f]{64}");
    private final Path dir;
    private final ClassLoader parent;
    private final CodePolicy policy;
    private final Map<String, ClassLoader> loaders = new ConcurrentHashMap<>();
    /** The strong-mobility bundles among them, enhanced when first loaded. */
    private final Map<String, EnhancedBundle> enhanced = new ConcurrentHashMap<>();

    /**
     * @param policy whether signatures are required, and which keys are trusted
     */
    public BundleStore(Path dir, ClassLoader parent, CodePolicy policy) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.parent = parent;
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    public CodePolicy policy() {
        return policy;
    }

    /** SHA-256 of {@code bytes} as 64 lower-case hex digits. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Stores a bundle and returns its hash.
     *
     * @param expectedHash the hash the bundle was offered under, or empty
     * @throws dev.caravan.wire.CaravanException BUNDLE_HASH_MISMATCH when the bytes hash to something else,
     *                                           MALFORMED when they are not a jar
     */
    public String put(byte[] jar, String expectedHash) throws IOException {
        return put(jar, expectedHash, null);
    }

    /**
     * Stores a bundle with its detached signature and returns its hash. The signature is checked
     * first ({@link CodePolicy#check}); without one, a signature stored earlier for the same hash
     * is what is checked. Nothing is stored when the code is refused.
     *
     * @param signature {@link BundleSignature} bytes, or null/empty for none
     * @throws dev.caravan.wire.CaravanException UNTRUSTED_CODE when the policy refuses the bundle,
     *                                           BUNDLE_HASH_MISMATCH, MALFORMED as {@link #put(byte[], String)}
     */
    public String put(byte[] jar, String expectedHash, byte[] signature) throws IOException {
        String hash = sha256(jar);
        if (!expectedHash.isEmpty() && !expectedHash.equals(hash)) {
            throw ErrorCode.BUNDLE_HASH_MISMATCH.exception("bundle bytes hash to " + hash + ", not " + expectedHash);
        }
        if (jar.length < 4 || jar[0] != 'P' || jar[1] != 'K') {
            throw ErrorCode.MALFORMED.exception("a bundle must be a jar (zip) file");
        }
        boolean signed = signature != null && signature.length > 0;
        policy.check(hash, signed ? signature : signature(hash), "");
        if (signed && storable(signature, hash)) {
            write(sigPath(hash), signature);
        }
        Path target = path(hash);
        if (!Files.exists(target)) {
            write(target, jar);
        }
        return hash;
    }

    /** Development mode stores what parses and is for this hash; a required check passed already. */
    private boolean storable(byte[] signature, String hash) {
        try {
            return BundleSignature.parse(signature, "signature").bundleHashHex().equals(hash);
        } catch (dev.caravan.wire.CaravanException e) {
            return false;
        }
    }

    private void write(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The signature stored for {@code hash}, or an empty array when it came unsigned. */
    public byte[] signature(String hash) throws IOException {
        if (!HASH.matcher(hash).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("'" + hash + "' is not a bundle hash (64 hex digits)");
        }
        Path file = sigPath(hash);
        if (!Files.exists(file)) {
            return new byte[0];
        }
        if (Files.size(file) > BundleSignature.BYTES) {
            throw ErrorCode.MALFORMED.exception("stored signature of bundle " + hash + " is too long");
        }
        return Files.readAllBytes(file);
    }

    public boolean has(String hash) {
        return Files.exists(path(hash));
    }

    /** The stored bytes, re-verified against the hash (a corrupted file is refused). */
    public byte[] get(String hash) throws IOException {
        if (!has(hash)) {
            throw ErrorCode.NOT_FOUND.exception("no bundle " + hash + " on this node");
        }
        byte[] bytes = Files.readAllBytes(path(hash));
        if (!sha256(bytes).equals(hash)) {
            throw ErrorCode.BUNDLE_HASH_MISMATCH.exception("stored bundle " + hash + " is corrupted");
        }
        return bytes;
    }

    /**
     * The class loader of a stored bundle: one per hash for the life of the node. A bundle that
     * holds {@code LoopProcess} classes gets the loader of its enhanced classes
     * ({@link LoopBundles#enhance}). The file is hashed again before its loader is made, so the
     * code a process runs is exactly the hash it names.
     *
     * @throws dev.caravan.wire.CaravanException CODE_REFUSED when such a bundle holds code whose
     *                                           execution state cannot be captured;
     *                                           BUNDLE_HASH_MISMATCH when the stored file changed
     *                                           since it was verified on arrival
     */
    public ClassLoader loader(String hash) {
        return loader(hash, "");
    }

    /**
     * {@link #loader(String)}, after checking the bundle's stored signature against the policy now.
     *
     * @param what what is about to be loaded (a class name), for the refusal's message
     * @throws dev.caravan.wire.CaravanException UNTRUSTED_CODE when the policy refuses the bundle
     */
    public ClassLoader loader(String hash, String what) {
        if (!has(hash)) {
            throw ErrorCode.NOT_FOUND.exception("no bundle " + hash + " on this node");
        }
        try {
            policy.check(hash, signature(hash), what);
        } catch (IOException e) {
            throw ErrorCode.UNTRUSTED_CODE.exception("refused bundle " + hash + ": its signature cannot be read: " + e.getMessage());
        }
        return loaders.computeIfAbsent(hash, h -> {
            try {
                if (!sha256(Files.readAllBytes(path(h))).equals(h)) {
                    throw ErrorCode.BUNDLE_HASH_MISMATCH.exception("stored bundle " + h + " is corrupted: its bytes no longer"
                            + " match its hash; push it again");
                }
                if (LoopBundles.hasLoopProcesses(path(h))) {
                    EnhancedBundle b = LoopBundles.enhance("bundle-" + h.substring(0, 12), path(h), parent);
                    enhanced.put(h, b);
                    return b.loader();
                }
                return new URLClassLoader("bundle-" + h.substring(0, 12), new URL[] {path(h).toUri().toURL()}, parent);
            } catch (IOException e) {
                throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot open bundle " + h + ": " + e.getMessage());
            }
        });
    }

    /** The enhanced bundle of {@code hash} once {@link #loader} loaded it, or null for an ordinary bundle. */
    public EnhancedBundle enhanced(String hash) {
        return enhanced.get(hash);
    }

    private Path path(String hash) {
        return dir.resolve(hash + ".jar");
    }

    private Path sigPath(String hash) {
        return dir.resolve(hash + ".sig");
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (ClassLoader loader : loaders.values()) {
            if (!(loader instanceof java.io.Closeable l)) {
                continue;
            }
            try {
                l.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
