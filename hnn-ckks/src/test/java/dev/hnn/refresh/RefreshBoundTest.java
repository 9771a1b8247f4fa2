package dev.hnn.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RefreshBoundTest {
  @Test
  void maskBitsFollowTheStatedFormula() {
    // B = 1 * 2^40 + 19 (2 * 8192 + 1) = 2^40 + 311315: ceil(log2 B) = 41; log2 N = 13; + 40.
    assertEquals(41 + 13 + 40, RefreshBound.maskBits(1.0, Math.scalb(1.0, 40), 8192));
    // 100 * 2^40 = 2^46.64...: 47 + 14 + 40 at N = 16384.
    assertEquals(47 + 14 + 40, RefreshBound.maskBits(100.0, Math.scalb(1.0, 40), 16384));
    // Scale 2^28 (the encrypted head's primes), values up to 64: 2^34 + 19 * 32769 -> 35.
    assertEquals(35 + 14 + 40, RefreshBound.maskBits(64.0, Math.scalb(1.0, 28), 16384));
    assertEquals(RefreshBound.maskBits(1, 1 << 20, 4096) + 2, RefreshBound.requiredModulusBits(RefreshBound.maskBits(1, 1 << 20, 4096)));
  }

  @Test
  void coefficientBoundAddsTheFreshEncryptionNoise() {
    assertEquals(Math.scalb(1.0, 40) + 19.0 * 16385, RefreshBound.coefficientBound(1, Math.scalb(1.0, 40), 8192), 1.0);
    assertTrue(RefreshBound.coefficientBound(1, Math.scalb(1.0, 40), 8192) >= Math.scalb(1.0, 40) + 19.0 * 16385);
  }

  @Test
  void ceilLog2IsExactAtPowersOfTwo() {
    assertEquals(0, RefreshBound.ceilLog2(1));
    assertEquals(1, RefreshBound.ceilLog2(2));
    assertEquals(2, RefreshBound.ceilLog2(3));
    assertEquals(40, RefreshBound.ceilLog2(Math.scalb(1.0, 40)));
    assertEquals(41, RefreshBound.ceilLog2(Math.nextUp(Math.scalb(1.0, 40))));
    assertEquals(40, RefreshBound.ceilLog2(Math.nextDown(Math.scalb(1.0, 40))));
  }

  /** N B / 2^k <= 2^-40 for every input, and one bit fewer would not always do (k is not wasteful). */
  @Test
  void distanceBoundHoldsAndIsTight() {
    Random rnd = new Random(1);
    double worst = -1000;
    for (int t = 0; t < 10000; t++) {
      double v = Math.pow(2, -10 + 30 * rnd.nextDouble());
      double scale = Math.pow(2, 20 + 40 * rnd.nextDouble());
      int n = 1 << (10 + rnd.nextInt(7));
      double b = RefreshBound.coefficientBound(v, scale, n);
      int k = RefreshBound.maskBits(v, scale, n);
      double d = RefreshBound.log2DistanceBound(b, n, k);
      assertTrue(d <= -40 + 1e-9, "distance 2^" + d + " for v=" + v + ", scale=" + scale + ", N=" + n);
      assertTrue(RefreshBound.log2DistanceBound(b, n, k - 1) > -40 - 1e-9, "k wasteful by a bit or more");
      worst = Math.max(worst, d);
    }
    assertTrue(worst > -40.01, "the bound is approached: " + worst);
  }

  @Test
  void lowestLevelIsWhereTheMaskFits() {
    var ctx = RefreshContexts.secure(); // 60 + 40 + 40 bits
    assertEquals(1, RefreshBound.lowestLevel(ctx, 94)); // needs 96 bits: level 1 has ~100
    assertEquals(0, RefreshBound.lowestLevel(ctx, 50));
    assertEquals(2, RefreshBound.lowestLevel(ctx, 120));
    assertEquals(-1, RefreshBound.lowestLevel(ctx, 139));
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> RefreshBound.maskBits(0, 1 << 20, 4096));
    assertThrows(IllegalArgumentException.class, () -> RefreshBound.maskBits(Double.NaN, 1 << 20, 4096));
    assertThrows(IllegalArgumentException.class, () -> RefreshBound.maskBits(1, Double.POSITIVE_INFINITY, 4096));
    assertThrows(IllegalArgumentException.class, () -> RefreshBound.maskBits(1, 1 << 20, 1000));
  }
}
