package iern.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Tensors of one shape share its array and strides; callers' arrays are never kept. */
class ShapeTableTest {

    @Test
    void tensorsOfEqualShapeShareOneArrayThatCallersCannotChange() {
        int[] shape = {3, 5, 7};
        Tensor a = Tensor.zeros(shape);
        Tensor b = Tensor.ones(3, 5, 7);
        assertSame(a.shapeRef(), b.shapeRef());
        assertNotSame(shape, a.shapeRef());
        shape[0] = 9;                                   // the caller's array is not the tensor's
        assertArrayEquals(new int[] {3, 5, 7}, a.shape());
        int[] copy = a.shape();
        copy[1] = 1;                                    // shape() is still a copy
        assertArrayEquals(new int[] {3, 5, 7}, b.shape());
        assertSame(a.shapeRef(), a.add(b).reshape(3, 5, 7).shapeRef());
    }

    @Test
    void stridesAreRowMajorAndShared() {
        int[][] shapes = {{}, {4}, {2, 3}, {2, 0, 5}, {6, 1, 2, 3}};
        long[][] expected = {{}, {1}, {3, 1}, {0, 5, 1}, {6, 6, 3, 1}};
        for (int i = 0; i < shapes.length; i++) {
            assertArrayEquals(expected[i], Tensor.contiguousStrides(shapes[i]));
            assertSame(Tensor.contiguousStrides(shapes[i]), Tensor.contiguousStrides(shapes[i].clone()));
            assertArrayEquals(expected[i], ShapeTable.computeStrides(shapes[i]));
        }
    }

    @Test
    void internedArraysEqualTheirShapeForManyShapes() {
        for (int n = 1; n < 3000; n++) {
            int[] s = {n, n % 7 + 1};
            int[] c = ShapeTable.intern(s);
            assertArrayEquals(s, c);
            assertNotSame(s, c);
        }
    }
}
