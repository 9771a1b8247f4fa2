package dev.hnn.nn;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SoftArgmaxTest {

    @Test
    void initialTemperatureIsTwo() {
        assertEquals(2.0, new SoftArgmax().temperature());
    }

    @Test
    void forwardIsExpectedIndexUnderTemperedSoftmax() {
        SoftArgmax sa = new SoftArgmax(0.5);
        double[] x = {1.0, -0.3, 2.2, 0.7};
        double[] e = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i] / 0.5);
            sum += e[i];
        }
        double y = 0;
        for (int i = 0; i < x.length; i++) {
            y += i * e[i] / sum;
        }
        assertEquals(y, sa.forward(x), 1e-12);
        // very low temperature approaches the hard argmax
        assertEquals(2.0, new SoftArgmax(1e-3).forward(x), 1e-9);
    }

    @Test
    void analyticGradientsMatchFiniteDifferences() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 2 + rnd.nextInt(6);
            double t = 0.3 + 3 * rnd.nextDouble();
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = 4 * rnd.nextGaussian();
            }
            SoftArgmax sa = new SoftArgmax(t);
            double[] g = sa.gradInput(x);
            double h = 1e-6;
            for (int j = 0; j < n; j++) {
                double[] xp = x.clone();
                double[] xm = x.clone();
                xp[j] += h;
                xm[j] -= h;
                double fd = (sa.forward(xp) - sa.forward(xm)) / (2 * h);
                assertEquals(fd, g[j], 1e-6 * Math.max(1, Math.abs(fd)), "dy/dx_" + j);
            }
            double fdT = (new SoftArgmax(t + h).forward(x) - new SoftArgmax(t - h).forward(x)) / (2 * h);
            assertEquals(fdT, sa.gradTemperature(x), 1e-6 * Math.max(1, Math.abs(fdT)), "dy/dT");
        }
    }

    @Test
    void twoClassesGiveSigmoidOfLogitDifference() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            double t = 0.1 + 5 * rnd.nextDouble();
            double x0 = 10 * rnd.nextGaussian();
            double x1 = 10 * rnd.nextGaussian();
            double y = new SoftArgmax(t).forward(new double[] {x0, x1});
            assertEquals(1.0 / (1.0 + Math.exp(-(x1 - x0) / t)), y, 1e-12);
            assertEquals(SoftArgmax.sigmoid((x1 - x0) / t), y, 1e-12);
        }
    }

    @Test
    void rejectsNonPositiveTemperature() {
        assertThrows(IllegalArgumentException.class, () -> new SoftArgmax(0));
        assertThrows(IllegalArgumentException.class, () -> new SoftArgmax(-1));
    }
}
