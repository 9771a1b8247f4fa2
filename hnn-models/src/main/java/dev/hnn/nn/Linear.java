package dev.hnn.nn;

/**
 * Affine layer {@code y = x W + b} with {@code W} stored as {@code in x out} (the ONNX MatMul layout).
 */
public final class Linear {
    private final Matrix weight;
    private final float[] bias;

    /** @param weightInOut weights in {@code in x out} layout; @param bias length {@code out} or null */
    public Linear(Matrix weightInOut, float[] bias) {
        if (bias != null && bias.length != weightInOut.cols()) {
            throw new IllegalArgumentException("bias length " + bias.length + " != out " + weightInOut.cols());
        }
        this.weight = weightInOut;
        this.bias = bias;
    }

    /** From PyTorch's {@code nn.Linear} layout ({@code out x in}, row-major). */
    public static Linear fromOutIn(int out, int in, float[] weightOutIn, float[] bias) {
        return new Linear(new Matrix(out, in, weightOutIn).transpose(), bias);
    }

    public int inFeatures() {
        return weight.rows();
    }

    public int outFeatures() {
        return weight.cols();
    }

    /** Weights, {@code in x out}. */
    public Matrix weight() {
        return weight;
    }

    public float[] bias() {
        return bias;
    }

    public Matrix forward(Matrix x) {
        return Kernels.matmulBias(x, weight, bias);
    }
}
