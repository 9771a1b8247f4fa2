package dev.hnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.Backend;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.sealjni.SealAvailability;
import dev.hnn.data.LabeledSentence;
import dev.hnn.head.HeadFile;
import dev.hnn.head.Sst2Split;
import dev.hnn.model.MiniLm;
import dev.hnn.model.SentenceEncoder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The encrypted head on both backends (issue 19): the same circuit, on validation sentences, with HNN's engine
 * and with Microsoft SEAL, each at 128-bit-secure parameters for its backend (SEAL: one special prime). Both
 * agree with the plaintext head's labels, each stays within the CKKS error bound of the head's polynomial form,
 * and the two backends' probabilities within twice that bound of each other.
 */
class EncryptedHeadBackendsTest {
  private static final int SENTENCES = 32;
  private static final int SINGLE = 2;
  /** As EncryptedAccuracyTest: |P_enc - P_poly| on either backend. */
  private static final double CKKS_ERROR = 4e-3;

  @Test
  void encryptedHeadAgreesAcrossBackends() throws Exception {
    Assumptions.assumeTrue(Backend.SEAL.isAvailable(), SealAvailability.HOW_TO_ENABLE);
    HeadFile.Loaded loaded = HeadFile.readDefault();
    List<LabeledSentence> rows = Sst2Split.recordedValidation(loaded.training()).subList(0, SENTENCES);
    float[][] features;
    try (SentenceEncoder enc = MiniLm.load()) {
      features = enc.embedAll(rows.stream().map(LabeledSentence::text).toList(), 2, n -> {});
    }
    HeadCircuit circuit = HeadCircuit.of(loaded, Approximation.DEFAULT);
    double[][] batch = new double[2][];
    double[][] single = new double[2][SINGLE];
    Backend[] backends = {Backend.HNN, Backend.SEAL};
    for (int b = 0; b < 2; b++) {
      ServiceSpec spec = ServiceSpec.of(circuit, ServiceSpec.SingleLayout.AUTO, backends[b]);
      assertTrue(spec.parameters().totalModulusBits() <= 438, "128-bit bound for N = 16384");
      if (backends[b] == Backend.SEAL) assertEquals(1, spec.parameters().specialPrimeCount());
      CkksContext keys =
          CkksContext.builder(spec.parameters()).backend(backends[b]).rotations(spec.rotationSteps()).build();
      try (EncryptedClassifier ec = EncryptedClassifier.inMemory(circuit, spec, keys)) {
        batch[b] = ec.classifyBatch(Arrays.asList(features), n -> {});
        for (int i = 0; i < SINGLE; i++) single[b][i] = ec.classify(features[i]).probability();
      } finally {
        keys.close();
      }
    }
    int agree = 0;
    double worstHnn = 0, worstSeal = 0, worstBetween = 0;
    for (int i = 0; i < SENTENCES; i++) {
      double[] x = new double[features[i].length];
      for (int k = 0; k < x.length; k++) x[k] = features[i][k];
      double plain = loaded.head().probabilityPositive(features[i]);
      double poly = circuit.approximateProbability(x);
      agree += ((batch[0][i] >= 0.5) == (plain >= 0.5) && (batch[1][i] >= 0.5) == (plain >= 0.5)) ? 1 : 0;
      worstHnn = Math.max(worstHnn, Math.abs(batch[0][i] - poly));
      worstSeal = Math.max(worstSeal, Math.abs(batch[1][i] - poly));
      worstBetween = Math.max(worstBetween, Math.abs(batch[0][i] - batch[1][i]));
      if (i < SINGLE) {
        assertEquals(poly, single[0][i], CKKS_ERROR, "HNN single path, sentence " + i);
        assertEquals(poly, single[1][i], CKKS_ERROR, "SEAL single path, sentence " + i);
      }
    }
    System.out.printf(Locale.ROOT, "encrypted head on both backends, %d sentences: label agreement %d, max |P_HNN - P_poly| "
        + "%.2e, max |P_SEAL - P_poly| %.2e, max |P_HNN - P_SEAL| %.2e%n", SENTENCES, agree, worstHnn, worstSeal,
        worstBetween);
    assertTrue(agree >= SENTENCES - 1, "label agreement " + agree + "/" + SENTENCES);
    assertTrue(worstHnn <= CKKS_ERROR, "HNN: " + worstHnn);
    assertTrue(worstSeal <= CKKS_ERROR, "SEAL: " + worstSeal);
    assertTrue(worstBetween <= 2 * CKKS_ERROR, "HNN vs SEAL: " + worstBetween);
  }
}
