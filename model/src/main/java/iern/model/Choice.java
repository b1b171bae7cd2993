package iern.model;

import iern.engine.InvalidInput;
import iern.data.Printable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** An enum whose constants are written, in options and files, as their lower-case names. */
public interface Choice {
    String name();

    /** The name in options, checkpoints and run names: {@code uniform}, {@code baseline}, ... */
    default String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every id of the enum, in declaration order. */
    static List<String> ids(Choice[] values) {
        return Arrays.stream(values).map(Choice::id).toList();
    }

    /** The constant named {@code id}; otherwise an error that lists the accepted names. */
    static <E extends Choice> E parse(E[] values, String id, String what) {
        for (E e : values) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        throw new InvalidInput(what + " " + Printable.quote(String.valueOf(id)) + ": expected one of "
                + ids(values));
    }
}
