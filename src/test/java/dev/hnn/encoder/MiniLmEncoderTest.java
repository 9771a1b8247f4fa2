package dev.hnn.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hnn.ckks.CkksContext;
import dev.hnn.head.SentimentModel;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.model.TransformerEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The MiniLM-size HE-form model (6 layers, 384 wide, 12 heads) on 128-bit parameters, one short sentence in bucket
 * 16, against its plaintext HE-form forward. Needs the delta file: -Dhnn.encoder.delta=PATH (skipped otherwise;
 * several minutes and ~10 GB).
 */
class MiniLmEncoderTest {
  @Test
  void miniLmSentenceAgreesWithPlaintext() throws Exception {
    String path = System.getProperty("hnn.encoder.delta");
    assumeTrue(path != null && Files.isRegularFile(Path.of(path)),
        "set -Dhnn.encoder.delta=PATH to an HE-friendly MiniLM delta file to run this test");
    SentimentModel model = SentimentModel.fromDeltaFile(Path.of(path));
    TransformerEncoder w = model.encoderWeights();
    HeadSpec head = HeadSpec.of(model.head().head());
    int[] ids;
    List<int[]> calib = new ArrayList<>();
    try (SentenceEncoder se = model.openEncoder()) {
      ids = se.tokenizer().encode("a charming and often funny film .");
      for (String s : List.of("a masterpiece .", "the worst movie i have seen in years .", "boring .",
          "it 's not bad , but not good either .")) calib.add(se.tokenizer().encode(s));
    }
    calib.add(ids);
    CircuitRanges ranges = EncryptedEncoder.measureRanges(w, head, calib);
    try (CkksContext keys = CkksContext.builder(EncryptedEncoder.parameters128())
            .rotations(EncryptedEncoder.rotationSteps(w, head, 8192, 16)).build();
        EncryptedEncoder enc = new EncryptedEncoder(w, head, ranges, keys,
            EncryptedEncoder.Options.defaults().withBuckets(16))) {
      EncryptedEncoder.Result r = enc.classify(ids);
      double plain = head.probability(enc.plainLogit(EncryptedEncoder.toDouble(w.embeddings().forward(ids))));
      System.out.printf("P enc %.6f plain %.6f%n%s", r.probability(), plain, r.stats().table());
      assertEquals(plain, r.probability(), 0.01);
    }
  }
}
