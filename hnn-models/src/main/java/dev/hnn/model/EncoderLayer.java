package dev.hnn.model;

import dev.hnn.nn.FeedForward;
import dev.hnn.nn.LayerNorm;
import dev.hnn.nn.Matrix;
import dev.hnn.nn.MultiHeadSelfAttention;

/**
 * One post-LN transformer block: {@code x = LN1(x + Attn(x)); x = LN2(x + FFN(x))}
 * (the BERT / DistilBERT arrangement).
 */
public final class EncoderLayer {
    private final MultiHeadSelfAttention attention;
    private final LayerNorm attentionNorm;
    private final FeedForward feedForward;
    private final LayerNorm outputNorm;

    public EncoderLayer(MultiHeadSelfAttention attention, LayerNorm attentionNorm,
                        FeedForward feedForward, LayerNorm outputNorm) {
        this.attention = attention;
        this.attentionNorm = attentionNorm;
        this.feedForward = feedForward;
        this.outputNorm = outputNorm;
    }

    public MultiHeadSelfAttention attention() {
        return attention;
    }

    public LayerNorm attentionNorm() {
        return attentionNorm;
    }

    public FeedForward feedForward() {
        return feedForward;
    }

    public LayerNorm outputNorm() {
        return outputNorm;
    }

    public Matrix forward(Matrix x) {
        Matrix h = attentionNorm.forward(x.plus(attention.forward(x)));
        return outputNorm.forward(h.plus(feedForward.forward(h)));
    }
}
