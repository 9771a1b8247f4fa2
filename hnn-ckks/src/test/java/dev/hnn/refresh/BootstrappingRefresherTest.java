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
    BootstrappingRefresher refresher = new BootstrappingRefresher(boot);
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
      assertEquals(1, refresher.stats().bootstraps(), "the two real ciphertexts share one");
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
  @Test
  void pairsShareBootstrapsAndAnOddOneGoesAlone() {
    // Three ciphertexts, one at level 0 (values in range, so it needs no division, but it cannot take the pairing's
    // one either): that one is bootstrapped alone, the other two together; unpaired, each takes its own.
    CkksContext ctx = BootContexts.toy();
    double[][] v = {uniform(new Random(11), ctx.slotCount(), 1), uniform(new Random(12), ctx.slotCount(), 0.5),
        uniform(new Random(13), ctx.slotCount(), 0.5)};
    int[] levels = {0, 2, 1};
    for (boolean pairs : new boolean[] {true, false}) {
      BootstrappingRefresher refresher = new BootstrappingRefresher(boot, pairs);
      Ciphertext[] in = new Ciphertext[3];
      try {
        for (int i = 0; i < 3; i++) in[i] = encrypt(ctx, v[i], levels[i]);
        List<Ciphertext> out = refresher.refresh(List.of(in), 1);
        try {
          for (int i = 0; i < 3; i++) {
            assertEquals(boot.outputLevel(), out.get(i).level());
            assertEquals(in[i].scale(), out.get(i).scale());
            Precision p = precision(ctx.decryptor().decryptValues(out.get(i)), v[i], 1);
            System.out.println((pairs ? "paired" : "unpaired") + " refresh, ciphertext " + i + ": " + p);
            assertTrue(p.meanBits() >= 22 && p.worstBits() >= 18, p.toString());
          }
        } finally {
          out.forEach(Ciphertext::close);
        }
        assertEquals(pairs ? 2 : 3, refresher.stats().bootstraps());
        assertEquals(3, refresher.stats().ciphertexts());
      } finally {
        for (Ciphertext c : in) if (c != null) c.close();
      }
    }
  }

  @Test
  void ciphertextsOfSlightlyDifferentScalesPairAndKeepTheirScales() {
    // Rescaling by primes that are not exactly the scale leaves refresh points with scales ~1e-5 apart.
    CkksContext ctx = BootContexts.toy();
    double[] a = uniform(new Random(16), ctx.slotCount(), 1);
    double[] b = uniform(new Random(17), ctx.slotCount(), 1);
    double scaleB = OPTIONS.messageScale() * (1 + 3e-5);
    BootstrappingRefresher refresher = new BootstrappingRefresher(boot);
    try (Ciphertext ca = encrypt(ctx, a, 1);
        dev.hnn.ckks.Plaintext pb = ctx.encoder().encode(b, scaleB, 2);
        Ciphertext cb = ctx.encryptor().encrypt(pb)) {
      List<Ciphertext> out = refresher.refresh(List.of(ca, cb), 1);
      try {
        assertEquals(1, refresher.stats().bootstraps());
        assertEquals(ca.scale(), out.get(0).scale());
        assertEquals(scaleB, out.get(1).scale());
        Precision pa = precision(ctx.decryptor().decryptValues(out.get(0)), a, 1);
        Precision pB = precision(ctx.decryptor().decryptValues(out.get(1)), b, 1);
        System.out.println("paired across scales 3e-5 apart: " + pa + ", " + pB);
        // A scale misread by 3e-5 would cost b about 15 bits; bootstrapping's own bounds hold instead.
        assertTrue(pa.worstBits() >= 20 && pB.worstBits() >= 20, pa + " " + pB);
      } finally {
        out.forEach(Ciphertext::close);
      }
    }
  }

  @Test
  void unpairedRefreshKeepsImaginaryParts() {
    CkksContext ctx = BootContexts.toy();
    int n = ctx.slotCount();
    double[] re = uniform(new Random(14), n, 0.5);
    double[] im = uniform(new Random(15), n, 0.5);
    try (dev.hnn.ckks.Plaintext p = ctx.encoder().encodeComplex(re, im, OPTIONS.messageScale(), 1);
        Ciphertext a = ctx.encryptor().encrypt(p);
        Ciphertext b = a.copy()) {
      List<Ciphertext> kept = new BootstrappingRefresher(boot, false).refresh(List.of(a), 1);
      List<Ciphertext> paired = new BootstrappingRefresher(boot).refresh(List.of(a, b), 1);
      try {
        double[][] k = complexSlots(ctx, kept.get(0));
        assertTrue(precision(k[1], im, 1).worstBits() >= 18, "imaginary parts kept");
        // Paired, each result is its input's real part: imaginary parts are dropped, not crossed over.
        for (int i = 0; i < 2; i++) {
          double[][] z = complexSlots(ctx, paired.get(i));
          assertTrue(precision(z[0], re, 1).worstBits() >= 18, "real part of result " + i);
          assertTrue(precision(z[1], new double[n], 1).worstBits() >= 18, "result " + i + " is real");
        }
      } finally {
        kept.forEach(Ciphertext::close);
        paired.forEach(Ciphertext::close);
      }
    }
  }

  private static double[][] complexSlots(CkksContext ctx, Ciphertext c) {
    try (dev.hnn.ckks.Plaintext p = ctx.decryptor().decrypt(c)) {
      return ctx.encoder().decodeComplex(p);
    }
  }
}
