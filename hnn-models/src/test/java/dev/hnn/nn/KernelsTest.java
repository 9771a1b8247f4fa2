package dev.hnn.nn;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KernelsTest {

    @Test
    void matmulBiasMatchesNaiveDoubleProduct() {
        Random rnd = new Random(3);
        int[][] shapes = {{1, 5, 3}, {13, 384, 1536}, {7, 33, 17}, {4, 16, 32}, {9, 64, 48}};
        for (int[] s : shapes) {
            int n = s[0];
            int k = s[1];
            int m = s[2];
            Matrix a = random(n, k, rnd);
            Matrix w = random(k, m, rnd);
            float[] bias = random(1, m, rnd).data();
            Matrix c = Kernels.matmulBias(a, w, bias);
            Matrix scalar = new Matrix(n, m);
            Kernels.scalarMultiply(a.data(), w.data(), scalar.data(), bias, n, k, m);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double ref = bias[j];
                    for (int t = 0; t < k; t++) {
                        ref += (double) a.get(i, t) * w.get(t, j);
                    }
                    assertEquals(ref, c.get(i, j), 1e-4 * Math.max(1, Math.abs(ref)), "simd=" + Kernels.simd());
                    assertEquals(ref, scalar.get(i, j), 1e-4 * Math.max(1, Math.abs(ref)), "scalar kernel");
                }
            }
        }
    }

    @Test
    void testsRunTheSimdKernel() {
        // surefire adds --add-modules jdk.incubator.vector, as the hnn launcher does
        org.junit.jupiter.api.Assertions.assertTrue(Kernels.simd(), "Vector API module present in tests");
    }

    private static Matrix random(int r, int c, Random rnd) {
        float[] d = new float[r * c];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextGaussian();
        }
        return new Matrix(r, c, d);
    }
}
