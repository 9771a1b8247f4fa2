package dev.hnn.head;

/**
 * Observed input range of a non-linearity on the training data: min/max plus the 0.1% and 99.9%
 * quantiles (a polynomial fit may target the quantile range and clamp the rare outliers).
 */
public record Range(double min, double max, double p001, double p999, long count) {

    /** Range of the given samples (not modified). */
    public static Range of(double[] samples) {
        double[] s = samples.clone();
        java.util.Arrays.sort(s);
        if (s.length == 0) {
            return new Range(0, 0, 0, 0, 0);
        }
        return new Range(s[0], s[s.length - 1], s[(int) Math.floor(0.001 * (s.length - 1))],
                s[(int) Math.ceil(0.999 * (s.length - 1))], s.length);
    }
}
