package dev.hnn.nn;

/** An element-wise activation of the feed-forward block. */
public interface Activation {
    double apply(double x);

    /** The exact GELU of BERT-family encoders. */
    Activation GELU = Gelu::apply;

    /** Element-wise application, returning a new matrix. */
    default Matrix forward(Matrix x) {
        float[] in = x.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) apply(in[i]);
        }
        return new Matrix(x.rows(), x.cols(), out);
    }
}
