package iern.engine.cpu;

import iern.engine.Backend.Reduce;

/**
 * Reductions and softmax along the middle axis of a contiguous {@code [outer, r, inner]} view.
 * One thread owns each {@code (outer, inner)} line and sums it in double in index order, so
 * the result is the same for every thread count.
 */
final class CpuReduce {
    private CpuReduce() {}

    private static final int WORK_GRAIN = 1 << 15;

    private static int lineGrain(int r) {
        return Math.max(1, WORK_GRAIN / Math.max(1, r));
    }

    private enum Kind { REDUCE, ARGMAX, SOFTMAX, SOFTMAX_BACKWARD }

    /**
     * The parallel body of one call: its kind and arguments (each kind reads those its line
     * method takes). One per thread, lent to one call at a time, not a lambda per call.
     */
    private static final class Lines implements Parallel.RangeBody {
        Kind kind;
        Reduce op;
        float[] x;
        float[] out;
        float[] y;
        float[] dy;
        float[] dx;
        int xOff;
        int outOff;
        int r;
        int inner;
        boolean log;

        @Override
        public void run(int l0, int l1) {
            switch (kind) {
                case REDUCE -> reduceLines(op, x, xOff, out, outOff, r, inner, l0, l1);
                case ARGMAX -> argmaxLines(x, xOff, out, outOff, r, inner, l0, l1);
                case SOFTMAX -> softmaxLines(x, y, r, inner, log, l0, l1);
                case SOFTMAX_BACKWARD -> softmaxBackwardLines(y, dy, dx, r, inner, log, l0, l1);
            }
        }
    }

    private static final Parallel.Lender<Lines> LINES = new Parallel.Lender<>(Lines::new);

    /** Runs {@code k} over [0, lines) and gives it back emptied. */
    private static void run(Lines k, int lines, int grain) {
        try {
            Parallel.forRange(lines, grain, k);
        } finally {
            k.x = k.out = k.y = k.dy = k.dx = null;
            LINES.giveBack(k);
        }
    }

    static void reduce(Reduce op, float[] x, int xOff, float[] out, int outOff, int outer, int r, int inner) {
        Lines k = LINES.borrow();
        k.kind = Kind.REDUCE;
        k.op = op;
        k.x = x;
        k.xOff = xOff;
        k.out = out;
        k.outOff = outOff;
        k.r = r;
        k.inner = inner;
        run(k, outer * inner, lineGrain(r));
    }

    private static void reduceLines(Reduce op, float[] x, int xOff, float[] out, int outOff, int r,
                                    int inner, int l0, int l1) {
        for (int l = l0; l < l1; l++) {
            int o = l / inner;
            int in = l % inner;
            int base = xOff + o * r * inner + in;
            float result;
            switch (op) {
                case SUM -> {
                    double s = 0;
                    for (int j = 0; j < r; j++) {
                        s += x[base + j * inner];
                    }
                    result = (float) s;
                }
                case MAX -> {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < r; j++) {
                        m = Math.max(m, x[base + j * inner]);
                    }
                    result = m;
                }
                default -> {
                    float m = Float.POSITIVE_INFINITY;
                    for (int j = 0; j < r; j++) {
                        m = Math.min(m, x[base + j * inner]);
                    }
                    result = m;
                }
            }
            out[outOff + l] = result;
        }
    }

    static void argmax(float[] x, int xOff, float[] out, int outOff, int outer, int r, int inner) {
        Lines k = LINES.borrow();
        k.kind = Kind.ARGMAX;
        k.x = x;
        k.xOff = xOff;
        k.out = out;
        k.outOff = outOff;
        k.r = r;
        k.inner = inner;
        run(k, outer * inner, lineGrain(r));
    }

    private static void argmaxLines(float[] x, int xOff, float[] out, int outOff, int r, int inner, int l0, int l1) {
        for (int l = l0; l < l1; l++) {
            int base = xOff + (l / inner) * r * inner + l % inner;
            int best = 0;
            float m = x[base];
            for (int j = 1; j < r; j++) {
                float v = x[base + j * inner];
                if (v > m || (Float.isNaN(v) && !Float.isNaN(m))) {
                    m = v;
                    best = j;
                }
            }
            out[outOff + l] = best;
        }
    }

    static void softmax(float[] x, float[] y, int outer, int r, int inner, boolean log) {
        Lines k = LINES.borrow();
        k.kind = Kind.SOFTMAX;
        k.x = x;
        k.y = y;
        k.r = r;
        k.inner = inner;
        k.log = log;
        run(k, outer * inner, lineGrain(r));
    }

    private static void softmaxLines(float[] x, float[] y, int r, int inner, boolean log, int l0, int l1) {
        for (int l = l0; l < l1; l++) {
            int base = (l / inner) * r * inner + l % inner;
            float m = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < r; j++) {
                m = Math.max(m, x[base + j * inner]);
            }
            double s = 0;
            for (int j = 0; j < r; j++) {
                s += Math.exp(x[base + j * inner] - m);
            }
            if (log) {
                double shift = m + Math.log(s);
                for (int j = 0; j < r; j++) {
                    y[base + j * inner] = (float) (x[base + j * inner] - shift);
                }
            } else {
                double inv = 1.0 / s;
                for (int j = 0; j < r; j++) {
                    y[base + j * inner] = (float) (Math.exp(x[base + j * inner] - m) * inv);
                }
            }
        }
    }

    static void softmaxBackward(float[] y, float[] dy, float[] dx, int outer, int r, int inner, boolean log) {
        Lines k = LINES.borrow();
        k.kind = Kind.SOFTMAX_BACKWARD;
        k.y = y;
        k.dy = dy;
        k.dx = dx;
        k.r = r;
        k.inner = inner;
        k.log = log;
        run(k, outer * inner, lineGrain(r));
    }

    private static void softmaxBackwardLines(float[] y, float[] dy, float[] dx, int r, int inner,
                                             boolean log, int l0, int l1) {
        for (int l = l0; l < l1; l++) {
            int base = (l / inner) * r * inner + l % inner;
            double s = 0;
            for (int j = 0; j < r; j++) {
                int i = base + j * inner;
                s += log ? dy[i] : (double) dy[i] * y[i];
            }
            for (int j = 0; j < r; j++) {
                int i = base + j * inner;
                dx[i] = log ? (float) (dy[i] - Math.exp(y[i]) * s) : (float) (y[i] * (dy[i] - s));
            }
        }
    }
}
