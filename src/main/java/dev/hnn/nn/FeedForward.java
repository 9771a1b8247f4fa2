package dev.hnn.nn;

/** Position-wise feed-forward block: {@code Linear -> GELU -> Linear}. */
public final class FeedForward {
    private final Linear up;
    private final Linear down;

    public FeedForward(Linear up, Linear down) {
        this.up = up;
        this.down = down;
    }

    public Matrix forward(Matrix x) {
        return down.forward(Gelu.forward(up.forward(x)));
    }
}
