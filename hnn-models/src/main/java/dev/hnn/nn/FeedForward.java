package dev.hnn.nn;

/** Position-wise feed-forward block: {@code Linear -> activation (GELU unless given) -> Linear}. */
public final class FeedForward {
    private final Linear up;
    private final Linear down;
    private final Activation activation;

    public FeedForward(Linear up, Linear down) {
        this(up, down, Activation.GELU);
    }

    public FeedForward(Linear up, Linear down, Activation activation) {
        this.up = up;
        this.down = down;
        this.activation = activation;
    }

    public Activation activation() {
        return activation;
    }

    public Linear up() {
        return up;
    }

    public Linear down() {
        return down;
    }

    public Matrix forward(Matrix x) {
        return down.forward(activation.forward(up.forward(x)));
    }
}
