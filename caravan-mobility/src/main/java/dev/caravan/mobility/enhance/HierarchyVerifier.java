package dev.caravan.mobility.enhance;

import net.tascalate.asmx.Opcodes;
import net.tascalate.asmx.Type;
import net.tascalate.asmx.tree.analysis.SimpleVerifier;

/**
 * ASM's {@link SimpleVerifier} answering type questions from a {@link TypeHierarchy} (class-file
 * bytes) instead of loading classes, so the types of values at each instruction are those the
 * JVM's verifier — and JavaFlow's own analysis — would compute.
 */
final class HierarchyVerifier extends SimpleVerifier {
    private final TypeHierarchy hierarchy;

    HierarchyVerifier(TypeHierarchy hierarchy) {
        super(Opcodes.ASM9, null, null, null, false);
        this.hierarchy = hierarchy;
    }

    @Override
    protected boolean isInterface(Type type) {
        return hierarchy.isInterface(type.getInternalName());
    }

    @Override
    protected Type getSuperClass(Type type) {
        String superName = hierarchy.info(type.getInternalName()).superName();
        return superName == null ? null : Type.getObjectType(superName);
    }

    @Override
    protected boolean isAssignableFrom(Type to, Type from) {
        if (to.equals(from)) {
            return true;
        }
        if (to.getSort() == Type.ARRAY || from.getSort() == Type.ARRAY) {
            if (to.getSort() == Type.OBJECT) {
                String name = to.getInternalName();
                return name.equals("java/lang/Object") || name.equals("java/lang/Cloneable")
                        || name.equals("java/io/Serializable");
            }
            if (from.getSort() != Type.ARRAY) {
                return false;
            }
            Type toElement = Type.getType(to.getDescriptor().substring(1));
            Type fromElement = Type.getType(from.getDescriptor().substring(1));
            if (toElement.getSort() < Type.ARRAY || fromElement.getSort() < Type.ARRAY) {
                return false;
            }
            return isAssignableFrom(toElement, fromElement);
        }
        if (to.getSort() != Type.OBJECT || from.getSort() != Type.OBJECT) {
            return false;
        }
        return hierarchy.isAssignable(to.getInternalName(), from.getInternalName());
    }

    @Override
    protected Class<?> getClass(Type type) {
        throw new UnsupportedOperationException("classes are never loaded by the analysis: " + type);
    }
}
