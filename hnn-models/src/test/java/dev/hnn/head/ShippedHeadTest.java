package dev.hnn.head;

import dev.hnn.data.LabeledSentence;
import dev.hnn.data.SharedData;
import dev.hnn.data.Sst2Reader;
import dev.hnn.model.MiniLm;
import dev.hnn.model.SentenceEncoder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The head shipped in the resources loads, its recorded split is reproduced exactly from
 * ../shared/data, and it reaches at least 80% on held-out validation sentences recomputed end to end
 * (tokenizer, Java MiniLM, head). To keep the suite's time sane, the first {@value #SAMPLE} validation
 * sentences are used; features come from the feature cache when an earlier run left them there.
 */
class ShippedHeadTest {
    static final int SAMPLE = 1000;

    @Test
    void shippedHeadLoadsAndReachesEightyPercentOnValidation() throws Exception {
        HeadFile.Loaded loaded = HeadFile.readDefault();
        SentimentHead head = loaded.head();
        assertEquals(384, head.inputDim());
        assertTrue(head.hiddenDim() <= 64);
        assertTrue(head.temperature() > 0);
        assertTrue(loaded.activationRange().min() < loaded.activationRange().max());
        assertTrue(loaded.softArgmaxRange().min() < 0 && loaded.softArgmaxRange().max() > 0);

        long seed = ((Number) loaded.training().get("seed")).longValue();
        int valSize = ((Number) loaded.training().get("validation_size")).intValue();
        int calSize = ((Number) loaded.training().get("calibration_size")).intValue();
        int trainSize = ((Number) loaded.training().get("requested_train_size")).intValue();
        List<LabeledSentence> all = Sst2Reader.read(SharedData.sst2Train());
        Sst2Split split = Sst2Split.make(all, seed, valSize, calSize, trainSize);
        assertEquals(loaded.training().get("validation_fingerprint"), Sst2Split.fingerprint(split.validation()),
                "validation split reproduced");

        List<LabeledSentence> sample = split.validation().subList(0, Math.min(SAMPLE, split.validation().size()));
        float[][] x;
        try (SentenceEncoder enc = MiniLm.load()) {
            assertEquals(loaded.encoderPipeline(), enc.describe());
            FeatureCache cache = FeatureCache.open(FeatureCache.defaultDir(), enc.describe());
            x = cache.features(sample.stream().map(LabeledSentence::text).toList(), enc, 2, n -> { }, n -> { });
        }
        double[] p = new double[x.length];
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = head.probabilityPositive(x[i]);
            y[i] = sample.get(i).label();
        }
        Evaluation e = Evaluation.of(p, y);
        System.out.printf("shipped head on %d validation sentences: accuracy %.2f%%, ECE %.4f%n", x.length,
                100 * e.accuracy(), e.ece());
        assertTrue(e.accuracy() >= 0.80, "validation accuracy " + e.accuracy());
    }
}
