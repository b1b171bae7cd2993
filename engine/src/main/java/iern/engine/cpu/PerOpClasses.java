package iern.engine.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;

/**
 * Gives every op its own copy of a loop class, so that the JIT inlines the op's formula into
 * the loop.
 *
 * <p>The op tables ({@link iern.engine.Backend.Unary}, {@link iern.engine.Backend.Binary})
 * hold each formula as a function object. HotSpot keeps one type profile per call site of a
 * method, whatever the receiver: one loop calling every op's function sees many lambda
 * classes, gives up inlining (megamorphic) and pays a call per element, 5 to 8 times slower
 * than a loop written for one op. Defining the loop class once more per op, as a hidden class
 * from the same bytes, gives each op its own methods and profiles: the call in each copy sees
 * one function and is inlined. No per-op code is written anywhere. Should a copy fail to
 * define, the plain class serves (same results, slower; a test checks that copies are made).
 */
final class PerOpClasses {
    private PerOpClasses() {}

    /**
     * One instance per constant of {@code ops}, indexed by ordinal, each of its own copy of
     * {@code template}, which implements {@code api} and has a constructor taking the op.
     */
    static <E extends Enum<E>, T> T[] perOp(Class<? extends T> template, Class<T> api, Class<E> ops) {
        E[] constants = ops.getEnumConstants();
        @SuppressWarnings("unchecked")
        T[] out = (T[]) Array.newInstance(api, constants.length);
        byte[] bytes = classBytes(template);
        MethodType init = MethodType.methodType(void.class, ops);
        for (E op : constants) {
            MethodHandles.Lookup copy = copy(template, bytes);
            try {
                out[op.ordinal()] = api.cast(copy.findConstructor(copy.lookupClass(), init).invoke(op));
            } catch (Throwable e) {
                throw new IllegalStateException("cannot construct the " + template.getSimpleName() + " of " + op, e);
            }
        }
        return out;
    }

    /** A lookup on a new hidden copy of {@code template}, or on {@code template} itself if none can be made. */
    private static MethodHandles.Lookup copy(Class<?> template, byte[] bytes) {
        MethodHandles.Lookup here = MethodHandles.lookup();
        if (bytes != null) {
            try {
                return here.defineHiddenClass(bytes, true);
            } catch (IllegalAccessException | LinkageError e) {
                // the plain class below
            }
        }
        return here.in(template);
    }

    /** The class file of {@code template}, or null when it cannot be read. */
    private static byte[] classBytes(Class<?> template) {
        try (InputStream in = template.getResourceAsStream(template.getSimpleName() + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }
}
