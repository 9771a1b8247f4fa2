package dev.hnn.model;

/**
 * Shape of a BERT-family encoder.
 *
 * @param name             model identifier (for provenance)
 * @param layers           number of transformer blocks
 * @param hidden           hidden size
 * @param heads            attention heads
 * @param intermediate     feed-forward width
 * @param maxPositions     maximum sequence length (position-embedding rows)
 * @param layerNormEps     LayerNorm epsilon
 */
public record EncoderConfig(String name, int layers, int hidden, int heads, int intermediate,
                            int maxPositions, float layerNormEps) {
}
