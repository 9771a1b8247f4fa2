package dev.hnn.head;

/**
 * The head's hidden non-linearity. All are smooth; the encrypted path evaluates them as polynomials
 * over the input range recorded in the head file ({@code POLY2} exactly, the others by Chebyshev fit).
 */
public enum ActivationKind {
    /** Trainable quadratic {@code c0 + c1 x + c2 x^2}: exact under CKKS with one multiplication. */
    POLY2("poly2"),
    /** Exact GELU {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    GELU("gelu"),
    /** Hyperbolic tangent. */
    TANH("tanh");

    private final String id;

    ActivationKind(String id) {
        this.id = id;
    }

    /** Name used in the head file and on the command line. */
    public String id() {
        return id;
    }

    public static ActivationKind fromId(String id) {
        for (ActivationKind k : values()) {
            if (k.id.equalsIgnoreCase(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + id + "' (poly2, gelu, tanh)");
    }

    /** Initial coefficients (only POLY2 has any): the GELU Taylor expansion at 0, {@code x/2 + x^2/sqrt(2 pi)}. */
    public double[] initialCoefficients() {
        return this == POLY2 ? new double[] {0.0, 0.5, 1.0 / Math.sqrt(2 * Math.PI)} : new double[0];
    }

    public double apply(double x, double[] c) {
        return switch (this) {
            case POLY2 -> c[0] + x * (c[1] + x * c[2]);
            case GELU -> dev.hnn.nn.Gelu.apply(x);
            case TANH -> Math.tanh(x);
        };
    }

    public double derivative(double x, double[] c) {
        return switch (this) {
            case POLY2 -> c[1] + 2 * c[2] * x;
            case GELU -> {
                double cdf = 0.5 * (1 + dev.hnn.nn.Gelu.erf(x / Math.sqrt(2)));
                double pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
                yield cdf + x * pdf;
            }
            case TANH -> {
                double t = Math.tanh(x);
                yield 1 - t * t;
            }
        };
    }
}
