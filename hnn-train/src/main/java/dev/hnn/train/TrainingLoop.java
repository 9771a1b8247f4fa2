package dev.hnn.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.hnn.model.Embeddings;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mini-batch training with AdamW on every trainable array of a {@link TorchEncoder}, autograd by PyTorch.
 * Batches group texts of similar length (sorted within pools of 50 batches, pools and batches shuffled with the
 * seed), because SST-2 mixes two-word phrases with 50-word sentences and padding would otherwise dominate.
 * Learning rate: linear warm-up, then linear decay to zero.
 */
final class TrainingLoop {
    /** What one step minimises, from the batch and the model's output. */
    interface Objective {
        NDArray loss(Batch batch, TorchEncoder.Output out);
    }

    record Settings(int epochs, int batchSize, float learningRate, float weightDecay, float warmupFraction,
                    long seed) {
    }

    private TrainingLoop() {
    }

    static void run(TorchEncoder model, List<Example> train, Embeddings embeddings, Settings s, Objective objective,
                    NDManager root, PrintStream progress) {
        Map<String, NDArray> params = model.trainable();
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
        Random rng = new Random(s.seed());
        int stepsPerEpoch = (train.size() + s.batchSize() - 1) / s.batchSize();
        int total = stepsPerEpoch * s.epochs();
        int warmup = Math.max(1, Math.round(total * s.warmupFraction()));
        float peak = s.learningRate();
        Optimizer adamW = Optimizer.adamW()
                .optLearningRateTracker((Tracker) step -> step < warmup ? peak * (step + 1) / warmup
                        : peak * Math.max(0f, (float) (total - step) / (total - warmup)))
                .optWeightDecays(s.weightDecay())
                .optClipGrad(1f)
                .build();
        long start = System.nanoTime();
        int step = 0;
        double lossSum = 0;
        int lossCount = 0;
        int skipped = 0;
        for (int epoch = 1; epoch <= s.epochs(); epoch++) {
            for (List<Example> batch : batches(train, s.batchSize(), rng)) {
                try (NDManager bm = root.newSubManager()) {
                    Batch b = Batch.of(batch, embeddings, model.hidden, bm);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = objective.loss(b, model.forward(b.embeddings(), b.mask(), b.tokens()));
                        float value = loss.getFloat();
                        if (Float.isFinite(value)) {
                            gc.backward(loss);
                        }
                        if (!Float.isFinite(value) || !finiteGradients(params)) {
                            // A batch with a non-finite loss or gradient is skipped before it reaches the optimizer
                            // (the parameters stay finite); many such batches mean the run has diverged, and it stops.
                            for (NDArray p : params.values()) {
                                p.getGradient().set(new ai.djl.ndarray.index.NDIndex("..."), 0); // NaN - NaN is NaN: overwrite
                            }
                            skipped++;
                            progress.printf("step %d: loss %s, non-finite, batch skipped (%d so far)%n", step + 1,
                                    value, skipped);
                            if (skipped > Math.max(3, total / 100)) {
                                throw new IllegalStateException("training diverged: " + skipped + " batches with a "
                                        + "non-finite loss or gradient by step " + (step + 1) + "; lower the learning rate");
                            }
                            step++;
                            continue;
                        }
                        lossSum += value;
                        lossCount++;
                    }
                    for (Map.Entry<String, NDArray> e : params.entrySet()) {
                        NDArray g = e.getValue().getGradient();
                        adamW.update(e.getKey(), e.getValue(), g);
                        g.subi(g);
                    }
                }
                step++;
                if (step % 50 == 0 || step == total) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    progress.printf("epoch %d/%d  step %d/%d  loss %.4f  %.1f texts/s  eta %.1f min%n", epoch,
                            s.epochs(), step, total, lossSum / lossCount, step * (double) s.batchSize() / secs,
                            secs / step * (total - step) / 60);
                    lossSum = 0;
                    lossCount = 0;
                }
            }
        }
    }

    /** Whether every parameter's gradient is finite (NaN or infinity in any makes the sum of squares non-finite). */
    private static boolean finiteGradients(Map<String, NDArray> params) {
        double sum = 0;
        for (NDArray p : params.values()) {
            sum += p.getGradient().square().sum().getFloat();
        }
        return Double.isFinite(sum);
    }

    /** Length-grouped, seeded batches of one epoch. */
    static List<List<Example>> batches(List<Example> examples, int batchSize, Random rng) {
        List<Example> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, rng);
        List<List<Example>> out = new ArrayList<>();
        int pool = batchSize * 50;
        for (int p = 0; p < shuffled.size(); p += pool) {
            List<Example> chunk = new ArrayList<>(shuffled.subList(p, Math.min(shuffled.size(), p + pool)));
            chunk.sort(Comparator.comparingInt(e -> e.ids().length));
            for (int i = 0; i < chunk.size(); i += batchSize) {
                out.add(chunk.subList(i, Math.min(chunk.size(), i + batchSize)));
            }
        }
        Collections.shuffle(out, rng);
        return out;
    }
}
