// Fused optimiser updates, PyTorch semantics. The bias corrections are folded on the host
// in double (stepSize = lr / (1 - beta1^t), bc2Sqrt = sqrt(1 - beta2^t)), as PyTorch and
// the CPU backend do, so the backends agree to rounding.

__kernel void adam_step(__global float* p, __global const float* grad, __global float* m, __global float* v,
                        long n, float beta1, float beta2, float eps, float weightDecay,
                        float gradScale, float stepSize, float bc2Sqrt) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        float g = gradScale * grad[i] + weightDecay * p[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        p[i] -= stepSize * mi / (sqrt(vi) / bc2Sqrt + eps);
    }
}

// buf = mu buf + g; p -= lr (nesterov ? g + mu buf : buf). Without momentum buf is unused.
__kernel void sgd_step(__global float* p, __global const float* grad, __global float* buf, int hasBuf,
                       long n, float lr, float momentum, float weightDecay, float gradScale, int nesterov) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        float g = gradScale * grad[i] + weightDecay * p[i];
        if (hasBuf) {
            float b = momentum * buf[i] + g;
            buf[i] = b;
            g = nesterov ? g + momentum * b : b;
        }
        p[i] -= lr * g;
    }
}
