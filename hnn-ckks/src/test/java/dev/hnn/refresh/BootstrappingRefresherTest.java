package dev.hnn.refresh;

import static dev.hnn.ckks.BootContexts.OPTIONS;
import static dev.hnn.ckks.BootContexts.encrypt;
import static dev.hnn.ckks.BootContexts.precision;
import static dev.hnn.ckks.BootContexts.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.BootContexts;
import dev.hnn.ckks.BootContexts.Precision;
import dev.hnn.ckks.Bootstrapper;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.DepthExhaustedException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bootstrapping refresher through the {@link Refresher} interface: values beyond the bootstrapper's range
 * ([-8, 8] at the message scale) come back with the precision of bootstrapping relative to their bound, at the
 * target level and the input's scale, without a round trip.
 */
class BootstrappingRefresherTest {
  private static final double BOUND = 8;
  private static Bootstrapper boot;

  @BeforeAll
  static void bootstrapper() {
    boot = Bootstrapper.create(BootContexts.toy(), OPTIONS);
  }

  @AfterAll
  static void close() {
    boot.close();
  }

  @Test
  void refreshesValuesAboveOneThroughTheInterface() {
    CkksContext ctx = BootContexts.toy();
    Refresher refresher = new BootstrappingRefresher(boot);
    assertEquals(boot.outputLevel(), refresher.targetLevel());
    double[] a = uniform(new Random(4), ctx.slotCount(), BOUND);
    double[] b = uniform(new Random(5), ctx.slotCount(), BOUND);
    try (Ciphertext ca = encrypt(ctx, a, 1);
        Ciphertext cb = encrypt(ctx, b, ctx.maxLevel())) {
      List<Ciphertext> out = refresher.refresh(List.of(ca, cb), BOUND);
      try {
        double[][] want = {a, b};
        for (int i = 0; i < 2; i++) {
          Ciphertext r = out.get(i);
          assertEquals(refresher.targetLevel(), r.level());
          assertEquals(OPTIONS.messageScale(), r.scale());
          // Bootstrapping's bounds (24 / 20 bits) relative to the value bound.
          Precision p = precision(ctx.decryptor().decryptValues(r), want[i], BOUND);
          System.out.println("refresh of values in [-8, 8], relative to 8: " + p);
          assertTrue(p.meanBits() >= 24 && p.worstBits() >= 20, p.toString());
        }
      } finally {
        out.forEach(Ciphertext::close);
      }
      RefreshStats s = refresher.stats();
      assertEquals(0, s.roundTrips());
      assertEquals(2, s.ciphertexts());
      assertEquals(0, s.bytesToClient() + s.bytesFromClient());
      assertTrue(s.nanos() > 0);
    }
  }

  @Test
  void rangeMattersNotTheRecordedScale() {
    // Values in [-8, 8] bootstrapped as they are lose precision against the refresher's division: the sine sees
    // coefficients 8 times larger, and no re-reading of the scale changes a coefficient.
    CkksContext ctx = BootContexts.toy();
    double[] v = uniform(new Random(6), ctx.slotCount(), BOUND);
    try (Ciphertext in = encrypt(ctx, v, 1);
        Ciphertext direct = boot.bootstrap(in)) {
      List<Ciphertext> out = new BootstrappingRefresher(boot).refresh(List.of(in), BOUND);
      try {
        Precision raw = precision(ctx.decryptor().decryptValues(direct), v, BOUND);
        Precision divided = precision(ctx.decryptor().decryptValues(out.get(0)), v, BOUND);
        System.out.println("[-8, 8] bootstrapped directly: " + raw + "; through the refresher: " + divided);
        assertTrue(divided.meanBits() > raw.meanBits() + 2, raw + " vs " + divided);
      } finally {
        out.forEach(Ciphertext::close);
      }
    }
  }

  @Test
  void targetLevelsAndInvalidUse() {
    CkksContext ctx = BootContexts.toy();
    BootstrappingRefresher refresher = new BootstrappingRefresher(boot);
    double[] v = uniform(new Random(7), 8, 1);
    try (Ciphertext top = encrypt(ctx, v, ctx.maxLevel());
        Ciphertext low = encrypt(ctx, uniform(new Random(8), 8, BOUND), 0)) {
      // Below the output level: the primes above are dropped.
      List<Ciphertext> out = refresher.refresh(List.of(top), 1, boot.outputLevel() - 1);
      try {
        assertEquals(boot.outputLevel() - 1, out.get(0).level());
        assertTrue(precision(ctx.decryptor().decryptValues(out.get(0), 8), v, 1).worstBits() >= 20);
      } finally {
        out.forEach(Ciphertext::close);
      }
      UnsupportedOperationException above =
          assertThrows(UnsupportedOperationException.class,
              () -> refresher.refresh(List.of(top), 1, boot.outputLevel() + 1));
      assertTrue(above.getMessage().contains("outputs level " + boot.outputLevel()), above.getMessage());
      // Values beyond the range at level 0 have no level left for the division.
      DepthExhaustedException e =
          assertThrows(DepthExhaustedException.class, () -> refresher.refresh(List.of(low), BOUND));
      assertTrue(e.getMessage().contains("level 1 or above"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> refresher.refresh(List.of(top), Double.NaN));
      try (Ciphertext three = ctx.evaluator().multiply(top, top)) {
        assertThrows(IllegalArgumentException.class, () -> refresher.refresh(List.of(three), 1));
      }
      assertEquals(0, refresher.stats().roundTrips());
      assertEquals(1, refresher.stats().ciphertexts());
    }
  }
}
