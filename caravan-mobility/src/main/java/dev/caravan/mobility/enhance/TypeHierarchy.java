package dev.caravan.mobility.enhance;

import net.tascalate.asmx.ClassReader;
import net.tascalate.asmx.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Supertypes of the classes an analysis meets, read from class-file bytes (never by loading a class):
 * the bundle's own bytes first, then the parent loader's, then this module's loader (for Caravan and
 * JavaFlow types). A type that cannot be found is treated as a class directly below
 * {@code java.lang.Object}. Not thread-safe: one per analysis.
 */
final class TypeHierarchy {
    /** A type's header: whether it is an interface, its superclass (null for Object) and interfaces. */
    record Info(boolean isInterface, String superName, List<String> interfaces) {
    }

    private static final Info UNKNOWN = new Info(false, "java/lang/Object", List.of());

    private final Map<String, byte[]> bundleClasses;
    private final ClassLoader parent;
    private final Map<String, Info> infos = new HashMap<>();

    TypeHierarchy(Map<String, byte[]> bundleClasses, ClassLoader parent) {
        this.bundleClasses = bundleClasses;
        this.parent = parent;
    }

    /** Bytes of {@code internalName}'s class file from the bundle or the loaders, or null. */
    byte[] classBytes(String internalName) {
        byte[] bytes = bundleClasses.get(internalName);
        if (bytes != null) {
            return bytes;
        }
        String resource = internalName + ".class";
        for (ClassLoader loader : new ClassLoader[] {parent, TypeHierarchy.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in != null) {
                    return in.readAllBytes();
                }
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    Info info(String internalName) {
        Info info = infos.get(internalName);
        if (info == null) {
            info = read(internalName);
            infos.put(internalName, info);
        }
        return info;
    }

    boolean isInterface(String internalName) {
        return info(internalName).isInterface();
    }

    /** Whether a value of type {@code from} may be assigned to {@code to} (both internal class names). */
    boolean isAssignable(String to, String from) {
        if (to.equals(from) || to.equals("java/lang/Object")) {
            return true;
        }
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String current = todo.pop();
            if (current.equals(to)) {
                return true;
            }
            if (seen.add(current) && !current.equals("java/lang/Object")) {
                Info info = info(current);
                if (info.superName() != null) {
                    todo.push(info.superName());
                }
                todo.addAll(info.interfaces());
            }
        }
        return false;
    }

    private Info read(String internalName) {
        if (internalName.equals("java/lang/Object")) {
            return new Info(false, null, List.of());
        }
        byte[] bytes = classBytes(internalName);
        if (bytes == null) {
            return UNKNOWN;
        }
        ClassReader reader = new ClassReader(bytes);
        String superName = reader.getSuperName() == null ? "java/lang/Object" : reader.getSuperName();
        return new Info((reader.getAccess() & Opcodes.ACC_INTERFACE) != 0, superName, List.of(reader.getInterfaces()));
    }
}
