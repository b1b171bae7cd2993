package iern.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import iern.engine.ops.BatchNorm;
import iern.engine.ops.Convolution;
import iern.engine.ops.Pooling;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad shapes are reported with the op and both shapes. */
class ShapeErrorsTest {

    private static void message(String expected, Executable e) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
    }

    @Test
    void messagesNameTheOpAndTheShapes() {
        message("matmul: shapes [2, 3] and [4, 5] do not match (inner dims 3 vs 4)",
                () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        message("add: shapes [2, 3] and [4] cannot be broadcast (axis 1: 3 vs 4)",
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        message("reshape: cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)",
                () -> Tensor.zeros(2, 3).reshape(4, 2));
        message("conv2d: input [1, 3, 5, 5] and weight [4, 2, 3, 3] do not match (weight must be [cOut, 3, kh, kw])",
                () -> Convolution.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(4, 2, 3, 3), null, 1, 0));
        message("cat: shapes [2, 3] and [3, 3] differ outside axis 1",
                () -> Tensor.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 3)), 1));
        message("slice: window [2, 5) outside axis 0 of shape [3]", () -> Tensor.zeros(3).slice(0, 2, 5));
        message("sum: axis 2 out of range for shape [2, 3]", () -> Tensor.zeros(2, 3).sum(2, false));
        message("expand: cannot expand [2, 3] to [2, 4] (axis 1: 3 is not 1)", () -> Tensor.zeros(2, 3).expand(2, 4));
        message("Tensor.of: 5 values do not fill shape [2, 3] (6 elements)", () -> Tensor.of(new float[5], 2, 3));
        message("maxPool2d: input of shape [3, 5] is not 4-d NCHW", () ->
                Pooling.maxPool2d(Tensor.zeros(3, 5), 2, 2, 0));
        message("matmul: shapes [3] and [3, 2] need at least 2 axes each (reshape a vector to [1, n] or [n, 1])",
                () -> Tensor.zeros(3).matmul(Tensor.zeros(3, 2)));
        message("batchNorm2d: parameter of shape [4] does not match 3 channels of input [2, 3, 2, 2]",
                () -> BatchNorm.batchNorm2d(Tensor.zeros(2, 3, 2, 2), Tensor.ones(4), null, null, null, true, 0.1f, 1e-5f, 1));
    }
}
