package dev.hnn.nn;

/**
 * Float32 compute kernels. Inner loops are unit-stride "axpy" loops over output columns, which the
 * HotSpot C2 compiler turns into SIMD code; the weight row stays in L1 cache while it is applied to
 * every token of the sequence. When the JVM runs with {@code --add-modules jdk.incubator.vector}, a
 * register-blocked SIMD kernel ({@link VectorMatmul}) is used instead.
 */
public final class Kernels {
    private Kernels() {
    }

    private static final boolean VECTOR = VectorSupport.available();

    /** Whether the SIMD kernels (jdk.incubator.vector) are in use. */
    public static boolean simd() {
        return VECTOR;
    }

    /** {@code x (n x k) * w (k x m) + bias (m, may be null)}. */
    public static Matrix matmulBias(Matrix x, Matrix w, float[] bias) {
        int n = x.rows();
        int k = x.cols();
        int m = w.cols();
        if (w.rows() != k) {
            throw new IllegalArgumentException("matmul shape mismatch: " + n + "x" + k + " * " + w.rows() + "x" + m);
        }
        float[] a = x.data();
        float[] b = w.data();
        float[] c = new float[n * m];
        if (VECTOR) {
            VectorMatmul.multiply(a, b, c, n, k, m);
            if (bias != null) {
                for (int i = 0; i < n; i++) {
                    int off = i * m;
                    for (int j = 0; j < m; j++) {
                        c[off + j] += bias[j];
                    }
                }
            }
            return new Matrix(n, m, c);
        }
        scalarMultiply(a, b, c, bias, n, k, m);
        return new Matrix(n, m, c);
    }

    /** Portable kernel: {@code c = a b + bias} (bias may be null), c zero on entry. */
    static void scalarMultiply(float[] a, float[] b, float[] c, float[] bias, int n, int k, int m) {
        if (bias != null) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(bias, 0, c, i * m, m);
            }
        }
        for (int kk = 0; kk < k; kk++) {
            int wOff = kk * m;
            for (int i = 0; i < n; i++) {
                float av = a[i * k + kk];
                if (av == 0f) {
                    continue;
                }
                int cOff = i * m;
                for (int j = 0; j < m; j++) {
                    c[cOff + j] += av * b[wOff + j];
                }
            }
        }
    }

    /** Numerically stable softmax of {@code v[off .. off+len)} in place. */
    public static void softmaxInPlace(float[] v, int off, int len) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            max = Math.max(max, v[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
            float e = (float) Math.exp(v[off + i] - max);
            v[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < len; i++) {
            v[off + i] *= inv;
        }
    }
}
