package dev.hnn.train;

import dev.hnn.data.LabeledSentence;
import dev.hnn.head.HeadFile;
import dev.hnn.head.SentimentModel;
import dev.hnn.model.EncoderDelta;
import dev.hnn.model.FineTunedEncoder;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.model.distilbert.DistilBertClassifier;
import dev.hnn.model.distilbert.DistilBertLoader;
import dev.hnn.model.distilbert.TinyDistilBertCheckpoint;
import dev.hnn.nn.PolynomialAttention;
import dev.hnn.text.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training code path end to end on a DistilBERT checkpoint directory that the test writes (tiny, random
 * weights): fine-tuning learns a sentiment rule it could not know before, distillation turns it into the
 * HE-friendly form, and both exported deltas, applied by the Java inference code, agree with the PyTorch forward.
 */
class FineTuneAndDistilTest {
    @TempDir
    Path dir;

    /** "the movie was [not] ADJ [a fun]" with the label of ADJ, flipped by "not". */
    static List<LabeledSentence> sentences(int n, long seed) {
        Random r = new Random(seed);
        String[] good = {"great", "good", "fun"};
        String[] bad = {"terrible", "bad"};
        List<LabeledSentence> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean positive = r.nextBoolean();
            boolean negated = r.nextInt(3) == 0;
            String adj = (positive ^ negated) ? good[r.nextInt(good.length)] : bad[r.nextInt(bad.length)];
            String text = "the movie was " + (negated ? "not " : "") + adj + (r.nextBoolean() ? " a movie" : "");
            out.add(new LabeledSentence(text, positive ? 1 : 0));
        }
        return out;
    }

    @Test
    void fineTunesAndDistilsADistilBertCheckpoint() throws Exception {
        new TinyDistilBertCheckpoint(dir, 99).write();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (DistilBertClassifier ckpt = DistilBertLoader.load(dir);
             Workbench wb = Workbench.of(ckpt.encoder(), ckpt.tokenizer(), sentences(384, 1), sentences(64, 2),
                     sentences(128, 3))) {
            FineTuning.Options o = new FineTuning.Options(6, 16, 3e-3f, 0.01f, 4, 8, 1f, 1.25f, 5.5f, 7);
            TorchEncoder tuned = FineTuning.run(wb, o, quiet);
            EncoderDelta delta = roundTrip(TrainPipeline.export(tuned, wb, "tiny-tuned", Map.of(), System.nanoTime(),
                    7, quiet));
            double accuracy = ((Number) ((Map<?, ?>) delta.metadata().get("metrics")).get("validation_accuracy"))
                    .doubleValue();
            assertTrue(accuracy >= 0.85, "fine-tuned validation accuracy " + accuracy);
            assertJavaAgreesWithTorch(tuned, delta, wb, ckpt.encoder(), ckpt.tokenizer());

            TorchEncoder student = Distillation.run(tuned, wb.base, wb.train,
                    new Distillation.Options(4, 16, 3e-3f, 2, 5f, 1f, 1f, 0.1f, o), 7, wb.root, quiet);
            EncoderDelta he = roundTrip(TrainPipeline.export(student, wb, "tiny-he", Map.of(), System.nanoTime(), 7,
                    quiet));
            assertEquals("he-friendly", he.metadata().get("variant"));
            TransformerEncoder javaHe = FineTunedEncoder.apply(ckpt.encoder(), he);
            assertInstanceOf(PolynomialAttention.class, javaHe.layers().get(0).attention().normalizer());
            double heAccuracy = ((Number) ((Map<?, ?>) he.metadata().get("metrics")).get("validation_accuracy"))
                    .doubleValue();
            assertTrue(heAccuracy >= 0.8, "HE-friendly validation accuracy " + heAccuracy);
            assertJavaAgreesWithTorch(student, he, wb, ckpt.encoder(), ckpt.tokenizer());
            assertEncryptedEncoderAgrees(javaHe, he, wb);
        }
    }

    /**
     * The distilled DistilBERT's whole encoder on ciphertexts (issue 16's DistilBERT path): the ranges the training
     * recorded in the delta, an insecure N = 4096 test ring with the production level structure, a few validation
     * texts against the plaintext HE-form forward.
     */
    private static void assertEncryptedEncoderAgrees(TransformerEncoder javaHe, EncoderDelta he, Workbench wb) {
        dev.hnn.encoder.HeadSpec head = dev.hnn.encoder.HeadSpec.of(SentimentModel.headOf(he).head());
        @SuppressWarnings("unchecked")
        Map<String, ?> recorded = (Map<String, ?>) he.metadata().get("ranges");
        dev.hnn.encoder.CircuitRanges ranges = dev.hnn.encoder.CircuitRanges.recorded(recorded, javaHe.layers().size());
        dev.hnn.ckks.CkksParameters p = dev.hnn.ckks.CkksParameters.builder().polyDegree(4096)
                .coeffModulusBits(60, 40, 40, 40, 40, 40, 40, 40, 40, 60).specialPrimes(1).scaleBits(40)
                .insecureForTesting().build();
        int[] buckets = {16, 32};
        try (dev.hnn.ckks.CkksContext keys = dev.hnn.ckks.CkksContext.builder(p)
                .rotations(dev.hnn.encoder.EncryptedEncoder.rotationSteps(javaHe, head, 2048, buckets)).build();
             dev.hnn.encoder.EncryptedEncoder enc = new dev.hnn.encoder.EncryptedEncoder(javaHe, head, ranges, keys,
                     dev.hnn.encoder.EncryptedEncoder.Options.defaults().withBuckets(buckets).withValueBound(1024))) {
            for (int i = 0; i < 3; i++) {
                int[] ids = wb.validation.get(i).ids();
                dev.hnn.encoder.EncryptedEncoder.Result r = enc.classify(ids);
                double plain = head.probability(enc.plainLogit(
                        dev.hnn.encoder.EncryptedEncoder.toDouble(javaHe.embeddings().forward(ids))));
                assertEquals(plain, r.probability(), 0.01, "encrypted DistilBERT, text " + i);
            }
        }
    }

    private static EncoderDelta roundTrip(EncoderDelta d) throws java.io.IOException {
        return EncoderDelta.read(new ByteArrayInputStream(d.toBytes()));
    }

    /** The Java forward (merged weights, mean pooling, head) against PyTorch's on the validation texts. */
    static void assertJavaAgreesWithTorch(TorchEncoder torch, EncoderDelta delta, Workbench wb, TransformerEncoder base,
                                          TextTokenizer tokenizer) {
        double[] torchDiff = Predictions.logitDifferences(torch, wb.validation, wb.base.embeddings(), wb.root);
        TransformerEncoder java = FineTunedEncoder.apply(base, delta);
        HeadFile.Loaded head = SentimentModel.headOf(delta);
        double worst = 0;
        for (int i = 0; i < wb.validation.size(); i++) {
            float[] pooled = dev.hnn.model.Pooling.MEAN.pool(java.forward(wb.validation.get(i).ids()));
            double[] z = head.head().logits(pooled);
            worst = Math.max(worst, Math.abs((z[1] - z[0]) - torchDiff[i]));
        }
        assertTrue(worst <= 1e-4, "Java vs PyTorch logit difference " + worst);
    }
}
