package dev.caravan.templates;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a buildable Maven project for a {@link ProcessProject} from the templates under
 * {@code dev/caravan/templates/process/} (class-path resources): a pom on Caravan's parent at this build's version,
 * the example process, its object state and codec, its JUnit test, a README with the exact build, deploy, call,
 * migrate, clone and checkpoint commands, and a .gitignore.
 *
 * <p>Templates replace {@code {{key}}} placeholders: {@code name}, {@code package}, {@code packagePath},
 * {@code Class} (the class stem), {@code caravanVersion}, {@code javaRelease}, {@code caravanHome} and {@code dir};
 * an unknown key is a bug in the templates and fails. Stateless; any thread.
 */
public final class ProcessProjectWriter {
    private static final String BASE = "process/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z]+)}}");

    private ProcessProjectWriter() {
    }

    /** The Caravan version a generated project builds against: this build's, filtered in by Maven. */
    public static String caravanVersion() {
        return buildProperties().getProperty("caravan.version");
    }

    /**
     * Writes the project into {@code dir}, which must not exist or be an empty directory.
     *
     * @param caravanHome the Caravan checkout the README's commands run in (its {@code caravan} launcher)
     * @return the files written, relative to {@code dir}, in writing order
     * @throws IllegalArgumentException when {@code dir} is a file or a non-empty directory (one-line message)
     * @throws UncheckedIOException     when writing fails
     */
    public static List<Path> write(ProcessProject project, Path dir, Path caravanHome) {
        Path target = dir.toAbsolutePath().normalize();
        requireUsable(target);
        Properties build = buildProperties();
        String packagePath = project.packageName().replace('.', '/');
        Map<String, String> values = Map.of("name", project.name(), "package", project.packageName(),
                "packagePath", packagePath, "Class", project.classStem(),
                "caravanVersion", build.getProperty("caravan.version"), "javaRelease", build.getProperty("java.release"),
                "caravanHome", caravanHome.toAbsolutePath().normalize().toString(), "dir", target.toString());
        String main = "src/main/java/" + packagePath + "/" + project.classStem();
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", "pom.xml.tmpl");
        files.put("README.md", "README.md.tmpl");
        files.put(".gitignore", "gitignore.tmpl");
        files.put(main + "Process.java", "Process.java.tmpl");
        files.put(main + "State.java", "State.java.tmpl");
        files.put(main + "StateCodec.java", "StateCodec.java.tmpl");
        files.put("src/test/java/" + packagePath + "/" + project.classStem() + "ProcessTest.java", "ProcessTest.java.tmpl");
        List<Path> written = new ArrayList<>();
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path out = target.resolve(f.getKey());
                Files.createDirectories(out.getParent());
                Files.writeString(out, render(read(BASE + f.getValue()), values));
                written.add(Path.of(f.getKey()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the project into " + target + ": " + e.getMessage(), e);
        }
        return List.copyOf(written);
    }

    private static void requireUsable(Path dir) {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " exists and is not empty; choose another --dir or remove it");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + dir + ": " + e.getMessage(), e);
            }
        } else if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists and is not a directory; choose another --dir");
        }
    }

    /** {@code template} with every {@code {{key}}} replaced by its value. */
    static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("template placeholder {{" + m.group(1) + "}} has no value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = ProcessProjectWriter.class.getResourceAsStream("caravan-build.properties")) {
            if (in == null) {
                throw new IllegalStateException("caravan-build.properties is missing from the templates jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = ProcessProjectWriter.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("template " + resource + " is missing from the templates jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
