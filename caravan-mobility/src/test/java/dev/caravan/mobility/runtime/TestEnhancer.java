package dev.caravan.mobility.runtime;

import net.tascalate.asmx.AnnotationVisitor;
import net.tascalate.asmx.ClassReader;
import net.tascalate.asmx.ClassVisitor;
import net.tascalate.asmx.ClassWriter;
import net.tascalate.asmx.MethodVisitor;
import net.tascalate.asmx.Opcodes;
import org.apache.commons.javaflow.providers.core.ContinuableClassTransformationFactory;
import org.apache.commons.javaflow.spi.ResourceLoader;
import org.apache.commons.javaflow.spi.ResourceTransformer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Test stand-in for the ENHANCE part's load-time enhancement: loads the fixture classes of a
 * package through JavaFlow's transformer, in a child-first loader. Methods of the fixtures that
 * suspend carry {@code @continuable}; the transformer is shown {@code LoopContext}'s suspension
 * points as {@code @continuable} too, so that calls to them are capture points.
 */
public final class TestEnhancer extends ClassLoader {
    private static final String CONTINUABLE = "Lorg/apache/commons/javaflow/api/continuable;";
    private static final Set<String> SUSPENDING = Set.of("receive", "sleep", "moveTo", "cloneTo");
    private final String packagePrefix;
    private final ResourceTransformer transformer;

    /** @param packageName the fixtures' package: its classes are loaded enhanced, here */
    public TestEnhancer(String packageName) {
        super("enhanced-" + packageName, TestEnhancer.class.getClassLoader());
        this.packagePrefix = packageName + ".";
        ClassLoader parent = TestEnhancer.class.getClassLoader();
        this.transformer = new ContinuableClassTransformationFactory().createTransformer(new ResourceLoader() {
            @Override
            public boolean hasResource(String name) {
                return parent.getResource(name) != null;
            }

            @Override
            public InputStream getResourceAsStream(String name) throws IOException {
                byte[] b = read(parent, name);
                if (name.equals("dev/caravan/core/mobility/LoopContext.class")) {
                    b = markSuspending(b);
                }
                return new ByteArrayInputStream(b);
            }
        });
    }

    /** A new instance of fixture {@code simpleName}, loaded enhanced. */
    public <T> T newInstance(String simpleName, Class<T> as) {
        try {
            return as.cast(loadClass(packagePrefix + simpleName).getConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(packagePrefix)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                byte[] plain = read(getParent(), name.replace('.', '/') + ".class");
                byte[] enhanced = transformer.transform(plain);
                byte[] b = enhanced == null ? plain : enhanced;
                c = defineClass(name, b, 0, b.length);
            }
            return c;
        }
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] markSuspending(byte[] b) {
        ClassWriter w = new ClassWriter(0);
        new ClassReader(b).accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                MethodVisitor mv = super.visitMethod(access, name, desc, sig, ex);
                if (SUSPENDING.contains(name)) {
                    AnnotationVisitor av = mv.visitAnnotation(CONTINUABLE, true);
                    av.visitEnd();
                }
                return mv;
            }
        }, 0);
        return w.toByteArray();
    }
}
