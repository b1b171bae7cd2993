package iern.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class PrintableTest {
    @Test
    void controlCharactersAreWrittenAsEscapes() {
        assertEquals("a\\x1b[31mb\\x00c\\x7fd\\x9be\\x0a", Printable.of("a\u001b[31mb\u0000c\u007fd\u009be\n"));
        assertEquals("'\\x1b]0;title\\x07'", Printable.quote("\u001b]0;title\u0007"));
        assertEquals("null", Printable.of(null));
    }

    @Test
    void ordinaryTextIsUnchanged() {
        String s = "ckplus_caf\u00e9_\u00fcber_001 \u4e2d\u6587 Anger";
        assertSame(s, Printable.of(s));
        assertEquals("'" + s + "'", Printable.quote(s));
    }
}
