package dev.hnn.head;

/**
 * Binary classification quality of probabilities {@code P(positive)} against labels: accuracy,
 * confusion matrix, expected calibration error and the per-bin reliability data behind it.
 *
 * <p>ECE uses {@link #BINS} equal-width bins over the confidence of the predicted class
 * ({@code max(p, 1 - p)} in [0.5, 1]): {@code sum_b (n_b / N) |accuracy_b - mean confidence_b|}.
 */
public record Evaluation(int n, int truePositive, int trueNegative, int falsePositive, int falseNegative,
                         double ece, double[] binAccuracy, double[] binConfidence, int[] binCount) {
    public static final int BINS = 10;

    public static Evaluation of(double[] pPositive, int[] labels) {
        int tp = 0;
        int tn = 0;
        int fp = 0;
        int fn = 0;
        double[] correct = new double[BINS];
        double[] conf = new double[BINS];
        int[] count = new int[BINS];
        for (int i = 0; i < pPositive.length; i++) {
            int pred = pPositive[i] >= 0.5 ? 1 : 0;
            if (pred == 1 && labels[i] == 1) {
                tp++;
            } else if (pred == 0 && labels[i] == 0) {
                tn++;
            } else if (pred == 1) {
                fp++;
            } else {
                fn++;
            }
            double c = Math.max(pPositive[i], 1 - pPositive[i]);
            int b = Math.min(BINS - 1, (int) Math.floor((c - 0.5) * 2 * BINS));
            count[b]++;
            conf[b] += c;
            correct[b] += pred == labels[i] ? 1 : 0;
        }
        double ece = 0;
        int n = pPositive.length;
        double[] acc = new double[BINS];
        for (int b = 0; b < BINS; b++) {
            if (count[b] > 0) {
                acc[b] = correct[b] / count[b];
                conf[b] /= count[b];
                ece += (double) count[b] / n * Math.abs(acc[b] - conf[b]);
            }
        }
        return new Evaluation(n, tp, tn, fp, fn, ece, acc, conf, count);
    }

    public double accuracy() {
        return n == 0 ? 0 : (double) (truePositive + trueNegative) / n;
    }

    /** A short multi-line text report. */
    public String report() {
        return String.format(java.util.Locale.ROOT,
                "examples: %d%naccuracy: %.2f%%%nconfusion matrix (rows = true label, columns = predicted):%n"
                        + "                predicted neg  predicted pos%n"
                        + "  true neg      %13d  %13d%n  true pos      %13d  %13d%nECE (%d bins): %.4f",
                n, 100 * accuracy(), trueNegative, falsePositive, falseNegative, truePositive, BINS, ece);
    }
}
