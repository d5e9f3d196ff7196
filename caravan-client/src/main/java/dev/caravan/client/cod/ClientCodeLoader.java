package dev.caravan.client.cod;

import dev.caravan.wire.ErrorCode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * The class loader of one client bundle, defined from the jar's verified bytes in memory (never
 * from a file that could change between verification and loading). Its parent is the client
 * library's loader: loaded code sees the JDK, the client library and the wire types, and nothing
 * else. The jar is unpacked whole when the loader is made, bounded in entries and in unpacked
 * bytes, so a zip bomb is refused instead of filling the heap.
 */
final class ClientCodeLoader extends ClassLoader {
    static final int MAX_ENTRIES = 10_000;

    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> entries;

    private ClientCodeLoader(String name, ClassLoader parent, Map<String, byte[]> entries) {
        super(name, parent);
        this.entries = entries;
    }

    /**
     * A loader for {@code jar}.
     *
     * @param maxUnpackedBytes the most bytes all entries may unpack to
     * @throws dev.caravan.wire.CaravanException MALFORMED when it is not a jar, TOO_LARGE past the bounds
     */
    static ClientCodeLoader of(String hash, byte[] jar, ClassLoader parent, long maxUnpackedBytes) {
        if (jar.length < 4 || jar[0] != 'P' || jar[1] != 'K') {
            throw ErrorCode.MALFORMED.exception("client bundle " + hash + " is not a jar (zip) file; refused");
        }
        Map<String, byte[]> entries = new HashMap<>();
        long unpacked = 0;
        byte[] buffer = new byte[8192];
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar), false)) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (e.isDirectory()) {
                    continue;
                }
                if (entries.size() >= MAX_ENTRIES) {
                    throw ErrorCode.TOO_LARGE.exception("client bundle " + hash + " has more than " + MAX_ENTRIES + " entries");
                }
                java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    unpacked += n;
                    if (unpacked > maxUnpackedBytes) {
                        throw ErrorCode.TOO_LARGE.exception("client bundle " + hash + " unpacks to more than " + maxUnpackedBytes
                                + " bytes; refused");
                    }
                    content.write(buffer, 0, n);
                }
                entries.put(e.getName(), content.toByteArray());
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof dev.caravan.wire.CaravanException c) {
                throw c;
            }
            throw ErrorCode.MALFORMED.exception("client bundle " + hash + " is not a readable jar (" + e.getMessage() + "); refused");
        }
        if (entries.isEmpty()) {
            throw ErrorCode.MALFORMED.exception("client bundle " + hash + " is not a jar with classes; refused");
        }
        return new ClientCodeLoader("client-code-" + hash.substring(0, 12), parent, entries);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] code = entries.get(name.replace('.', '/') + ".class");
        if (code == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, code, 0, code.length);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        InputStream fromParent = getParent().getResourceAsStream(name);
        if (fromParent != null) {
            return fromParent;
        }
        byte[] content = entries.get(name);
        return content == null ? null : new ByteArrayInputStream(content);
    }
}
