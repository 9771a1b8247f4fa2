package dev.hnn.nn;

/** The exact (erf-based) GELU used by BERT-family encoders: {@code 0.5 x (1 + erf(x / sqrt 2))}. */
public final class Gelu {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private Gelu() {
    }

    public static double apply(double x) {
        return 0.5 * x * (1.0 + erf(x * INV_SQRT2));
    }

    /**
     * Error function via the complementary-error-function Chebyshev fit of Numerical Recipes (erfcc),
     * fractional error below 1.2e-7 everywhere: ample for float32 activations.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }
}
