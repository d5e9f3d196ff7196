/**
 * Signed code: Ed25519 keys, detached bundle signatures, the trust directory a node reads, and the
 * policy that decides whether a bundle may be loaded. Only the JDK's {@code Ed25519}
 * {@link java.security.KeyPairGenerator} and {@link java.security.Signature} are used.
 *
 * <p>Formats (each versioned, each documented in its class): {@link PublicKeyFile} ({@code NAME.pub}),
 * {@link PrivateKeyFile} ({@code NAME.key}, mode 0600), {@link BundleSignature}
 * ({@code app.jar.sig}), {@link TrustStore} (a directory of trusted {@code .pub} files and a
 * {@code revoked} list). A key id is the SHA-256 of the key's X.509 SubjectPublicKeyInfo encoding,
 * in hex ({@link KeyId}).
 */
package dev.caravan.wire.security.signing;
