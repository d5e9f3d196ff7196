package dev.caravan.mobility.enhance;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import net.tascalate.asmx.ClassReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** The classes and resources of a bundle jar, read once into memory. */
record BundleClasses(Map<String, byte[]> classes, Map<String, byte[]> resources) {
    static final String LOOP_PROCESS = "dev/caravan/core/mobility/LoopProcess";
    /** Largest class file or resource accepted from a bundle (checked before reading it). */
    static final long MAX_ENTRY_BYTES = 64L << 20;
    /** Largest sum of entry sizes accepted from one bundle (checked before reading each entry). */
    static final long MAX_BUNDLE_BYTES = 256L << 20;

    /** Reads every entry of {@code jar}: {@code .class} entries by internal class name, others by path. */
    static BundleClasses read(Path jar) {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        Map<String, byte[]> resources = new LinkedHashMap<>();
        long total = 0;
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : file.stream().toList()) {
                if (entry.isDirectory()) {
                    continue;
                }
                if (entry.getSize() > MAX_ENTRY_BYTES) {
                    throw new CaravanException(ErrorCode.INVALID_ARGUMENT,
                            "bundle entry " + entry.getName() + " is larger than " + MAX_ENTRY_BYTES + " bytes");
                }
                long allowed = Math.min(MAX_ENTRY_BYTES, MAX_BUNDLE_BYTES - total);
                byte[] bytes;
                try (InputStream in = file.getInputStream(entry)) {
                    bytes = in.readNBytes((int) allowed + 1);
                }
                if (bytes.length > allowed) {
                    throw new CaravanException(ErrorCode.INVALID_ARGUMENT, "bundle " + jar.getFileName() + " is too large: entry "
                            + entry.getName() + " passes " + MAX_ENTRY_BYTES + " bytes or the bundle " + MAX_BUNDLE_BYTES + " bytes");
                }
                total += bytes.length;
                String name = entry.getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
                    classes.put(name.substring(0, name.length() - ".class".length()), bytes);
                } else {
                    resources.put(name, bytes);
                }
            }
        } catch (IOException e) {
            throw new CaravanException(ErrorCode.INVALID_ARGUMENT, "cannot read bundle " + jar + ": " + e.getMessage());
        }
        return new BundleClasses(classes, resources);
    }

    /** Whether a class of the bundle implements LoopProcess through its own supertypes in the bundle. */
    static boolean hasLoopProcesses(Map<String, byte[]> classes) {
        Map<String, List<String>> supertypes = supertypes(classes);
        for (String name : supertypes.keySet()) {
            if (implementsLoopProcess(name, supertypes)) {
                return true;
            }
        }
        return false;
    }

    /** Internal name to its superclass and interfaces (as internal names), for every bundle class. */
    static Map<String, List<String>> supertypes(Map<String, byte[]> classes) {
        Map<String, List<String>> supertypes = new HashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            ClassReader reader = new ClassReader(e.getValue());
            List<String> direct = new java.util.ArrayList<>(List.of(reader.getInterfaces()));
            if (reader.getSuperName() != null) {
                direct.add(reader.getSuperName());
            }
            supertypes.put(reader.getClassName(), direct);
        }
        return supertypes;
    }

    /** Whether {@code name} reaches LoopProcess through supertypes known in {@code supertypes}. */
    static boolean implementsLoopProcess(String name, Map<String, List<String>> supertypes) {
        Deque<String> todo = new ArrayDeque<>(List.of(name));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String current = todo.pop();
            if (current.equals(LOOP_PROCESS)) {
                return true;
            }
            if (seen.add(current)) {
                todo.addAll(supertypes.getOrDefault(current, List.of()));
            }
        }
        return false;
    }
}
