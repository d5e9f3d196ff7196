package dev.caravan.wire.security.signing;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a node may load a bundle: either signatures are required and checked against a
 * {@link TrustStore} (the default of {@code caravan node}), or unsigned code is allowed (the
 * explicit development mode, {@code --allow-unsigned}; {@code caravan up} and {@code demo}
 * choose it unless {@code --signed}).
 *
 * <p>With signatures required, {@link #check} accepts a bundle only when its signature parses,
 * is for the bundle's own SHA-256, names a key that the trust directory holds and has not
 * revoked, and verifies with that key. The trust directory is looked at again at every check
 * (its keys are parsed again when a file of it changed, {@link TrustStore#stamp}), so a
 * revocation takes effect at the next check without a restart. In development mode nothing is
 * checked (signatures are still stored and passed on, so a node that requires them can check
 * them). Thread-safe.
 */
public final class CodePolicy {
    private final TrustStore trust;
    /** The last snapshot read and the stamp it was read under; replaced whole. */
    private volatile Cached cached;

    private record Cached(String stamp, TrustStore.Snapshot snapshot) {
    }

    private CodePolicy(TrustStore trust) {
        this.trust = trust;
    }

    /** Development mode: any code is loaded. */
    public static CodePolicy allowUnsigned() {
        return new CodePolicy(null);
    }

    /** Signatures required, by keys trusted in {@code trustDir} (a missing directory trusts no key). */
    public static CodePolicy requireSigned(Path trustDir) {
        return new CodePolicy(new TrustStore(trustDir));
    }

    public boolean signaturesRequired() {
        return trust != null;
    }

    /** The trust directory, when signatures are required. */
    public Optional<Path> trustDir() {
        return trust == null ? Optional.empty() : Optional.of(trust.dir());
    }

    /** One line for banners and logs. */
    public String describe() {
        return trust == null ? "unsigned code allowed (development mode)" : "signed code required, trusted keys in " + trust.dir();
    }

    /**
     * Refuses a bundle that may not be loaded.
     *
     * @param bundleHash the SHA-256 of the bundle's bytes, as hashed by the caller (64 hex digits)
     * @param signature  its signature ({@link BundleSignature} bytes), or null/empty for none
     * @param what       what the bundle is, for the message (a file or class name; may be empty)
     * @throws CaravanException UNTRUSTED_CODE naming the bundle and the reason: unsigned, malformed
     *                          signature, signature for another hash (tampered), key not trusted,
     *                          key revoked, or a signature that does not verify
     */
    public void check(String bundleHash, byte[] signature, String what) {
        if (trust == null) {
            return;
        }
        String bundle = "bundle " + KeyId.shortForm(bundleHash) + (what == null || what.isEmpty() ? "" : " (" + what + ")");
        if (signature == null || signature.length == 0) {
            throw refused(bundle, "it is unsigned; sign it with 'caravan sign JAR --key KEY' and push the .sig with it,"
                    + " or run the node with --allow-unsigned (development only)");
        }
        BundleSignature sig;
        try {
            sig = BundleSignature.parse(signature, "its signature");
        } catch (CaravanException e) {
            throw refused(bundle, e.getMessage());
        }
        String keyId = KeyId.shortForm(sig.keyId());
        if (!sig.bundleHashHex().equals(bundleHash)) {
            throw refused(bundle, "tampered: hash mismatch: its bytes hash to " + KeyId.shortForm(bundleHash)
                    + " but its signature is for " + KeyId.shortForm(sig.bundleHashHex())
                    + " (the bundle changed after signing, or the signature is another bundle's)");
        }
        TrustStore.Snapshot snapshot;
        try {
            snapshot = snapshot();
        } catch (IOException | CaravanException e) {
            throw refused(bundle, "the trust directory cannot be read: " + e.getMessage());
        }
        if (snapshot.revoked().contains(sig.keyId())) {
            throw refused(bundle, "key " + keyId + " is revoked");
        }
        PublicKeyFile key = snapshot.key(sig.keyId());
        if (key == null) {
            throw refused(bundle, "key " + keyId + " is not trusted (trust it with 'caravan keys trust KEY.pub --trust-dir "
                    + trust.dir() + "')");
        }
        if (!sig.verifiedBy(key.key())) {
            throw refused(bundle, "its signature does not verify with key " + keyId + " (" + key.name() + "): tampered signature");
        }
    }

    /** The trust directory now: parsed again when its stamp changed since the last check. */
    private TrustStore.Snapshot snapshot() throws IOException {
        String stamp = trust.stamp();
        Cached c = cached;
        if (c != null && c.stamp().equals(stamp)) {
            return c.snapshot();
        }
        TrustStore.Snapshot s = trust.load();
        cached = new Cached(stamp, s);
        return s;
    }

    private static CaravanException refused(String bundle, String reason) {
        return ErrorCode.UNTRUSTED_CODE.exception("refused " + bundle + ": " + reason);
    }
}
