package dev.hnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.CkksContext;
import dev.hnn.data.LabeledSentence;
import dev.hnn.head.HeadFile;
import dev.hnn.head.SentimentModel;
import dev.hnn.model.SentenceEncoder;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bar at the real, 128-bit-secure parameters, for the fine-tuned model and the frozen-feature one: on
 * 256 sentences of the model's own validation split (from ../shared), encrypted predictions agree with the plaintext head on at least 99.5% and
 * |P_enc - P_plain| <= 0.01 everywhere; the CKKS part of the error (encrypted vs the same polynomials in
 * plaintext) is far smaller still. Batch path for all 256, single path for a few.
 */
class EncryptedAccuracyTest {
  private static final int SENTENCES = 256;
  private static final int SINGLE = 4;
  /** Bound on |P_enc - P_poly|, the part of the error that encryption adds to the polynomial approximation. */
  private static final double CKKS_ERROR = 4e-3;

  @ParameterizedTest
  @ValueSource(strings = {SentimentModel.DEFAULT, SentimentModel.FROZEN})
  void encryptedHeadAgreesWithPlaintextOnValidationSentences(String name) throws Exception {
    SentimentModel model = SentimentModel.load(name);
    HeadFile.Loaded loaded = model.head();
    List<LabeledSentence> rows = model.validationSentences().subList(0, SENTENCES);
    float[][] features;
    try (SentenceEncoder enc = model.openEncoder()) {
      features = enc.embedAll(rows.stream().map(LabeledSentence::text).toList(), 2, n -> {});
    }
    HeadCircuit circuit = HeadCircuit.of(loaded, Approximation.DEFAULT);
    ServiceSpec spec = ServiceSpec.of(circuit);
    assertEquals(16384, spec.parameters().polyDegree());
    assertTrue(spec.parameters().totalModulusBits() <= 438, "128-bit bound for N = 16384");
    CkksContext keys = CkksContext.builder(spec.parameters()).rotations(spec.rotationSteps()).build();
    try (EncryptedClassifier ec = EncryptedClassifier.inMemory(circuit, spec, keys)) {
      double[] enc = ec.classifyBatch(Arrays.asList(features), n -> {});
      int agree = 0;
      double worstPlain = 0;
      double worstCkks = 0;
      for (int i = 0; i < SENTENCES; i++) {
        double[] x = new double[features[i].length];
        for (int k = 0; k < x.length; k++) x[k] = features[i][k];
        double plain = loaded.head().probabilityPositive(features[i]);
        assertEquals(plain, circuit.exactProbability(x), 1e-6, "the circuit's exact form is the head (up to float rounding)");
        agree += (enc[i] >= 0.5) == (plain >= 0.5) ? 1 : 0;
        worstPlain = Math.max(worstPlain, Math.abs(enc[i] - plain));
        worstCkks = Math.max(worstCkks, Math.abs(enc[i] - circuit.approximateProbability(x)));
      }
      System.out.printf(Locale.ROOT, "encrypted head of %s, %d validation sentences: agreement %d, max |P_enc - P_plain| %.2e, "
          + "max CKKS error %.2e%n", name, SENTENCES, agree, worstPlain, worstCkks);
      assertTrue(agree >= Math.ceil(0.995 * SENTENCES), "agreement " + agree + "/" + SENTENCES);
      assertTrue(worstPlain <= 0.01, "max |P_enc - P_plain| = " + worstPlain);
      // CKKS noise at scale 2^28 (~7e-5 per rescale) and key switching, amplified by the two polynomials: up to
      // ~1e-3 observed on either path (up to 5e-3 on the single path while P equalled the largest digit)
      assertTrue(worstCkks <= CKKS_ERROR, "max CKKS error " + worstCkks);
      for (int i = 0; i < SINGLE; i++) {
        double[] x = new double[features[i].length];
        for (int k = 0; k < x.length; k++) x[k] = features[i][k];
        double p = ec.classify(features[i]).probability();
        assertEquals(circuit.approximateProbability(x), p, CKKS_ERROR, "single path, sentence " + i);
        assertEquals(loaded.head().probabilityPositive(features[i]), p, 0.01, "single path vs plaintext, sentence " + i);
      }
    }
  }
}
