package dev.hnn.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.head.SentimentModel;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The shipped HE-friendly MiniLM (6 layers, 384 wide, 12 heads) through {@link EncoderSession} on 128-bit
 * parameters: two short sentences in bucket 16 against the plaintext forward of the same model, its depth per layer
 * with the ranges the model file recorded, and the session's traffic. About a minute on two cores.
 * {@code -Dhnn.encoder.delta=PATH} runs another HE-friendly delta instead.
 */
class MiniLmEncoderTest {
  @Test
  void shippedHeModelAgreesWithItsPlaintextForwardWithinThirtyLevelsPerLayer() throws Exception {
    String path = System.getProperty("hnn.encoder.delta");
    SentimentModel model = path == null ? SentimentModel.load(SentimentModel.HE_FRIENDLY)
        : SentimentModel.fromDeltaFile(Path.of(path));
    try (EncoderSession s = EncoderSession.open(model, EncryptedEncoder.Options.defaults().withBuckets(16), null)) {
      assertEquals("recorded in the model file", s.rangeSource());
      List<Integer> depth = s.depthPerLayer(16);
      assertTrue(depth.stream().allMatch(d -> d <= 30), "depth per layer " + depth + " (issue 15: at most 30)");
      for (String text : List.of("a charming and often funny film .", "the plot makes no sense at all .")) {
        EncoderSession.Classification c = s.classify(text);
        System.out.printf("%s: P enc %.6f plain %.6f, %d tokens, depth %s%n%s", text, c.probability(),
            c.plainProbability(), c.tokens(), depth, c.encrypted().stats().table());
        assertEquals(c.plainProbability(), c.probability(), 0.01, text);
        assertEquals(c.plainProbability() >= 0.5, c.probability() >= 0.5, "same label: " + text);
        assertTrue(c.encrypted().stats().roundTrips() > 6, "refreshes happened");
        assertTrue(c.encrypted().stats().bytesToServer() > 0 && c.encrypted().stats().bytesToClient() > 0);
      }
    }
  }
}
