package dev.hnn.head;

/** The Adam optimiser (Kingma and Ba) over a flat parameter vector. */
final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final double lr;
    private final double[] m;
    private final double[] v;
    private int t;

    Adam(double lr, int size) {
        this.lr = lr;
        this.m = new double[size];
        this.v = new double[size];
    }

    int size() {
        return m.length;
    }

    void step(double[] params, double[] grad) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < params.length; i++) {
            m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
            v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
            params[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
        }
    }
}
