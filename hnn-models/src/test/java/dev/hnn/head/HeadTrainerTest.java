package dev.hnn.head;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training on synthetic features: learns, is reproducible, fits T, and survives the head file round trip. */
class HeadTrainerTest {

    /** Two noisy Gaussian blobs in 24 dimensions; label noise makes the raw classifier overconfident. */
    private static Object[] data(long seed, int n) {
        Random r = new Random(seed);
        float[][] x = new float[n][24];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextBoolean() ? 1 : 0;
            for (int d = 0; d < 24; d++) {
                x[i][d] = (float) (r.nextGaussian() + (d < 4 ? (y[i] == 1 ? 1.0 : -1.0) : 0));
            }
            if (r.nextDouble() < 0.1) {
                y[i] = 1 - y[i];
            }
        }
        return new Object[] {x, y};
    }

    private static TrainingConfig cfg(ActivationKind a) {
        return new TrainingConfig(5, 8, a, 30, 32, 1e-2, 0, 300, 0.05, 2.5, 6.0, 0);
    }

    @Test
    void learnsIsReproducibleAndCalibrates() throws Exception {
        Object[] tr = data(1, 1500);
        Object[] cal = data(2, 800);
        float[][] x = (float[][]) tr[0];
        int[] y = (int[]) tr[1];
        for (ActivationKind a : ActivationKind.values()) {
            HeadTrainer t = new HeadTrainer(cfg(a));
            SentimentHead h1 = t.trainClassifier(x, y, null);
            SentimentHead h2 = new HeadTrainer(cfg(a)).trainClassifier(x, y, null);
            for (int j = 0; j < h1.hidden; j++) {
                assertArrayEquals(h1.w1[j], h2.w1[j], "same seed, same weights (" + a + ")");
            }
            float[][] xc = (float[][]) cal[0];
            int[] yc = (int[]) cal[1];
            double[] p = new double[xc.length];
            for (int i = 0; i < xc.length; i++) {
                p[i] = h1.probabilityPositive(xc[i]);
            }
            assertTrue(Evaluation.of(p, yc).accuracy() > 0.82, a + " accuracy " + Evaluation.of(p, yc).accuracy());
            double[][] z = HeadTraining.logits(h1, xc);
            double before = HeadTrainer.binaryCrossEntropy(h1, z, yc);
            double temp = t.fitTemperature(h1, z, yc);
            double after = HeadTrainer.binaryCrossEntropy(h1, z, yc);
            assertTrue(after <= before + 1e-9, "T fit lowers BCE: " + before + " -> " + after);
            // the fitted T is a stationary point of the BCE
            double eps = 1e-3;
            h1.softArgmax.setTemperature(temp * (1 + eps));
            double up = HeadTrainer.binaryCrossEntropy(h1, z, yc);
            h1.softArgmax.setTemperature(temp * (1 - eps));
            double down = HeadTrainer.binaryCrossEntropy(h1, z, yc);
            h1.softArgmax.setTemperature(temp);
            assertTrue(up >= after - 1e-7 && down >= after - 1e-7, "T is a minimum: " + down + " " + after + " " + up);

            String json = HeadFile.toJson(h1, "m", "pipe", 128, Range.of(new double[] {-1, 2}),
                    Range.of(new double[] {-3, 4}), Map.of("seed", 5), Map.of("validation_accuracy", 0.9), Map.of());
            HeadFile.Loaded back = HeadFile.parse(new StringReader(json), "test");
            assertEquals(temp, back.head().temperature(), 0);
            assertEquals(a, back.head().activation());
            assertEquals(-3, back.softArgmaxRange().min());
            for (int i = 0; i < 20; i++) {
                assertEquals(h1.probabilityPositive(xc[i]), back.head().probabilityPositive(xc[i]), 1e-12);
            }
        }
    }

    /** Largest |pre-activation| over hidden units and texts, and largest |z1 - z0|. */
    private static double[] ranges(SentimentHead h, float[][] x) {
        double act = 0;
        double diff = 0;
        for (float[] row : x) {
            for (double a : h.preActivation(h.standardize(row))) {
                act = Math.max(act, Math.abs(a));
            }
            double[] z = h.logits(row);
            diff = Math.max(diff, Math.abs(z[1] - z[0]));
        }
        return new double[] {act, diff};
    }

    @Test
    void rangePenaltyKeepsTheNonLinearitiesInputsNearTheirBounds() {
        Object[] tr = data(3, 1500);
        float[][] x = (float[][]) tr[0];
        int[] y = (int[]) tr[1];
        TrainingConfig free = cfg(ActivationKind.GELU);
        double[] wide = ranges(new HeadTrainer(free).trainClassifier(x, y, null), x);
        // bounds at a third of what the unpenalised head reaches
        double actBound = wide[0] / 3;
        double diffBound = wide[1] / 3;
        SentimentHead h = new HeadTrainer(free.withRangePenalty(actBound, diffBound, 1.0)).trainClassifier(x, y, null);
        double[] narrow = ranges(h, x);
        assertTrue(narrow[0] <= 1.5 * actBound, "pre-activations " + narrow[0] + " against bound " + actBound
                + " (unpenalised " + wide[0] + ")");
        assertTrue(narrow[1] <= 1.5 * diffBound, "logit differences " + narrow[1] + " against bound " + diffBound
                + " (unpenalised " + wide[1] + ")");
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = h.probabilityPositive(x[i]);
        }
        assertTrue(Evaluation.of(p, y).accuracy() > 0.82, "still learns: " + Evaluation.of(p, y).accuracy());
    }

    @Test
    void evaluationCountsAndEce() {
        double[] p = {0.91, 0.81, 0.27, 0.18, 0.62, 0.56};
        int[] y = {1, 0, 0, 0, 1, 0};
        Evaluation e = Evaluation.of(p, y);
        assertEquals(2, e.truePositive());
        assertEquals(2, e.falsePositive());
        assertEquals(2, e.trueNegative());
        assertEquals(0, e.falseNegative());
        assertEquals(4.0 / 6, e.accuracy(), 1e-12);
        // confidences .91 (right), .81 (wrong) and .82 (right) share a bin, .73 (right), .62 (right), .56 (wrong)
        double ece = (1.0 / 6) * Math.abs(1 - 0.91) + (2.0 / 6) * Math.abs(0.5 - 0.815) + (1.0 / 6) * Math.abs(1 - 0.73)
                + (1.0 / 6) * Math.abs(1 - 0.62) + (1.0 / 6) * Math.abs(0 - 0.56);
        assertEquals(ece, e.ece(), 1e-9);
    }
}
