package dev.caravan.mobility.enhance;

import net.tascalate.asmx.AnnotationVisitor;
import net.tascalate.asmx.ClassReader;
import net.tascalate.asmx.ClassVisitor;
import net.tascalate.asmx.ClassWriter;
import net.tascalate.asmx.MethodVisitor;
import net.tascalate.asmx.Opcodes;
import net.tascalate.asmx.tree.AnnotationNode;
import net.tascalate.asmx.tree.MethodNode;

import java.util.List;
import java.util.Set;

/**
 * The pre-pass before JavaFlow: adds {@code @org.apache.commons.javaflow.api.continuable} to chosen
 * methods of a class, which is what makes JavaFlow enhance a method and guard its call sites.
 * Nothing else in the class changes.
 */
final class ContinuableMarker {
    static final String CONTINUABLE = "Lorg/apache/commons/javaflow/api/continuable;";
    /** The class annotation JavaFlow leaves on every class it has enhanced (at build time or at load). */
    static final String ENHANCED_MARK = "Lorg/apache/commons/javaflow/core/Skip;";

    private ContinuableMarker() {
    }

    /** {@code bytes} with {@code @continuable} on each method whose {@code name + desc} is in {@code methods}. */
    static byte[] mark(byte[] bytes, Set<String> methods) {
        ClassReader reader = new ClassReader(bytes);
        // Not ClassWriter(reader, ...): its copy-methods-as-is shortcut would drop the added annotation.
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, desc, signature, exceptions);
                if (mv != null && methods.contains(name + desc)) {
                    AnnotationVisitor av = mv.visitAnnotation(CONTINUABLE, false);
                    if (av != null) {
                        av.visitEnd();
                    }
                }
                return mv;
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Whether {@code method} carries {@code @continuable} (the author's, for build-time enhancement). */
    static boolean isMarked(MethodNode method) {
        return has(method.visibleAnnotations) || has(method.invisibleAnnotations);
    }

    static boolean has(List<AnnotationNode> annotations, String desc) {
        return annotations != null && annotations.stream().anyMatch(a -> a.desc.equals(desc));
    }

    private static boolean has(List<AnnotationNode> annotations) {
        return has(annotations, CONTINUABLE);
    }
}
