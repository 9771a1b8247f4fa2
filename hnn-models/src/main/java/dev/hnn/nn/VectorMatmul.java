package dev.hnn.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked SIMD matrix product {@code c = a (n x k) * b (k x m)} with the Vector API: a 4-row by
 * 2-vector tile of accumulators lives in registers while {@code k} is swept, so each loaded weight
 * vector feeds four FMAs. Only loaded when the jdk.incubator.vector module is present.
 */
final class VectorMatmul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    private VectorMatmul() {
    }

    static void multiply(float[] a, float[] b, float[] c, int n, int k, int m) {
        int mv = m - m % (2 * L);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int a0 = i * k;
            int a1 = a0 + k;
            int a2 = a1 + k;
            int a3 = a2 + k;
            for (int j = 0; j < mv; j += 2 * L) {
                FloatVector c00 = FloatVector.zero(S);
                FloatVector c01 = c00;
                FloatVector c10 = c00;
                FloatVector c11 = c00;
                FloatVector c20 = c00;
                FloatVector c21 = c00;
                FloatVector c30 = c00;
                FloatVector c31 = c00;
                for (int kk = 0; kk < k; kk++) {
                    int wo = kk * m + j;
                    FloatVector b0 = FloatVector.fromArray(S, b, wo);
                    FloatVector b1 = FloatVector.fromArray(S, b, wo + L);
                    FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    x = FloatVector.broadcast(S, a[a1 + kk]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    x = FloatVector.broadcast(S, a[a2 + kk]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    x = FloatVector.broadcast(S, a[a3 + kk]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                }
                c00.intoArray(c, i * m + j);
                c01.intoArray(c, i * m + j + L);
                c10.intoArray(c, (i + 1) * m + j);
                c11.intoArray(c, (i + 1) * m + j + L);
                c20.intoArray(c, (i + 2) * m + j);
                c21.intoArray(c, (i + 2) * m + j + L);
                c30.intoArray(c, (i + 3) * m + j);
                c31.intoArray(c, (i + 3) * m + j + L);
            }
            for (int r = i; r < i + 4; r++) {
                scalarColumns(a, b, c, r, k, m, mv);
            }
        }
        for (; i < n; i++) {
            int ao = i * k;
            for (int j = 0; j < mv; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int kk = 0; kk < k; kk++) {
                    acc = FloatVector.broadcast(S, a[ao + kk]).fma(FloatVector.fromArray(S, b, kk * m + j), acc);
                }
                acc.intoArray(c, i * m + j);
            }
            scalarColumns(a, b, c, i, k, m, mv);
        }
    }

    /** Columns {@code from .. m-1} of row {@code r}, scalar. */
    private static void scalarColumns(float[] a, float[] b, float[] c, int r, int k, int m, int from) {
        for (int j = from; j < m; j++) {
            float s = 0;
            for (int kk = 0; kk < k; kk++) {
                s += a[r * k + kk] * b[kk * m + j];
            }
            c[r * m + j] = s;
        }
    }
}
