package dev.hnn.head;

import dev.hnn.nn.SoftArgmax;

import java.util.Random;

/**
 * Trains a {@link SentimentHead} in two phases, as in the seed paper:
 * <ol>
 *   <li>the classifier (standardisation, two linear layers, activation) with softmax cross-entropy
 *       (mini-batch Adam, L2 weight decay, seeded initialisation and shuffling);</li>
 *   <li>the classifier frozen, the soft-argmax temperature {@code T} (initialised to 2.0) fitted with
 *       binary cross-entropy of the soft-argmax output against the labels, on a separate calibration
 *       set, using the analytic gradient {@link SoftArgmax#gradTemperature}.</li>
 * </ol>
 * Single-threaded and fully deterministic for a given seed and data.
 */
public final class HeadTrainer {

    /** Receives progress lines. */
    public interface Progress {
        void epoch(int epoch, int epochs, double loss, double trainAccuracy);
    }

    private final TrainingConfig cfg;

    public HeadTrainer(TrainingConfig cfg) {
        this.cfg = cfg;
    }

    /** Phase 1: fits the classifier on features/labels; T is left at its initial value. */
    public SentimentHead trainClassifier(float[][] features, int[] labels, Progress progress) {
        int n = features.length;
        int d = features[0].length;
        int h = cfg.hidden();
        float[] mean = new float[d];
        float[] std = new float[d];
        standardization(features, mean, std);
        double[][] x = new double[n][d];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < d; i++) {
                x[s][i] = (features[s][i] - mean[i]) / std[i];
            }
        }
        Random rnd = new Random(cfg.seed());
        double[][] w1 = xavier(h, d, rnd);
        double[][] w2 = xavier(2, h, rnd);
        SentimentHead head = new SentimentHead(mean, std, w1, new double[h], cfg.activation(),
                cfg.activation().initialCoefficients(), w2, new double[2], SoftArgmax.INITIAL_TEMPERATURE);

        Adam opt = new Adam(cfg.learningRate(), h * d + h + 2 * h + 2 + head.coefficients.length);
        double[] grad = new double[opt.size()];
        double[] params = new double[opt.size()];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[] a = new double[h];
        double[] act = new double[h];
        double[] dh = new double[h];
        for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
            shuffle(order, rnd);
            double lossSum = 0;
            int correct = 0;
            for (int start = 0; start < n; start += cfg.batchSize()) {
                int end = Math.min(n, start + cfg.batchSize());
                java.util.Arrays.fill(grad, 0);
                for (int b = start; b < end; b++) {
                    int s = order[b];
                    double[] xs = x[s];
                    for (int j = 0; j < h; j++) {
                        double v = head.b1[j];
                        double[] row = w1[j];
                        for (int i = 0; i < d; i++) {
                            v += row[i] * xs[i];
                        }
                        a[j] = v;
                        act[j] = head.activation.apply(v, head.coefficients);
                    }
                    double z0 = head.b2[0];
                    double z1 = head.b2[1];
                    for (int j = 0; j < h; j++) {
                        z0 += w2[0][j] * act[j];
                        z1 += w2[1][j] * act[j];
                    }
                    double p1 = SoftArgmax.sigmoid(z1 - z0);
                    int y = labels[s];
                    lossSum += -Math.log(Math.max(1e-12, y == 1 ? p1 : 1 - p1));
                    if ((p1 >= 0.5 ? 1 : 0) == y) {
                        correct++;
                    }
                    double dz1 = p1 - y + rangePenaltyGradient(z1 - z0, cfg.logitBound());
                    double dz0 = -dz1;
                    int off = h * d + h;
                    for (int j = 0; j < h; j++) {
                        grad[off + j] += dz0 * act[j];
                        grad[off + h + j] += dz1 * act[j];
                        dh[j] = w2[0][j] * dz0 + w2[1][j] * dz1;
                    }
                    grad[off + 2 * h] += dz0;
                    grad[off + 2 * h + 1] += dz1;
                    int coff = off + 2 * h + 2;
                    for (int j = 0; j < h; j++) {
                        double da = dh[j] * head.activation.derivative(a[j], head.coefficients)
                                + rangePenaltyGradient(a[j], cfg.activationBound());
                        if (head.coefficients.length == 3) {
                            grad[coff] += dh[j];
                            grad[coff + 1] += dh[j] * a[j];
                            grad[coff + 2] += dh[j] * a[j] * a[j];
                        }
                        int roff = j * d;
                        for (int i = 0; i < d; i++) {
                            grad[roff + i] += da * xs[i];
                        }
                        grad[h * d + j] += da;
                    }
                }
                double scale = 1.0 / (end - start);
                pack(head, params);
                for (int k = 0; k < grad.length; k++) {
                    grad[k] *= scale;
                }
                for (int k = 0; k < h * d; k++) {
                    grad[k] += cfg.weightDecay() * params[k];
                }
                int w2off = h * d + h;
                for (int k = w2off; k < w2off + 2 * h; k++) {
                    grad[k] += cfg.weightDecay() * params[k];
                }
                opt.step(params, grad);
                unpack(params, head);
            }
            if (progress != null) {
                progress.epoch(epoch, cfg.epochs(), lossSum / n, (double) correct / n);
            }
        }
        return head;
    }

    /** d/dv of rangePenalty * max(0, |v| - bound)^2. */
    private double rangePenaltyGradient(double v, double bound) {
        double excess = Math.abs(v) - bound;
        return excess > 0 ? 2 * cfg.rangePenalty() * Math.copySign(excess, v) : 0;
    }

    /**
     * Phase 2: with the classifier frozen, fits T by minimising the mean binary cross-entropy of
     * {@code y = softArgmax_T(z)} (= P(positive)) on the given calibration logits. Returns the fitted T
     * and sets it on the head.
     */
    public double fitTemperature(SentimentHead head, double[][] logits, int[] labels) {
        SoftArgmax sa = head.softArgmax;
        sa.setTemperature(SoftArgmax.INITIAL_TEMPERATURE);
        // optimise u = log T so that T stays positive; Adam on the mean BCE
        double u = Math.log(sa.temperature());
        Adam opt = new Adam(cfg.temperatureLearningRate(), 1);
        double[] p = {u};
        double[] g = new double[1];
        for (int step = 0; step < cfg.temperatureSteps(); step++) {
            double grad = 0;
            for (int s = 0; s < logits.length; s++) {
                double y = Math.min(1 - 1e-12, Math.max(1e-12, sa.forward(logits[s])));
                double dLdy = (y - labels[s]) / (y * (1 - y));
                grad += dLdy * sa.gradTemperature(logits[s]);
            }
            g[0] = grad / logits.length * sa.temperature(); // chain rule dT/du = T
            opt.step(p, g);
            sa.setTemperature(Math.exp(p[0]));
        }
        return sa.temperature();
    }

    /** Mean binary cross-entropy of the soft-argmax output at the head's current T. */
    public static double binaryCrossEntropy(SentimentHead head, double[][] logits, int[] labels) {
        double loss = 0;
        for (int s = 0; s < logits.length; s++) {
            double y = Math.min(1 - 1e-12, Math.max(1e-12, head.softArgmax.forward(logits[s])));
            loss -= labels[s] == 1 ? Math.log(y) : Math.log(1 - y);
        }
        return loss / logits.length;
    }

    private static void standardization(float[][] f, float[] mean, float[] std) {
        int n = f.length;
        int d = mean.length;
        double[] m = new double[d];
        double[] v = new double[d];
        for (float[] row : f) {
            for (int i = 0; i < d; i++) {
                m[i] += row[i];
            }
        }
        for (int i = 0; i < d; i++) {
            m[i] /= n;
        }
        for (float[] row : f) {
            for (int i = 0; i < d; i++) {
                double c = row[i] - m[i];
                v[i] += c * c;
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] = (float) m[i];
            std[i] = (float) Math.max(1e-6, Math.sqrt(v[i] / n));
        }
    }

    private static double[][] xavier(int out, int in, Random rnd) {
        double limit = Math.sqrt(6.0 / (in + out));
        double[][] w = new double[out][in];
        for (double[] row : w) {
            for (int i = 0; i < in; i++) {
                row[i] = (2 * rnd.nextDouble() - 1) * limit;
            }
        }
        return w;
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Parameter vector layout: W1 (h x d), b1 (h), W2 (2 x h), b2 (2), activation coefficients. */
    private static void pack(SentimentHead m, double[] p) {
        int k = 0;
        for (double[] row : m.w1) {
            System.arraycopy(row, 0, p, k, row.length);
            k += row.length;
        }
        System.arraycopy(m.b1, 0, p, k, m.hidden);
        k += m.hidden;
        for (double[] row : m.w2) {
            System.arraycopy(row, 0, p, k, row.length);
            k += row.length;
        }
        System.arraycopy(m.b2, 0, p, k, 2);
        k += 2;
        System.arraycopy(m.coefficients, 0, p, k, m.coefficients.length);
    }

    private static void unpack(double[] p, SentimentHead m) {
        int k = 0;
        for (double[] row : m.w1) {
            System.arraycopy(p, k, row, 0, row.length);
            k += row.length;
        }
        System.arraycopy(p, k, m.b1, 0, m.hidden);
        k += m.hidden;
        for (double[] row : m.w2) {
            System.arraycopy(p, k, row, 0, row.length);
            k += row.length;
        }
        System.arraycopy(p, k, m.b2, 0, 2);
        k += 2;
        System.arraycopy(p, k, m.coefficients, 0, m.coefficients.length);
    }
}
