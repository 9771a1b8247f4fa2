package dev.hnn.ckks;

import static dev.hnn.ckks.TestContexts.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rotation keys made by {@link CkksContext.Builder#rotationsUpToLevel}: they serve ciphertexts at their level and
 * below, refuse higher ones with {@link MissingKeyException}, are smaller, and keep their level through the public
 * context's bytes. N = 8192, six 40-bit levels (insecure, tests only), two special primes (digits of two primes).
 */
class LevelRestrictedKeysTest {
  static CkksContext ctx;
  static double[] x;

  @BeforeAll
  static void setUp() {
    CkksParameters p = CkksParameters.builder().polyDegree(8192).coeffModulusBits(60, 40, 40, 40, 40, 40, 40, 60, 60)
        .specialPrimes(2).scaleBits(40).insecureForTesting().build();
    ctx = CkksContext.builder(p).rotations(5).rotationsUpToLevel(2, 3, 5, -7).build();
    x = TestContexts.random(new Random(7), ctx.slotCount(), -1, 1);
  }

  @AfterAll
  static void tearDown() {
    ctx.close();
  }

  @Test
  void keysServeTheirLevelAndBelow() {
    assertEquals(2, ctx.rotationKeyLevel(3));
    assertEquals(2, ctx.rotationKeyLevel(-7));
    assertEquals(ctx.maxLevel(), ctx.rotationKeyLevel(5), "a step asked for at every level keeps the full key");
    assertEquals(-1, ctx.rotationKeyLevel(1));
    assertEquals(ctx.maxLevel(), ctx.rotationKeyLevel(0));
    Evaluator ev = ctx.evaluator();
    try (Ciphertext top = ctx.encryptor().encrypt(x)) {
      for (int level = 0; level <= 2; level++) {
        try (Ciphertext c = ev.modSwitchTo(top, level); Ciphertext r = ev.rotate(c, 3);
            Ciphertext s = ev.rotateSum(c, 3, 5, -7)) {
          assertClose(EvaluatorTest.rotated(x, 3), ctx.decryptor().decryptValues(r), 1e-5);
          double[] want = new double[x.length];
          for (int i = 0; i < x.length; i++)
            want[i] = x[(i + 3) % x.length] + x[(i + 5) % x.length] + x[Math.floorMod(i - 7, x.length)];
          assertClose(want, ctx.decryptor().decryptValues(s), 1e-5);
        }
      }
      try (Ciphertext c = ev.modSwitchTo(top, 3)) {
        MissingKeyException e = assertThrows(MissingKeyException.class, () -> ev.rotate(c, 3));
        assertTrue(e.getMessage().contains("levels up to 2"), e.getMessage());
        try (Ciphertext r = ev.rotate(c, 5)) {
          assertClose(EvaluatorTest.rotated(x, 5), ctx.decryptor().decryptValues(r), 1e-5);
        }
      }
    }
  }

  @Test
  void restrictedKeysAreSmallerAndKeepTheirLevelThroughBytes() {
    CkksParameters p = ctx.parameters();
    long none, full, low;
    try (CkksContext z = CkksContext.builder(p).build(); CkksContext a = CkksContext.builder(p).rotations(3).build();
        CkksContext b = CkksContext.builder(p).rotationsUpToLevel(1, 3).build()) {
      none = z.serializePublic().length;
      full = a.serializePublic().length - none;
      low = b.serializePublic().length - none;
    }
    // Seed-compressed keys store the b's, packed to their primes' widths: for every level 4 digits of all nine
    // primes (60 + 6 x 40 + 2 x 60 = 420 bits), for level 1 one digit of q_0, q_1 and P (220 bits).
    assertEquals(4 * 420.0 / 220, (double) full / low, 0.05, full + " vs " + low + " bytes");
    try (CkksContext pub = CkksContext.load(ctx.serializePublic())) {
      assertEquals(2, pub.rotationKeyLevel(3));
      assertEquals(pub.maxLevel(), pub.rotationKeyLevel(5));
      try (Ciphertext top = ctx.encryptor().encrypt(x); Ciphertext c = ctx.evaluator().modSwitchTo(top, 1);
          Ciphertext r = pub.evaluator().rotate(c, -7)) {
        assertClose(EvaluatorTest.rotated(x, -7), ctx.decryptor().decryptValues(r), 1e-5);
      }
    }
  }

  @Test
  void levelOutsideTheChainIsRefused() {
    CkksContext.Builder b = CkksContext.builder(ctx.parameters());
    assertThrows(IndexOutOfBoundsException.class, () -> b.rotationsUpToLevel(ctx.maxLevel() + 1, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> b.rotationsUpToLevel(-1, 3));
  }
}
