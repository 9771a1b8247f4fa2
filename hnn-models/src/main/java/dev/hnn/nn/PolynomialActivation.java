package dev.hnn.nn;

/**
 * A polynomial activation {@code sum_k c_k x^k}: the HE-friendly replacement of GELU, which a CKKS circuit evaluates
 * exactly. Training keeps its inputs within {@link #FIT_BOUND}, where it was fitted to GELU, with a range penalty.
 */
public final class PolynomialActivation implements Activation {
    /** Degree of the shipped fit: depth 3 under CKKS (x^2, x^4, then the coefficient products). */
    public static final int DEGREE = 4;
    /** GELU is fitted on [-FIT_BOUND, FIT_BOUND]. */
    public static final double FIT_BOUND = 6.0;

    private final double[] coefficients;

    public PolynomialActivation(double[] coefficients) {
        if (coefficients.length == 0) {
            throw new IllegalArgumentException("a polynomial needs at least one coefficient");
        }
        this.coefficients = coefficients.clone();
    }

    /** The least-squares fit of GELU of degree {@link #DEGREE} on a uniform grid over the fit interval. */
    public static PolynomialActivation geluFit() {
        int m = DEGREE + 1;
        double[][] a = new double[m][m + 1];
        int points = 2401;
        for (int i = 0; i < points; i++) {
            double x = -FIT_BOUND + 2 * FIT_BOUND * i / (points - 1);
            double y = Gelu.apply(x);
            double[] p = new double[m];
            p[0] = 1;
            for (int k = 1; k < m; k++) {
                p[k] = p[k - 1] * x;
            }
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < m; c++) {
                    a[r][c] += p[r] * p[c];
                }
                a[r][m] += p[r] * y;
            }
        }
        return new PolynomialActivation(solve(a));
    }

    /** Gaussian elimination with partial pivoting on an augmented system (small and well conditioned here). */
    private static double[] solve(double[][] a) {
        int m = a.length;
        for (int col = 0; col < m; col++) {
            int best = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[best][col])) {
                    best = r;
                }
            }
            double[] t = a[col];
            a[col] = a[best];
            a[best] = t;
            for (int r = 0; r < m; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= m; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = a[i][m] / a[i][i];
        }
        return x;
    }

    public double[] coefficients() {
        return coefficients.clone();
    }

    @Override
    public double apply(double x) {
        double y = 0;
        for (int k = coefficients.length - 1; k >= 0; k--) {
            y = y * x + coefficients[k];
        }
        return y;
    }
}
