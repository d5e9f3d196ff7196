package dev.caravan.systemtests;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.wire.command.Reply;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Compiles Java source text in memory and packs the classes into a jar: a real bundle whose
 * classes are on no class path, so a node can only load them from the bundle.
 *
 * <pre>
 *   byte[] jar = BundleBuilder.bundle().source("demo.Echo", "package demo; ...").build();
 * </pre>
 *
 * The compile class path is this JVM's plus the jars holding the process API, so sources may
 * use {@code dev.caravan.core.process} and {@code dev.caravan.wire.command}. Output is
 * deterministic: the same sources give the same bytes (and so the same bundle hash).
 */
public final class BundleBuilder {
    private final Map<String, String> sources = new TreeMap<>();

    private BundleBuilder() {
    }

    public static BundleBuilder bundle() {
        return new BundleBuilder();
    }

    /** Adds one compilation unit; {@code className} is the binary name of its top-level class. */
    public BundleBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /**
     * Source of a process class that answers every command with {@code <greeting>:<command>:<loader name>}.
     */
    public static String greeterSource(String className, String greeting) {
        int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n"
                + "import dev.caravan.core.process.CaravanProcess;\n"
                + "import dev.caravan.core.process.ProcessContext;\n"
                + "import dev.caravan.wire.command.Command;\n"
                + "import dev.caravan.wire.command.Reply;\n"
                + "public final class " + className.substring(dot + 1) + " implements CaravanProcess {\n"
                + "    @Override public void onStart(ProcessContext context, boolean restored) { }\n"
                + "    @Override public Reply onCommand(Command command) {\n"
                + "        return Reply.bulk(\"" + greeting + ":\" + command.name() + \":\" + getClass().getClassLoader().getName());\n"
                + "    }\n"
                + "}\n";
    }

    /** Compiles the sources and returns the jar's bytes; fails the test on a compile error. */
    public byte[] build() {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new AssertionError("no system Java compiler: run the tests on a JDK");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
        Map<String, ByteArrayOutputStream> classes = new TreeMap<>();
        try (InMemoryOutput files = new InMemoryOutput(standard, classes)) {
            List<JavaFileObject> units = new ArrayList<>();
            sources.forEach((name, code) -> units.add(new SourceText(name, code)));
            List<String> options = List.of("-classpath", compileClassPath(), "-proc:none", "-Xlint:none",
                    "--release", String.valueOf(Runtime.version().feature()));
            boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
            if (!ok) {
                StringBuilder b = new StringBuilder("bundle sources did not compile:");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    b.append("\n  ").append(d);
                }
                throw new AssertionError(b.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar(classes);
    }

    private static byte[] jar(Map<String, ByteArrayOutputStream> classes) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            JarEntry m = new JarEntry("META-INF/MANIFEST.MF");
            m.setTime(0);
            jar.putNextEntry(m);
            manifest.write(jar);
            jar.closeEntry();
            for (Map.Entry<String, ByteArrayOutputStream> c : classes.entrySet()) {
                JarEntry e = new JarEntry(c.getKey().replace('.', '/') + ".class");
                e.setTime(0);
                jar.putNextEntry(e);
                c.getValue().writeTo(jar);
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** SHA-256 of {@code bytes} in lower-case hex: the name a node gives a bundle. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String compileClassPath() {
        Set<String> entries = new LinkedHashSet<>();
        // Explicit entries first: under surefire java.class.path may be a manifest-only jar.
        for (Class<?> c : List.of(CaravanProcess.class, Reply.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        entries.addAll(List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static final class SourceText extends SimpleJavaFileObject {
        private final String code;

        SourceText(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    private static final class InMemoryOutput extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Map<String, ByteArrayOutputStream> classes;

        InMemoryOutput(StandardJavaFileManager standard, Map<String, ByteArrayOutputStream> classes) {
            super(standard);
            this.classes = classes;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    classes.put(className, out);
                    return out;
                }
            };
        }
    }
}
