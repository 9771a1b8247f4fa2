package dev.hnn.nn;

import java.util.Arrays;

/**
 * A dense row-major float32 matrix: the one tensor type of the plaintext forward pass
 * (a sequence of token vectors is a {@code tokens x hidden} matrix).
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    private final float[] data;

    public Matrix(int rows, int cols) {
        this(rows, cols, new float[Math.multiplyExact(rows, cols)]);
    }

    /** Wraps {@code data} (not copied); its length must be {@code rows * cols}. */
    public Matrix(int rows, int cols, float[] data) {
        if (data.length != rows * cols) {
            throw new IllegalArgumentException("data length " + data.length + " != " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The backing array (row-major), shared, not copied. */
    public float[] data() {
        return data;
    }

    public float get(int r, int c) {
        return data[r * cols + c];
    }

    public void set(int r, int c, float v) {
        data[r * cols + c] = v;
    }

    /** A copy of row {@code r}. */
    public float[] row(int r) {
        return Arrays.copyOfRange(data, r * cols, (r + 1) * cols);
    }

    /** The transpose as a new matrix. */
    public Matrix transpose() {
        Matrix t = new Matrix(cols, rows);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t.data[c * rows + r] = data[r * cols + c];
            }
        }
        return t;
    }

    /** Element-wise sum as a new matrix. */
    public Matrix plus(Matrix o) {
        if (o.rows != rows || o.cols != cols) {
            throw new IllegalArgumentException("shape mismatch");
        }
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i] + o.data[i];
        }
        return new Matrix(rows, cols, out);
    }
}
