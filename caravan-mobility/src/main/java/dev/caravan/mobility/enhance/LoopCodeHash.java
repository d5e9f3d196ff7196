package dev.caravan.mobility.enhance;

import net.tascalate.asmx.ClassReader;
import net.tascalate.asmx.ClassWriter;
import net.tascalate.asmx.Opcodes;
import net.tascalate.asmx.tree.ClassNode;
import net.tascalate.asmx.tree.MethodNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeSet;

/**
 * The identity of a bundle's loop code: SHA-256 over the bytecode of its suspending methods, in
 * name order, as compiled (before enhancement; debug information and stack map frames left out,
 * so a rebuild that only moves lines keeps it). A suspended continuation's frames are positions in
 * exactly these methods (JavaFlow resumes each frame by the index of its call site and the layout
 * of its locals), so it can resume in another bundle only when this hash is the same there. Methods
 * that do not suspend are not part of it: they may change freely between versions.
 */
final class LoopCodeHash {
    private LoopCodeHash() {
    }

    /** Hex SHA-256 of the suspending methods of {@code classes} (internal name to bytes). */
    static String of(Map<String, byte[]> classes, SuspendingMethods suspending) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        TreeSet<String> owners = new TreeSet<>();
        suspending.all().forEach(m -> owners.add(m.owner()));
        for (String owner : owners) {
            byte[] bytes = classes.get(owner);
            if (bytes == null) {
                continue;
            }
            ClassNode cls = new ClassNode();
            new ClassReader(bytes).accept(cls, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            TreeSet<String> names = new TreeSet<>();
            for (MethodNode m : cls.methods) {
                if (suspending.all().contains(new MethodKey(owner, m.name, m.desc))) {
                    names.add(m.name + m.desc);
                }
            }
            for (String name : names) {
                MethodNode m = cls.methods.stream().filter(x -> (x.name + x.desc).equals(name)).findFirst().orElseThrow();
                sha.update((owner + "." + name + "\n").getBytes(StandardCharsets.UTF_8));
                sha.update(methodBytes(owner, m));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The method alone in an otherwise empty class: its code and the constants it uses, in a fixed order. */
    private static byte[] methodBytes(String owner, MethodNode method) {
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, owner, null, "java/lang/Object", null);
        method.accept(w);
        w.visitEnd();
        return w.toByteArray();
    }
}
