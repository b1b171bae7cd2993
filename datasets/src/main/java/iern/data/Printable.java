package iern.data;

/**
 * Text from files (split lines, label keys, file names, checkpoint metadata) made safe to echo
 * in a message: control characters (C0, DEL, C1) are written as {@code \xHH} or {@code \\uHHHH}, so an
 * escape sequence in a hostile file can never reach the terminal raw.
 */
public final class Printable {
    private Printable() {}

    public static String of(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
            if (control && out == null) {
                out = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c < 0x100) {
                    out.append(String.format("\\x%02x", (int) c));
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /** {@link #of} in single quotes. */
    public static String quote(String s) {
        return "'" + of(s) + "'";
    }
}
