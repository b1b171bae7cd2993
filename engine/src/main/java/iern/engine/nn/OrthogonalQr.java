package iern.engine.nn;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * The QR step of {@link Init#orthogonal}, the engine's only use of EJML. It lives apart so that
 * {@link Init}'s bytecode names no EJML type: verifying a class loads the classes its methods
 * pass around, so with the QR inside {@code Init} a plain {@link Linear} failed with
 * {@code NoClassDefFoundError: org/ejml/data/Matrix} when EJML was not on the class path. Its
 * signature holds primitives only; keep it so.
 */
final class OrthogonalQr {

    private OrthogonalQr() {}

    /**
     * {@code gain} times the Q of the QR decomposition of {@code drawn} (a row-major
     * {@code [rows, cols]} matrix, transposed first when wide so that the QR is of a tall
     * matrix), with column signs fixed by R's diagonal; returned row-major {@code [rows, cols]}.
     */
    static float[] orthogonalize(double[] drawn, int rows, int cols, double gain) {
        boolean wide = rows < cols;
        int m = wide ? cols : rows;     // QR of a tall matrix
        int n = wide ? rows : cols;
        DMatrixRMaj a = new DMatrixRMaj(m, n);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (wide) {
                    a.set(c, r, drawn[r * cols + c]);
                } else {
                    a.set(r, c, drawn[r * cols + c]);
                }
            }
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m, n);
        if (!qr.decompose(a)) {
            throw new IllegalStateException("orthogonal init: QR decomposition failed for " + m + "x" + n);
        }
        DMatrixRMaj q = qr.getQ(null, true);   // m x n
        DMatrixRMaj rr = qr.getR(null, true);  // n x n
        float[] v = new float[rows * cols];
        for (int j = 0; j < n; j++) {
            double sign = rr.get(j, j) < 0 ? -1.0 : 1.0;
            for (int i = 0; i < m; i++) {
                double x = gain * sign * q.get(i, j);
                if (wide) {
                    v[j * cols + i] = (float) x;   // transpose back: row j of the result
                } else {
                    v[i * cols + j] = (float) x;
                }
            }
        }
        return v;
    }
}
