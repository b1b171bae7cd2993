package iern.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Tensors of one shape share its array and strides; callers' arrays are never kept. */
class ShapeTableTest {

    /** Ops read their inputs' shared shapes without a copy (KernelOp.shapeOf) and leave them as they were. */
    @Test
    void opsReadingTheSharedShapesLeaveThemUnchanged() {
        Tensor x = Tensor.randn(Seed.of(1), 4, 3, 6, 6).requiresGrad(true);
        Tensor w = Tensor.randn(Seed.of(2), 5, 3, 3, 3).requiresGrad(true);
        Tensor bias = Tensor.zeros(5).requiresGrad(true);
        assertSame(x.shapeRef(), KernelOp.shapeOf(x));
        var bn = new iern.engine.nn.BatchNorm2d(5);
        Tensor y = bn.forward(iern.engine.ops.Convolution.conv2d(x, w, bias, 2, 1), 2);
        Tensor z = iern.engine.ops.Pooling.maxPool2d(y, 2, 2, 0).add(iern.engine.ops.Pooling.avgPool2d(y, 2, 2, 0))
                .add(iern.engine.ops.Pooling.adaptiveAvgPool2d(y, 1, 1));
        z.sum().backward();
        assertArrayEquals(new int[] {4, 3, 6, 6}, Tensor.zeros(4, 3, 6, 6).shape());
        assertArrayEquals(new int[] {5, 3, 3, 3}, Tensor.zeros(5, 3, 3, 3).shape());
        assertArrayEquals(new int[] {5}, Tensor.zeros(5).shape());
        assertArrayEquals(new int[] {4, 5, 3, 3}, Tensor.zeros(4, 5, 3, 3).shape());
        assertArrayEquals(new int[] {4, 3, 6, 6}, x.grad().shape());
        assertArrayEquals(new int[] {5, 3, 3, 3}, w.grad().shape());
    }

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
