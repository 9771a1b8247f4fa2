package dev.hnn.refresh;

import static dev.hnn.refresh.RefreshContexts.encryptAt;
import static dev.hnn.refresh.RefreshContexts.maxError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CorruptDataException;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.IncompatibleObjectsException;
import dev.hnn.ckks.Plaintext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mask, re-encrypt, unmask: values, levels, scales, costs, and every way a response can be wrong. */
class ClientAidedRefresherTest {
  private static ClientAidedRefresher refresher(CkksContext client, RefreshChannel channel) {
    return new ClientAidedRefresher(client.publicContext(), channel);
  }

  private static RefreshChannel honest(CkksContext client) {
    return new InProcessRefreshChannel(new RefreshResponder(client));
  }

  private static void closeAll(List<Ciphertext> cts) {
    for (Ciphertext c : cts) c.close();
  }

  /** Error of a fresh public-key encryption of the same values: the yardstick. */
  private static double freshError(CkksContext ctx, double[] values) {
    try (Ciphertext c = encryptAt(ctx, values, ctx.maxLevel())) {
      return maxError(values, ctx.decryptor().decryptValues(c));
    }
  }

  @Test
  void roundTripAtSeveralLevelsInOneExchange() {
    CkksContext ctx = RefreshContexts.deep();
    Random rnd = new Random(2);
    ClientAidedRefresher r = refresher(ctx, honest(ctx));
    int[] levels = {1, 2, 3, 4};
    List<double[]> values = new ArrayList<>();
    List<Ciphertext> in = new ArrayList<>();
    for (int level : levels) {
      double[] v = RefreshContexts.random(rnd, ctx.slotCount(), 1.0);
      values.add(v);
      in.add(encryptAt(ctx, v, level));
    }
    double fresh = freshError(ctx, values.get(0));
    List<Ciphertext> out = r.refresh(in, 1.0);
    try {
      assertEquals(levels.length, out.size());
      for (int i = 0; i < levels.length; i++) {
        assertEquals(ctx.maxLevel(), out.get(i).level());
        assertEquals(in.get(i).scale(), out.get(i).scale());
        assertEquals(levels[i], in.get(i).level(), "the input is not modified");
        double err = maxError(values.get(i), ctx.decryptor().decryptValues(out.get(i)));
        // Masking adds a public-key encryption of zero, re-encryption a fresh symmetric noise: a few fresh errors.
        assertTrue(err <= 8 * fresh + 1e-12, "level " + levels[i] + ": error " + err + ", fresh " + fresh);
      }
      RefreshStats s = r.stats();
      assertEquals(1, s.roundTrips());
      assertEquals(levels.length, s.ciphertexts());
      assertTrue(s.bytesToClient() > 0 && s.bytesFromClient() > 0);
      // The answers are seeded symmetric ciphertexts at the top level: 1 + 4 limbs of c_0 and a seed each.
      assertTrue(s.bytesFromClient() < levels.length * (5L * 4096 * 8 + 4096), "bytes back " + s.bytesFromClient());
    } finally {
      closeAll(in);
      closeAll(out);
    }
  }

  @Test
  void refreshesToTheLevelAskedFor() {
    CkksContext ctx = RefreshContexts.deep();
    Random rnd = new Random(3);
    ClientAidedRefresher r = refresher(ctx, honest(ctx));
    double[] v = RefreshContexts.random(rnd, ctx.slotCount(), 1.0);
    List<Ciphertext> in = List.of(encryptAt(ctx, v, 1));
    int target = ctx.maxLevel() - 1;
    List<Ciphertext> out = r.refresh(in, 1.0, target);
    try {
      assertEquals(target, out.get(0).level(), "re-encrypted at the requested level, not the top");
      assertTrue(maxError(v, ctx.decryptor().decryptValues(out.get(0))) <= 8 * freshError(ctx, v) + 1e-12);
      assertThrows(IllegalArgumentException.class, () -> r.refresh(in, 1.0, ctx.maxLevel() + 1));
      assertThrows(IllegalArgumentException.class, () -> r.refresh(in, 1.0, 0), "below the ciphertext's level");
    } finally {
      closeAll(in);
      closeAll(out);
    }
  }

  @Test
  void secureParametersRefreshAndComputeOn() {
    CkksContext ctx = RefreshContexts.secure();
    Random rnd = new Random(3);
    double[] v = RefreshContexts.random(rnd, ctx.slotCount(), 2.0);
    ClientAidedRefresher r = refresher(ctx, honest(ctx));
    try (Ciphertext c = encryptAt(ctx, v, 1)) {
      List<Ciphertext> out = r.refresh(List.of(c), 2.0);
      try (Ciphertext f = out.get(0);
          Ciphertext sq = ctx.evaluator().multiplyRelinRescale(f, f)) {
        assertEquals(2, f.level());
        double fresh = freshError(ctx, v);
        double err = maxError(v, ctx.decryptor().decryptValues(f));
        assertTrue(err <= 8 * fresh, "error " + err + ", fresh " + fresh);
        double[] expect = new double[v.length];
        for (int i = 0; i < v.length; i++) expect[i] = v[i] * v[i];
        assertTrue(maxError(expect, ctx.decryptor().decryptValues(sq)) < 100 * fresh);
      }
    }
  }

  @Test
  void twoRefreshesInARowKeepTheValues() {
    CkksContext ctx = RefreshContexts.deep();
    double[] v = RefreshContexts.random(new Random(4), ctx.slotCount(), 0.5);
    ClientAidedRefresher r = refresher(ctx, honest(ctx));
    try (Ciphertext c = encryptAt(ctx, v, 1)) {
      try (Ciphertext once = r.refresh(List.of(c), 1.0).get(0)) {
        ctx.evaluator().modSwitchToInPlace(once, 2);
        try (Ciphertext twice = r.refresh(List.of(once), 1.0).get(0)) {
          double err = maxError(v, ctx.decryptor().decryptValues(twice));
          assertTrue(err <= 12 * freshError(ctx, v), "error " + err + ", fresh " + freshError(ctx, v));
        }
      }
    }
    assertEquals(2, r.stats().roundTrips());
  }

  @Test
  void tooFewBitsAtTheLevelIsAClearError() {
    CkksContext ctx = RefreshContexts.secure();
    ClientAidedRefresher r = refresher(ctx, honest(ctx));
    try (Ciphertext c = encryptAt(ctx, new double[] {1, 2, 3}, 0)) {
      DepthExhaustedException e = assertThrows(DepthExhaustedException.class, () -> r.refresh(List.of(c), 4.0));
      assertTrue(e.getMessage().contains("refresh needs 98 bits of modulus at level 0"), e.getMessage());
      assertTrue(e.getMessage().contains("has 60.0"), e.getMessage());
    }
    assertEquals(0, r.stats().roundTrips());
  }

  @Test
  void emptyBatchCostsNothing() {
    CkksContext ctx = RefreshContexts.deep();
    ClientAidedRefresher r = refresher(ctx, request -> {
      throw new AssertionError("no exchange expected");
    });
    assertTrue(r.refresh(List.of(), 1.0).isEmpty());
    assertEquals(RefreshStats.NONE, r.stats());
  }

  @Test
  void refusesSizeThreeAndForeignCiphertexts() throws Exception {
    CkksContext ctx = RefreshContexts.deep();
    ClientAidedRefresher r = refresher(ctx, honest(ctx));
    try (Ciphertext c = encryptAt(ctx, new double[] {1}, 3);
        Ciphertext three = ctx.evaluator().multiply(c, c)) {
      assertThrows(IllegalArgumentException.class, () -> r.refresh(List.of(three), 1.0));
    }
    try (CkksContext other = CkksContext.builder(ctx.parameters()).build();
        Ciphertext foreign = encryptAt(other, new double[] {1}, 3)) {
      assertThrows(IncompatibleObjectsException.class, () -> r.refresh(List.of(foreign), 1.0));
    }
  }

  // ---- responses that are wrong

  private static void assertRejected(Class<? extends RuntimeException> type, RefreshChannel channel) {
    CkksContext ctx = RefreshContexts.deep();
    ClientAidedRefresher r = refresher(ctx, channel);
    try (Ciphertext a = encryptAt(ctx, new double[] {1, 2}, 2);
        Ciphertext b = encryptAt(ctx, new double[] {3, 4}, 2)) {
      RuntimeException e = assertThrows(type, () -> r.refresh(List.of(a, b), 4.0));
      assertTrue(e.getMessage().startsWith("refresh response"), e.getMessage());
      assertEquals(0, r.stats().roundTrips(), "a failed exchange is not counted as a refresh");
    }
  }

  @Test
  void responseWithWrongCountIsRejected() {
    CkksContext ctx = RefreshContexts.deep();
    RefreshChannel honest = honest(ctx);
    assertRejected(CorruptDataException.class, req -> honest.exchange(req).subList(0, 1));
    assertRejected(CorruptDataException.class, req -> {
      List<byte[]> resp = new ArrayList<>(honest.exchange(req));
      resp.add(resp.get(0));
      return resp;
    });
    assertRejected(CorruptDataException.class, req -> null);
    assertRejected(CorruptDataException.class, req -> {
      List<byte[]> resp = new ArrayList<>(honest.exchange(req));
      resp.set(1, null);
      return resp;
    });
  }

  @Test
  void responseWithGarbageBytesIsRejected() {
    CkksContext ctx = RefreshContexts.deep();
    RefreshChannel honest = honest(ctx);
    assertRejected(CorruptDataException.class, req -> List.of(new byte[] {1, 2, 3}, new byte[0]));
    assertRejected(CorruptDataException.class, req -> {
      List<byte[]> resp = new ArrayList<>(honest.exchange(req));
      byte[] flipped = resp.get(1).clone();
      flipped[flipped.length / 2] ^= 0x10;
      resp.set(1, flipped);
      return resp;
    });
    assertRejected(CorruptDataException.class, req -> {
      List<byte[]> resp = new ArrayList<>(honest.exchange(req));
      resp.set(0, java.util.Arrays.copyOf(resp.get(0), resp.get(0).length - 100));
      return resp;
    });
    Random rnd = new Random(5);
    assertRejected(CorruptDataException.class, req -> {
      byte[] junk = new byte[req.get(1).length];
      rnd.nextBytes(junk);
      return List.of(junk, junk);
    });
  }

  @Test
  void responseAtAnotherLevelOrScaleIsRejected() {
    CkksContext ctx = RefreshContexts.deep();
    // The masked ciphertexts echoed back: valid bytes, but at the level they were sent at (2, not 4).
    assertRejected(IncompatibleObjectsException.class, req -> req.subList(1, req.size()));
    // An honest answer whose scale was changed on the way.
    RefreshChannel honest = honest(ctx);
    assertRejected(IncompatibleObjectsException.class, req -> {
      List<byte[]> resp = new ArrayList<>();
      for (byte[] b : honest.exchange(req)) {
        try (Ciphertext c = Ciphertext.load(ctx, b)) {
          ctx.evaluator().setScale(c, c.scale() * 2);
          resp.add(c.serialize());
        }
      }
      return resp;
    });
  }

  @Test
  void aChannelFailurePropagatesAndLeavesInputsIntact() {
    CkksContext ctx = RefreshContexts.deep();
    ClientAidedRefresher r = refresher(ctx, req -> {
      throw new IllegalStateException("link down");
    });
    double[] v = {0.25, -0.5};
    try (Ciphertext c = encryptAt(ctx, v, 2)) {
      assertThrows(IllegalStateException.class, () -> r.refresh(List.of(c), 1.0));
      assertTrue(maxError(v, ctx.decryptor().decryptValues(c, 2)) < 1e-7);
    }
  }

  @Test
  void unmaskingNeedsTheSameMask() {
    // Control for the protocol: without removing the right mask the values are gone.
    CkksContext ctx = RefreshContexts.deep();
    double[] v = {0.25, -0.5};
    try (Ciphertext c = encryptAt(ctx, v, 2);
        Plaintext mask = dev.hnn.ckks.RefreshPrimitives.sampleMask(ctx, 93);
        Plaintext other = dev.hnn.ckks.RefreshPrimitives.sampleMask(ctx, 93)) {
      dev.hnn.ckks.RefreshPrimitives.applyMask(c, mask, 93);
      try (Ciphertext f = dev.hnn.ckks.RefreshPrimitives.reencrypt(ctx, c, ctx.maxLevel())) {
        Ciphertext wrong = f.copy();
        dev.hnn.ckks.RefreshPrimitives.removeMask(wrong, other);
        assertTrue(maxError(v, ctx.decryptor().decryptValues(wrong, 2)) > 1e3);
        wrong.close();
        dev.hnn.ckks.RefreshPrimitives.removeMask(f, mask);
        assertTrue(maxError(v, ctx.decryptor().decryptValues(f, 2)) < 1e-7);
      }
    }
  }
}
