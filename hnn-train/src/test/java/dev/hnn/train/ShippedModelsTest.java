package dev.hnn.train;

import dev.hnn.data.LabeledSentence;
import dev.hnn.head.Evaluation;
import dev.hnn.head.HeadFile;
import dev.hnn.head.SentimentModel;
import dev.hnn.model.MiniLm;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.model.onnx.MiniLmLoader;
import dev.hnn.text.TextTokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped fine-tuned models: the Java inference forward (merged adapters, polynomial forms) agrees with the
 * PyTorch forward they were trained with, and recomputed end to end in Java they keep their accuracy on held-out
 * full sentences of SST-2.
 */
class ShippedModelsTest {
    private static final int AGREEMENT_SENTENCES = 100;
    private static final int ACCURACY_SENTENCES = 400;

    @ParameterizedTest
    @CsvSource({"minilm-sst2, 0.86", "minilm-sst2-he, 0.82"})
    void javaForwardAgreesWithPyTorchAndKeepsItsAccuracy(String name, double minAccuracy) throws Exception {
        SentimentModel model = SentimentModel.load(name);
        HeadFile.Loaded head = model.head();
        List<LabeledSentence> rows = model.validationSentences().subList(0, ACCURACY_SENTENCES);
        float[][] features;
        try (SentenceEncoder enc = model.openEncoder()) {
            features = enc.embedAll(rows.stream().map(LabeledSentence::text).toList(), 2, n -> { });
        }
        double[] p = new double[rows.size()];
        int[] labels = new int[rows.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = head.head().probabilityPositive(features[i]);
            labels[i] = rows.get(i).label();
        }
        double accuracy = Evaluation.of(p, labels).accuracy();

        double worst = 0;
        try (TextTokenizer tokenizer = TextTokenizer.fromResource(MiniLmLoader.TOKENIZER_RESOURCE, MiniLm.MAX_TOKENS);
             Workbench wb = Workbench.of(MiniLmLoader.loadDefault(), tokenizer, List.of(), List.of(),
                     rows.subList(0, AGREEMENT_SENTENCES))) {
            TorchEncoder torch = TorchEncoder.restore(wb.base, model.delta(), wb.root);
            double[] torchDiff = Predictions.logitDifferences(torch, wb.validation, wb.base.embeddings(), wb.root);
            for (int i = 0; i < AGREEMENT_SENTENCES; i++) {
                double[] z = head.head().logits(features[i]);
                worst = Math.max(worst, Math.abs((z[1] - z[0]) - torchDiff[i]));
            }
        }
        System.out.printf(Locale.ROOT, "%s: Java accuracy %.2f%% on %d full sentences; max |Java - PyTorch| logit "
                + "difference %.2e on %d%n", name, 100 * accuracy, ACCURACY_SENTENCES, worst, AGREEMENT_SENTENCES);
        assertTrue(worst <= 1e-4, "Java vs PyTorch forward: " + worst);
        assertTrue(accuracy >= minAccuracy, name + " accuracy " + accuracy);
    }
}
