package dev.caravan.client.cod;

import dev.caravan.client.CaravanClient;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ClientBundleProtocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Code on demand, the client's side: the dynamically configured client. A client that does not
 * know a service's protocol fetches the service's client code by the process's name, checks it
 * and runs it:
 *
 * <ol>
 *   <li>asks the node hosting the process ({@link ClientBundleSource}), saying which copy it has cached;</li>
 *   <li>refuses the bundle unless it hashes (SHA-256) to the hash the service announced, and to the
 *       hash the user pinned ({@link Options#expectedHash}) when one is given;</li>
 *   <li>keeps it in a cache by hash ({@link Options#cacheDir}), re-verified on every read;</li>
 *   <li>defines its classes in a class loader of its own whose parent is the client library's
 *       loader, from the verified bytes;</li>
 *   <li>instantiates the announced entry class, which must implement {@link ClientCode}.</li>
 * </ol>
 *
 * Every refusal is a {@link dev.caravan.wire.CaravanException} with one line: BUNDLE_HASH_MISMATCH
 * (bytes or announced hash differ from what was expected), TOO_LARGE (over {@link Options#maxBundleBytes},
 * checked before the bytes are copied), MALFORMED (not a jar), CLASS_LOAD_FAILED (entry class missing,
 * not a {@link ClientCode}, no public no-argument constructor, or its constructor threw), NOT_FOUND
 * (the process publishes none). Thread-safe (no state of its own).
 */
public final class CodeOnDemand {
    /** Default limit on a client bundle's size. */
    public static final int DEFAULT_MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
    /** How many times its own size a bundle may unpack to. */
    static final int MAX_UNPACK_RATIO = 8;

    private CodeOnDemand() {
    }

    /**
     * How to fetch.
     *
     * @param cacheDir       where verified bundles are kept by hash
     * @param expectedHash   a hash the user pins (64 hex digits), or "" to trust the service's announcement
     * @param maxBundleBytes the largest bundle accepted
     */
    public record Options(Path cacheDir, String expectedHash, int maxBundleBytes) {
        public Options {
            expectedHash = expectedHash.strip().toLowerCase(java.util.Locale.ROOT);
            if (!expectedHash.isEmpty() && !expectedHash.matches("[0-9a-f]{64}")) {
                throw ErrorCode.INVALID_ARGUMENT.exception("--expect-hash must be a SHA-256: 64 hex digits");
            }
            if (maxBundleBytes <= 0) {
                throw ErrorCode.INVALID_ARGUMENT.exception("the client bundle size limit must be positive");
            }
        }

        public static Options defaults() {
            return new Options(defaultCacheDir(), "", DEFAULT_MAX_BUNDLE_BYTES);
        }

        public Options expecting(String hash) {
            return new Options(cacheDir, hash, maxBundleBytes);
        }
    }

    /** {@code $XDG_CACHE_HOME/caravan/client-code}, or {@code ~/.cache/caravan/client-code}. */
    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("caravan").resolve("client-code");
    }

    /** Fetches, verifies, caches, loads and instantiates the client code {@code process} publishes. */
    public static LoadedClientCode fetch(CaravanClient client, String process, Options options) {
        return fetch(ClientBundleSource.of(client), process, options);
    }

    /** As {@link #fetch(CaravanClient, String, Options)}, from any source. */
    public static LoadedClientCode fetch(ClientBundleSource source, String process, Options options) {
        ClientCodeCache cache = new ClientCodeCache(options.cacheDir());
        try {
            String cached = !options.expectedHash().isEmpty()
                    ? (cache.has(options.expectedHash()) ? options.expectedHash() : "")
                    : cache.cachedHashOf(process).orElse("");
            ClientBundleProtocol.Reply reply = source.fetch(process, cached, options.maxBundleBytes());
            requirePinned(process, reply.hash(), options.expectedHash());
            byte[] jar;
            boolean fromCache = reply.jar().length == 0;
            if (fromCache) {
                Optional<byte[]> held = reply.hash().equals(cached) ? cache.read(cached, options.maxBundleBytes()) : Optional.empty();
                if (held.isEmpty()) {
                    // The copy changed on disk since it was named (or the service sent nothing for a hash we lack): ask for the bytes.
                    reply = source.fetch(process, "", options.maxBundleBytes());
                    requirePinned(process, reply.hash(), options.expectedHash());
                    fromCache = false;
                    jar = verified(reply);
                } else {
                    jar = held.get();
                }
            } else {
                jar = verified(reply);
            }
            ClientCodeLoader loader = ClientCodeLoader.of(reply.hash(), jar, ClientCode.class.getClassLoader(),
                    (long) options.maxBundleBytes() * MAX_UNPACK_RATIO);
            ClientCode code = instantiate(reply.hash(), reply.entryClass(), loader);
            if (!fromCache) {
                cache.store(process, reply.hash(), jar);
            }
            return new LoadedClientCode(process, reply.hash(), reply.entryClass(), fromCache, code);
        } catch (IOException e) {
            throw new UncheckedIOException("client code cache " + options.cacheDir() + ": " + e.getMessage(), e);
        }
    }

    /** A transport that sends commands to {@code process} through {@code client}. */
    public static Transport transport(CaravanClient client, String process) {
        return new Transport() {
            @Override
            public String process() {
                return process;
            }

            @Override
            public Reply call(Command command, boolean readOnly) {
                return client.call(process, command, readOnly);
            }
        };
    }

    private static void requirePinned(String process, String announced, String pinned) {
        if (!pinned.isEmpty() && !pinned.equals(announced)) {
            throw ErrorCode.BUNDLE_HASH_MISMATCH.exception("process " + process + " publishes client code " + announced
                    + ", not the pinned " + pinned + "; refused (drop --expect-hash to accept it)");
        }
    }

    private static byte[] verified(ClientBundleProtocol.Reply reply) {
        if (reply.jar().length == 0) {
            throw ErrorCode.MALFORMED.exception("the node sent no bytes for client bundle " + reply.hash());
        }
        String actual = ClientCodeCache.sha256(reply.jar());
        if (!actual.equals(reply.hash())) {
            throw ErrorCode.BUNDLE_HASH_MISMATCH.exception("client bundle bytes hash to " + actual + ", not the announced "
                    + reply.hash() + "; refused");
        }
        return reply.jar();
    }

    private static ClientCode instantiate(String hash, String entryClass, ClassLoader loader) {
        Class<?> cls;
        try {
            cls = Class.forName(entryClass, true, loader);
        } catch (ClassNotFoundException e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("client bundle " + hash + " has no class " + entryClass);
        } catch (LinkageError e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot load " + entryClass + " from client bundle " + hash + ": " + e);
        }
        if (!ClientCode.class.isAssignableFrom(cls)) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception(entryClass + " in client bundle " + hash + " does not implement "
                    + ClientCode.class.getName());
        }
        if (Modifier.isAbstract(cls.getModifiers())) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot instantiate " + entryClass + ": it is abstract");
        }
        try {
            return (ClientCode) cls.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot instantiate " + entryClass + ": it needs a public no-argument"
                    + " constructor");
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw ErrorCode.CLASS_LOAD_FAILED.exception("the constructor of " + entryClass + " threw " + cause.getClass().getName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } catch (ReflectiveOperationException | LinkageError e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("cannot instantiate " + entryClass + ": " + e);
        }
    }
}
