package dev.hnn.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.BootstrapOptions;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.MissingKeyException;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.refresh.RefreshStats;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole encoder on ciphertexts without the key holder: the small 2-layer model (bucket 8) refreshed by
 * bootstrapping on the server. Toy ring, insecure: N = 4096 (2048 slots, full-slot bootstrapping), q_0 of 50 bits,
 * 8 levels of 40 bits left after bootstrapping, transforms of 2 + 2 levels, two special primes. The encoder's rotation
 * keys serve only the levels below the bootstrapper's output level.
 */
class NonInteractiveEncoderTest {
  static final BootstrapOptions BOOT = BootstrapOptions.builder().ctsLevels(2).stcLevels(2).build();
  static TransformerEncoder model;
  static HeadSpec head;
  static CircuitRanges ranges;
  static EncryptedEncoder.Options options;
  static CkksParameters params;
  static CkksContext keys;

  @BeforeAll
  static void setUp() {
    model = SmallModel.random(21, 2, true);
    head = SmallModel.head(22);
    ranges = SmallModel.ranges(model, head);
    // Values at the refresh points stay within +-64 here; the bound sets the division before each bootstrap.
    options = EncryptedEncoder.Options.defaults().withBuckets(8).withValueBound(64)
        .withBootstrapping(new EncryptedEncoder.Bootstrapping(BOOT, 0.5));
    params = BOOT.chain(4096, 50, 8, 40, 2).insecureForTesting().build();
    keys = EncryptedEncoder.generateKeys(model, head, options, params);
  }

  @AfterAll
  static void tearDown() {
    keys.close();
  }

  @Test
  void sentencesAgreeWithThePlaintextModelWithoutRoundTrips() {
    int top = options.bootstrapping().outputLevel(params);
    assertEquals(8, top);
    int[] steps = EncryptedEncoder.rotationSteps(model, head, params.slotCount(), 8);
    for (int s : steps) assertTrue(keys.rotationKeyLevel(s) >= top, "step " + s);
    assertTrue(java.util.Arrays.stream(steps).anyMatch(s -> keys.rotationKeyLevel(s) == top),
        "the encoder's own rotation keys are restricted to the computing levels");
    // No frame passes between the input and the result: the wait must cover a whole run (MiniLM: ~19 minutes on
    // two cores), not the client-aided gap between round trips (a first CLI run stopped at 10 minutes).
    assertTrue(EncryptedEncoder.timeout(options).toMinutes() >= 6 * 19, EncryptedEncoder.timeout(options).toString());
    try (EncryptedEncoder enc = new EncryptedEncoder(model, head, ranges, keys, options)) {
      for (int len : new int[] {5, 8}) {
        int[] ids = SmallModel.sentences(50 + len, 1, len, len).get(0);
        double[][] x = EncryptedEncoder.toDouble(model.embeddings().forward(ids));
        double plainLogit = enc.plainLogit(x);
        EncryptedEncoder.Result r = enc.classify(ids);
        RefreshStats refresh = r.stats().refresh();
        System.out.printf("non-interactive n=%d: P enc %.6f plain %.6f, logit diff %.2e, %d ciphertexts refreshed"
                + " by %d bootstraps at %s, %.1f s%n", len, r.probability(), head.probability(plainLogit),
            Math.abs(r.logit() - plainLogit), refresh.ciphertexts(), refresh.bootstraps(),
            r.stats().refreshPoints(), r.stats().totalNanos() / 1e9);
        assertEquals(head.probability(plainLogit), r.probability(), 0.01);
        assertEquals(1, r.stats().roundTrips(), "the input and the result: no refresh round trip");
        assertTrue(refresh.bootstraps() >= r.stats().refreshPoints().size());
        // Real ciphertexts refreshed together share bootstraps (two each).
        assertTrue(2 * refresh.bootstraps() - r.stats().refreshPoints().size() <= refresh.ciphertexts(),
            refresh.toString());
        assertTrue(!r.stats().refreshPoints().isEmpty(), "two layers do not fit in 8 levels");
      }
    }
  }

  @Test
  void keysWithoutBootstrappingOrWithTooLowRotationKeysAreRefused() {
    CkksParameters p = params;
    int[] steps = EncryptedEncoder.rotationSteps(model, head, p.slotCount(), 8);
    try (CkksContext plain = CkksContext.builder(p).rotations(steps).build()) {
      assertThrows(MissingKeyException.class, () -> new EncryptedEncoder(model, head, ranges, plain, options));
    }
    try (CkksContext low = CkksContext.builder(p).bootstrapping(BOOT).rotationsUpToLevel(5, steps).build()) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> new EncryptedEncoder(model, head, ranges, low, options).classify(new int[] {1, 2, 3}));
      assertTrue(e.getMessage().contains("serves levels up to 5"), e.getMessage());
    }
  }
}
