package dev.caravan.mobility.continuation;

import dev.caravan.wire.ErrorCode;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instance fields of a loop process that travel with its continuation: every non-static,
 * non-transient field of its class and superclasses, by name ({@code Super.field} is not
 * distinguished from a same-named subclass field: the subclass's wins, and the check at load
 * refuses such shadowing). Their types are checked at load like live values.
 */
public final class ProcessFields {
    private ProcessFields() {
    }

    /** The carried fields of {@code cls}, subclass first. */
    public static List<Field> of(Class<?> cls) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
                    fields.add(f);
                }
            }
        }
        return fields;
    }

    /** The values of {@code process}'s carried fields by name. */
    public static Map<String, Object> read(Object process) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : of(process.getClass())) {
            try {
                f.setAccessible(true);
                values.putIfAbsent(f.getName(), f.get(process));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw ErrorCode.CODE_REFUSED.exception("cannot read field " + f.getName() + " of "
                        + process.getClass().getName() + ": " + e);
            }
        }
        return values;
    }

    /**
     * Sets {@code process}'s carried fields from {@code values}.
     *
     * @throws dev.caravan.wire.CaravanException MALFORMED when a name is not a carried field or a value does not fit its type
     */
    public static void write(Object process, Map<String, Object> values) {
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Field f : of(process.getClass())) {
            byName.putIfAbsent(f.getName(), f);
        }
        for (Map.Entry<String, Object> v : values.entrySet()) {
            Field f = byName.get(v.getKey());
            if (f == null) {
                throw ErrorCode.MALFORMED.exception(process.getClass().getName() + " has no field " + v.getKey());
            }
            try {
                f.setAccessible(true);
                f.set(process, v.getValue());
            } catch (ReflectiveOperationException | IllegalArgumentException e) {
                throw ErrorCode.MALFORMED.exception("field " + v.getKey() + " of " + process.getClass().getName()
                        + " cannot take the carried value: " + e.getMessage());
            }
        }
    }
}
