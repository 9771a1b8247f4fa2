package dev.hnn.model.onnx;

/**
 * A named ONNX initializer (TensorProto) decoded to float32 or int64 values.
 *
 * @param name  initializer name in the graph
 * @param dims  tensor shape (row-major)
 * @param floats values for FLOAT tensors, else null
 * @param longs  values for INT64/INT32 tensors, else null
 */
public record OnnxTensor(String name, long[] dims, float[] floats, long[] longs) {

    /** Number of elements implied by {@link #dims()}. */
    public long size() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** The float values, failing clearly if this tensor is not a float tensor. */
    public float[] requireFloats() {
        if (floats == null) {
            throw new IllegalStateException("ONNX initializer " + name + " is not a float tensor");
        }
        return floats;
    }
}
