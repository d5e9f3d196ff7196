package dev.caravan.mobility.enhance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads fixture classes (and their nested classes) from the test class path, and fixture source lines. */
final class Fixtures {
    private Fixtures() {
    }

    /** Internal name to bytes of {@code type} and every class nested in it. */
    static Map<String, byte[]> bundleOf(Class<?>... types) {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (Class<?> type : types) {
            Path dir = classDir(type);
            String simple = type.getSimpleName();
            String pkg = type.getPackageName().replace('.', '/');
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    if (name.equals(simple + ".class") || (name.startsWith(simple + "$") && name.endsWith(".class"))) {
                        classes.put(pkg + "/" + name.substring(0, name.length() - ".class".length()), Files.readAllBytes(file));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return classes;
    }

    static byte[] bytesOf(Class<?> type) {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 1-based line of the fixture's source that contains {@code marker}. */
    static int lineOf(Class<?> type, String marker) {
        Path source = Path.of("src/test/java", type.getName().replace('.', '/') + ".java");
        try {
            List<String> lines = Files.readAllLines(source);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(marker)) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException(marker + " not in " + source);
    }

    private static Path classDir(Class<?> type) {
        try {
            return Path.of(type.getResource(type.getSimpleName() + ".class").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
