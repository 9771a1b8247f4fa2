package dev.hnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.nn.PolynomialActivation;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Distils the HE-friendly variant from the fine-tuned model. The student starts as the teacher with polynomial
 * attention ({@code (s + c_h)^2 * scale / n}, the scale set so that a layer's weights sum to one on average) and the
 * polynomial activation, adapters widened by a few columns, and learns from the labels, the teacher's logits and
 * every layer's hidden state, with a penalty that keeps the activation's inputs inside the interval its polynomial
 * was fitted on.
 */
final class Distillation {
    /** Peak learning rate of a distillation from the teacher; a continuation wants less (1e-3 again diverged). */
    static final float DEFAULT_LEARNING_RATE = 1e-3f;

    record Options(int epochs, int batchSize, float learningRate, int extraRank, float initialOffset,
                   float logitWeight, float hiddenWeight, float activationPenalty, FineTuning.Options headRanges) {
        static Options defaults(int epochs) {
            return new Options(epochs, 32, DEFAULT_LEARNING_RATE, 8, 5f, 1f, 1f, 0.1f, FineTuning.Options.defaults());
        }

        Options withLearningRate(float lr) {
            return new Options(epochs, batchSize, lr, extraRank, initialOffset, logitWeight, hiddenWeight,
                    activationPenalty, headRanges);
        }
    }

    private Distillation() {
    }

    static TorchEncoder run(TorchEncoder teacher, TransformerEncoder base, List<Example> train, Options o, long seed,
                            NDManager root, PrintStream log) {
        double[] scales = attentionScales(teacher, train, base, o.initialOffset(), root, seed);
        StringBuilder s = new StringBuilder();
        for (double v : scales) {
            s.append(String.format(java.util.Locale.ROOT, " %.4g", v));
        }
        log.println("polynomial attention normalisers per layer:" + s);
        TorchEncoder student = teacher.heFriendlyStudent(o.extraRank(), o.initialOffset(), scales, root,
                new Random(seed));
        return train(teacher, student, base, train, o, seed, root, log);
    }

    /** Trains {@code student} (new, or restored to continue) against {@code teacher}. */
    static TorchEncoder train(TorchEncoder teacher, TorchEncoder student, TransformerEncoder base, List<Example> train,
                              Options o, long seed, NDManager root, PrintStream log) {
        for (NDArray p : teacher.trainable().values()) {
            p.setRequiresGradient(false); // the teacher is fixed: no graph, no gradients for it
        }
        FineTuning.Options h = o.headRanges();
        TrainingLoop.Settings settings = new TrainingLoop.Settings(o.epochs(), o.batchSize(), o.learningRate(), 0.01f,
                0.06f, seed + 1);
        log.printf("distilling the HE-friendly variant: %d epochs of %d texts, peak learning rate %.1e%n", o.epochs(),
                train.size(), o.learningRate());
        TrainingLoop.run(student, train, base.embeddings(), settings, (b, out) -> {
            TorchEncoder.Output t = teacher.forward(b.embeddings(), b.mask(), b.tokens());
            NDArray loss = Objectives.crossEntropy(b, out);
            NDArray dz = out.logits().sub(t.logits());
            loss = loss.add(dz.mul(dz).mean().mul(o.logitWeight()));
            NDArray maskCol = b.mask().expandDims(2);
            NDArray tokens = b.mask().sum();
            for (int l = 0; l < out.layerOutputs().size(); l++) {
                NDArray d = out.layerOutputs().get(l).sub(t.layerOutputs().get(l)).mul(maskCol);
                loss = loss.add(d.mul(d).sum().div(tokens).div(teacher.hidden)
                        .mul(o.hiddenWeight() / out.layerOutputs().size()));
                NDArray excess = Objectives.excess(out.activationInputs().get(l), (float) PolynomialActivation.FIT_BOUND)
                        .mul(maskCol);
                loss = loss.add(excess.sum().div(tokens).mul(o.activationPenalty()));
            }
            return loss.add(Objectives.headRangePenalty(out, h.activationBound(), h.logitBound()).mul(h.rangePenalty()));
        }, root, log);
        return student;
    }

    /**
     * Per layer, {@code 1 / E[(s + c)^2]} over real query-key pairs of 512 training texts under the teacher, so that
     * a row of polynomial attention weights sums to about one, as softmax's does.
     */
    static double[] attentionScales(TorchEncoder teacher, List<Example> train, TransformerEncoder base, float offset,
                                    NDManager root, long seed) {
        List<Example> sample = new ArrayList<>(train);
        java.util.Collections.shuffle(sample, new Random(seed));
        sample = sample.subList(0, Math.min(512, sample.size()));
        int layers = teacher.layers.size();
        double[] sum = new double[layers];
        long pairs = 0;
        for (List<Example> part : TrainingLoop.batches(sample, 64, new Random(seed))) {
            try (NDManager bm = root.newSubManager()) {
                Batch b = Batch.of(part, base.embeddings(), teacher.hidden, bm);
                TorchEncoder.Output out = teacher.forward(b.embeddings(), b.mask(), b.tokens());
                long bs = b.mask().getShape().get(0);
                long len = b.mask().getShape().get(1);
                NDArray pairMask = b.mask().reshape(bs, 1, len, 1).mul(b.mask().reshape(bs, 1, 1, len));
                for (int l = 0; l < layers; l++) {
                    NDArray u = out.scores().get(l).add(offset);
                    sum[l] += u.mul(u).mul(pairMask).sum().getFloat() / teacher.heads;
                }
                pairs += (long) pairMask.sum().getFloat();
            }
        }
        double[] scales = new double[layers];
        for (int l = 0; l < layers; l++) {
            scales[l] = pairs / sum[l];
        }
        return scales;
    }
}
