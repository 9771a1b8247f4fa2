package dev.hnn.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.CkksContext;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.nn.Matrix;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end on the small 2-layer model (buckets 8 and 16), and invalid use. */
class EncryptedEncoderTest {
  static TransformerEncoder model;
  static HeadSpec head;
  static CircuitRanges ranges;
  static CkksContext keys;

  @BeforeAll
  static void setUp() {
    model = SmallModel.random(21, 2, true);
    head = SmallModel.head(22);
    ranges = SmallModel.ranges(model, head);
    keys = SmallModel.context(model, head, 8, 16);
  }

  @AfterAll
  static void tearDown() {
    keys.close();
  }

  static EncryptedEncoder encoder(EncryptedEncoder.Options o) {
    return new EncryptedEncoder(model, head, ranges, keys, o);
  }

  @Test
  void sentencesAgreeWithThePlaintextModel() {
    try (EncryptedEncoder enc = encoder(EncryptedEncoder.Options.defaults().withBuckets(8, 16))) {
      for (int len : new int[] {5, 9, 16}) {
        int[] ids = SmallModel.sentences(30 + len, 1, len, len).get(0);
        EncryptedEncoder.Result r = enc.classify(ids);
        Matrix out = model.forward(ids);
        double[] pooled = new double[out.cols()];
        for (int t = 0; t < out.rows(); t++) for (int i = 0; i < pooled.length; i++) pooled[i] += out.get(t, i) / len;
        double plain = head.probability(head.logit(pooled));
        System.out.printf("n=%d bucket=%d P enc %.6f plain %.6f |diff| %.2e; logit diff %.2e; %d round trips,"
                + " %d B up, %d B down, %.1f s%n", len, r.bucket(), r.probability(), plain,
            Math.abs(r.probability() - plain), Math.abs(r.logit() - head.logit(pooled)), r.stats().roundTrips(),
            r.stats().bytesToServer(), r.stats().bytesToClient(), r.stats().totalNanos() / 1e9);
        assertEquals(len <= 8 ? 8 : 16, r.bucket());
        assertEquals(plain, r.probability(), 0.01);
        assertEquals(1 + r.stats().refreshPoints().size(), r.stats().roundTrips());
        assertTrue(r.stats().bytesToServer() > 0 && r.stats().bytesToClient() > 0);
      }
    }
  }

  @Test
  void bothRefreshPlacementsAgree() {
    int[] ids = SmallModel.sentences(41, 1, 12, 12).get(0);
    double plain = head.probability(
        head.logit(PlainTrace.run(EncryptedEncoder.forms(model), EncryptedEncoder.toDouble(model.embeddings().forward(ids)))
            .pooled()));
    long[] trips = new long[2];
    RefreshPlacement[] ps = {RefreshPlacement.FEWEST_ROUND_TRIPS, RefreshPlacement.COST};
    for (int i = 0; i < 2; i++)
      try (EncryptedEncoder enc = encoder(EncryptedEncoder.Options.defaults().withBuckets(16).withPlacement(ps[i], 0.5))) {
        EncryptedEncoder.Result r = enc.classify(ids);
        assertEquals(plain, r.probability(), 0.01, ps[i].toString());
        trips[i] = r.stats().roundTrips();
      }
    assertTrue(trips[0] <= trips[1], "LevelPlanner's placement has the fewest round trips: " + trips[0] + " vs " + trips[1]);
  }

  @Test
  void theServerAdmitsOnlySessionsForItsKeysModelAndBuckets() {
    try (CkksContext pub = keys.publicContext()) {
      EncoderServer s = new EncoderServer(pub, "m", new int[] {8, 16}, b -> {
        throw new AssertionError("no circuit is built before admission");
      }, null, 1 << 20, null);
      dev.hnn.protocol.SessionId id = dev.hnn.protocol.SessionId.random();
      s.admit(id, dev.hnn.protocol.OpenHeader.of(EncoderServer.SPEC_ID, pub.keyId(), "m", 16, 5));
      for (var h : List.of(dev.hnn.protocol.OpenHeader.of("other-spec", pub.keyId(), "m", 16, 5),
          dev.hnn.protocol.OpenHeader.of(EncoderServer.SPEC_ID, "someone-else", "m", 16, 5),
          dev.hnn.protocol.OpenHeader.of(EncoderServer.SPEC_ID, pub.keyId(), "other-model", 16, 5),
          dev.hnn.protocol.OpenHeader.of(EncoderServer.SPEC_ID, pub.keyId(), "m", 32, 5))) {
        var e = assertThrows(dev.hnn.protocol.ProtocolException.class, () -> s.admit(id, h));
        assertEquals(dev.hnn.protocol.ErrorCode.INCOMPATIBLE, e.code(), e.getMessage());
      }
      // A refresh answer must lead with the header of the request it answers.
      List<byte[]> request = List.of(new byte[] {1, 2}, new byte[] {3});
      assertEquals(1, EncoderServer.fresh(request, EncoderServer.answer(request, List.of(new byte[] {9}))).size());
      assertThrows(dev.hnn.protocol.ProtocolException.class,
          () -> EncoderServer.fresh(request, List.of(new byte[] {1, 3}, new byte[] {9})));
    }
    assertThrows(IllegalArgumentException.class,
        () -> new EncoderServer(keys, "m", new int[] {8}, b -> null, null, 1 << 20, null), "secret key on the server");
  }

  @Test
  void refreshesLargerThanAFrameAreSplitIntoRoundTrips() {
    List<Integer> batches = new java.util.ArrayList<>();
    dev.hnn.refresh.Refresher counting = new dev.hnn.refresh.Refresher() {
      @Override
      public List<dev.hnn.ckks.Ciphertext> refresh(List<dev.hnn.ckks.Ciphertext> cts, double bound) {
        throw new AssertionError("the registers ask for a target level");
      }

      @Override
      public List<dev.hnn.ckks.Ciphertext> refresh(List<dev.hnn.ckks.Ciphertext> cts, double bound, int target) {
        batches.add(cts.size());
        return cts.stream().map(dev.hnn.ckks.Ciphertext::copy).toList();
      }

      @Override
      public int targetLevel() {
        return keys.maxLevel();
      }

      @Override
      public dev.hnn.refresh.RefreshStats stats() {
        return dev.hnn.refresh.RefreshStats.NONE;
      }
    };
    try (Registers r = new Registers()) {
      dev.hnn.ckks.Ciphertext[] cts = new dev.hnn.ckks.Ciphertext[5];
      for (int i = 0; i < cts.length; i++) {
        cts[i] = keys.encryptor().encrypt(new double[] {i});
        keys.evaluator().modSwitchToInPlace(cts[i], 1);
      }
      r.put("x", cts);
      long one = 2L * 2 * 2 * keys.slotCount() * 8 + 4096; // a level-1 ciphertext's estimate
      assertEquals(5, r.refresh(counting, keys.maxLevel(), 1, 2 * one));
      assertEquals(List.of(2, 2, 1), batches, "at most two ciphertexts' bytes per round trip");
      batches.clear();
      r.dropTo(1);
      r.refresh(counting, keys.maxLevel(), 1, Long.MAX_VALUE);
      assertEquals(List.of(5), batches);
    }
  }

  @Test
  void softmaxModelsAreRefused() {
    TransformerEncoder softmax = SmallModel.random(5, 1, false);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new EncryptedEncoder(softmax, head, ranges, keys, EncryptedEncoder.Options.defaults()));
    assertTrue(e.getMessage().contains("polynomial form"), e.getMessage());
  }

  @Test
  void invalidUseGivesClearErrors() {
    try (CkksContext pub = keys.publicContext()) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> new EncryptedEncoder(model, head, ranges, pub, EncryptedEncoder.Options.defaults()));
      assertTrue(e.getMessage().contains("secret key"), e.getMessage());
    }
    var b = assertThrows(IllegalArgumentException.class,
        () -> new EncryptedEncoder(model, head, ranges, keys, EncryptedEncoder.Options.defaults().withBuckets(12)));
    assertTrue(b.getMessage().contains("power of two"), b.getMessage());
    CircuitRanges oneLayer = new CircuitRanges(List.of(ranges.layers().get(0)), ranges.headPreActivation());
    try (EncryptedEncoder enc = new EncryptedEncoder(model, head, oneLayer, keys,
        EncryptedEncoder.Options.defaults().withBuckets(16))) {
      var r = assertThrows(IllegalArgumentException.class, () -> enc.classify(new int[] {1, 2, 3}));
      assertTrue(r.getMessage().contains("layer ranges"), r.getMessage());
    }
    try (EncryptedEncoder enc = encoder(EncryptedEncoder.Options.defaults().withBuckets(8, 16))) {
      var t = assertThrows(IllegalArgumentException.class, () -> enc.classify(new int[17]));
      assertTrue(t.getMessage().contains("exceed the largest bucket"), t.getMessage());
      assertThrows(IllegalArgumentException.class, () -> enc.classify(new int[0]));
    }
    try (EncryptedEncoder enc = encoder(EncryptedEncoder.Options.defaults().withBuckets(16).withValueBound(1e30))) {
      var v = assertThrows(IllegalArgumentException.class, () -> enc.classify(new int[] {1, 2, 3}));
      assertTrue(v.getMessage().contains("refresh"), v.getMessage());
    }
  }
}
