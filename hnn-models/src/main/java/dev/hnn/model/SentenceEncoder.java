package dev.hnn.model;

import dev.hnn.nn.Matrix;
import dev.hnn.text.TextTokenizer;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Text to feature vector: tokenizer, {@link TransformerEncoder}, pooling and optional L2 normalisation.
 * Batches run one sentence per task on a fork-join pool (no padding, so no wasted work).
 */
public final class SentenceEncoder implements AutoCloseable {
    private final TextTokenizer tokenizer;
    private final TransformerEncoder encoder;
    private final Pooling pooling;
    private final boolean normalize;

    public SentenceEncoder(TextTokenizer tokenizer, TransformerEncoder encoder, Pooling pooling, boolean normalize) {
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.pooling = pooling;
        this.normalize = normalize;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public TransformerEncoder encoder() {
        return encoder;
    }

    /** Human-readable description of the feature pipeline (stored as head provenance). */
    public String describe() {
        return encoder.config().name() + " | pooling=" + pooling.name().toLowerCase() + (normalize ? " | l2-normalized" : "");
    }

    /** Last hidden state of one text. */
    public Matrix hiddenState(String text) {
        return encoder.forward(tokenizer.encode(text));
    }

    /** Pooled (and normalised) feature vector of one text. */
    public float[] embed(String text) {
        float[] v = pooling.pool(hiddenState(text));
        return normalize ? Pooling.l2Normalize(v) : v;
    }

    /**
     * Embeds many texts using {@code threads} workers; {@code progress} receives the count done so far
     * (may be called from worker threads).
     */
    public float[][] embedAll(List<String> texts, int threads, IntConsumer progress) {
        float[][] out = new float[texts.size()][];
        AtomicInteger done = new AtomicInteger();
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            pool.submit(() -> IntStream.range(0, texts.size()).parallel().forEach(i -> {
                out[i] = embed(texts.get(i));
                progress.accept(done.incrementAndGet());
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
