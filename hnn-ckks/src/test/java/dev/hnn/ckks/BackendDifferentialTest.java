package dev.hnn.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hnn.ckks.sealjni.SealAvailability;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential tests of the two backends (issue 19): the same encodings and circuits on HNN's engine and on
 * Microsoft SEAL, each result within a stated bound of plain arithmetic and of the other backend. Runs when the
 * SEAL binding is built (../shared/seal present); skipped otherwise with the message of
 * {@link SealAvailability#HOW_TO_ENABLE}.
 *
 * <p>Parameters: N = 8192, primes 60, 6 x 40, 60 (one special prime, as SEAL has), scale 2^40: 260 bits, above
 * the 128-bit bound for N = 8192 (218), hence {@code insecureForTesting()}, as the engine's own deep test context.
 * Bounds: fresh encryptions carry errors of about 2^-30 relative to values in [-1, 1]; one rescaled product about
 * 2^-20..2^-25; the bounds below leave a factor of 10 or more over the largest error measured (printed).
 */
class BackendDifferentialTest {
  private static CkksContext hnn;
  private static CkksContext seal;
  private static final int COUNT = 64;
  private static final int[] STEPS = {1, 2, 3, 5, -1, -4, 16};

  @BeforeAll
  static void contexts() {
    Assumptions.assumeTrue(Backend.SEAL.isAvailable(), SealAvailability.HOW_TO_ENABLE);
    hnn = context(Backend.HNN);
    seal = context(Backend.SEAL);
  }

  static CkksParameters params() {
    return CkksParameters.builder()
        .polyDegree(8192)
        .coeffModulusBits(60, 40, 40, 40, 40, 40, 40, 60)
        .specialPrimes(1)
        .scaleBits(40)
        .insecureForTesting()
        .build();
  }

  static CkksContext context(Backend b) {
    return CkksContext.builder(params()).backend(b).rotations(STEPS).powerOfTwoRotations().conjugation().build();
  }

  @AfterAll
  static void close() {
    if (hnn != null) hnn.close();
    if (seal != null) seal.close();
  }

  private static double[] values(long seed) {
    Random r = new Random(seed);
    double[] v = new double[COUNT];
    for (int i = 0; i < COUNT; i++) v[i] = 2 * r.nextDouble() - 1;
    return v;
  }

  private static double maxDiff(double[] a, double[] b) {
    double e = 0;
    for (int i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
    return e;
  }

  /**
   * Runs op on both backends with fresh encryptions of x and y, decrypts the first COUNT slots and checks them
   * against the plain expectation and against each other; returns the three errors.
   */
  private static double[] check(String name, double[] expected, double bound, BiFunction<CkksContext, Ciphertext[], Ciphertext> op) {
    double[][] got = new double[2][];
    CkksContext[] both = {hnn, seal};
    for (int k = 0; k < 2; k++) {
      CkksContext c = both[k];
      try (Ciphertext x = c.encryptor().encrypt(values(1));
          Ciphertext y = c.encryptor().encrypt(values(2));
          Ciphertext r = op.apply(c, new Ciphertext[] {x, y})) {
        got[k] = c.decryptor().decryptValues(r, COUNT);
      }
    }
    double eh = maxDiff(expected, got[0]), es = maxDiff(expected, got[1]), ehs = maxDiff(got[0], got[1]);
    System.out.printf(Locale.ROOT, "differential %-26s |HNN-plain| %.2e  |SEAL-plain| %.2e  |HNN-SEAL| %.2e  (bound %.0e)%n",
        name, eh, es, ehs, bound);
    if (!(eh <= bound && es <= bound && ehs <= bound))
      fail(name + ": error above " + bound + ": HNN " + eh + ", SEAL " + es + ", HNN vs SEAL " + ehs);
    return new double[] {eh, es, ehs};
  }

  private static double[] map(BiFunction<Double, Double, Double> f) {
    double[] x = values(1), y = values(2), out = new double[COUNT];
    for (int i = 0; i < COUNT; i++) out[i] = f.apply(x[i], y[i]);
    return out;
  }

  private static double[] rotated(double[] v, int steps, int slots) {
    // slots beyond COUNT are zero
    double[] full = new double[slots];
    System.arraycopy(v, 0, full, 0, v.length);
    double[] out = new double[COUNT];
    for (int i = 0; i < COUNT; i++) out[i] = full[Math.floorMod(i + steps, slots)];
    return out;
  }

  @Test
  void additiveOps() {
    check("add", map((a, b) -> a + b), 1e-6, (c, v) -> c.evaluator().add(v[0], v[1]));
    check("sub", map((a, b) -> a - b), 1e-6, (c, v) -> c.evaluator().sub(v[0], v[1]));
    check("negate", map((a, b) -> -a), 1e-6, (c, v) -> c.evaluator().negate(v[0]));
    check("addInPlace", map((a, b) -> a + b), 1e-6, (c, v) -> {
      Ciphertext r = v[0].copy();
      c.evaluator().addInPlace(r, v[1]);
      return r;
    });
    check("addScalar", map((a, b) -> a + 0.375), 1e-6, (c, v) -> c.evaluator().addScalar(v[0], 0.375));
    check("addPlain", map((a, b) -> a + b), 1e-6, (c, v) -> {
      try (Plaintext p = c.encoder().encode(values(2))) {
        return c.evaluator().addPlain(v[0], p);
      }
    });
    check("subPlain (plaintext above)", map((a, b) -> a - b), 1e-6, (c, v) -> {
      try (Plaintext p = c.encoder().encode(values(2));
          Ciphertext low = c.evaluator().modSwitchTo(v[0], 3)) {
        return c.evaluator().subPlain(low, p);
      }
    });
    check("multiplyInteger", map((a, b) -> -3 * a), 1e-5, (c, v) -> c.evaluator().multiplyInteger(v[0], -3));
  }

  @Test
  void multiplicativeOps() {
    check("multiply+relin+rescale", map((a, b) -> a * b), 1e-5, (c, v) -> {
      Ciphertext r = c.evaluator().multiply(v[0], v[1]);
      assertEquals(3, r.size());
      c.evaluator().relinearizeInPlace(r);
      c.evaluator().rescaleInPlace(r);
      assertEquals(5, r.level());
      return r;
    });
    check("square", map((a, b) -> a * a), 1e-5, (c, v) -> {
      try (Ciphertext s = c.evaluator().square(v[0]); Ciphertext r = c.evaluator().relinearize(s)) {
        return c.evaluator().rescale(r);
      }
    });
    check("multiplyRelinRescale", map((a, b) -> a * b), 1e-5, (c, v) -> c.evaluator().multiplyRelinRescale(v[0], v[1]));
    check("multiplyPlain", map((a, b) -> a * b), 1e-5, (c, v) -> {
      try (Plaintext p = c.encoder().encode(values(2))) {
        Ciphertext r = c.evaluator().multiplyPlain(v[0], p);
        c.evaluator().rescaleInPlace(r);
        return r;
      }
    });
    check("multiplyScalar", map((a, b) -> 0.7 * a), 1e-5, (c, v) -> {
      Ciphertext r = c.evaluator().multiplyScalar(v[0], 0.7, c.scale());
      c.evaluator().rescaleInPlace(r);
      return r;
    });
    check("multiplyPlainAccumulate", map((a, b) -> a * b + b * a), 1e-5, (c, v) -> {
      try (Plaintext px = c.encoder().encode(values(1)); Plaintext py = c.encoder().encode(values(2))) {
        Ciphertext r = c.evaluator().multiplyPlainAccumulate(new Ciphertext[] {v[0], v[1]}, new Plaintext[] {py, px});
        c.evaluator().rescaleInPlace(r);
        return r;
      }
    });
    check("multiplyScalarAccumulate", map((a, b) -> 0.5 * a - 0.25 * b), 1e-5, (c, v) -> {
      Ciphertext r =
          c.evaluator().multiplyScalarAccumulate(new Ciphertext[] {v[0], v[1]}, new double[] {0.5, -0.25},
              new double[] {c.scale(), c.scale()});
      c.evaluator().rescaleInPlace(r);
      return r;
    });
  }

  @Test
  void levelsAndScales() {
    check("modSwitchTo", map((a, b) -> a), 1e-6, (c, v) -> {
      Ciphertext r = c.evaluator().modSwitchTo(v[0], 2);
      assertEquals(2, r.level());
      return r;
    });
    check("alignInPlace+add", map((a, b) -> a + b), 1e-6, (c, v) -> {
      try (Ciphertext low = c.evaluator().modSwitchTo(v[1], 1)) {
        Ciphertext a = v[0].copy();
        c.evaluator().alignInPlace(a, low);
        assertEquals(1, a.level());
        c.evaluator().addInPlace(a, low);
        return a;
      }
    });
    check("setScale", map((a, b) -> a / 2), 1e-6, (c, v) -> {
      Ciphertext r = v[0].copy();
      c.evaluator().setScale(r, r.scale() * 2);
      return r;
    });
  }

  @Test
  void rotations() {
    int slots = hnn.slotCount();
    for (int s : new int[] {1, 5, -1, 16}) {
      double[] e = rotated(values(1), s, slots);
      check("rotate " + s, e, 1e-5, (c, v) -> c.evaluator().rotate(v[0], s));
    }
    double[] sum = new double[COUNT];
    for (int s : new int[] {0, 1, 2}) {
      double[] r = rotated(values(1), s, slots);
      for (int i = 0; i < COUNT; i++) sum[i] += r[i];
    }
    check("rotateSum 0,1,2", sum, 1e-5, (c, v) -> c.evaluator().rotateSum(v[0], 0, 1, 2));
    check("rotateHoisted [3]", rotated(values(1), 3, slots), 1e-5, (c, v) -> {
      Ciphertext[] r = c.evaluator().rotateHoisted(v[0], 1, 3);
      r[0].close();
      return r[1];
    });
    // CkksVector.sum(): the total in slot 0 (partial sums elsewhere)
    double[] totals = new double[2];
    CkksContext[] both = {hnn, seal};
    for (int k = 0; k < 2; k++) {
      try (CkksVector x = CkksVector.encrypt(both[k], values(1)); CkksVector s = x.sum()) {
        totals[k] = s.decrypt()[0];
      }
    }
    System.out.printf(Locale.ROOT, "differential CkksVector.sum             |HNN-plain| %.2e  |SEAL-plain| %.2e  |HNN-SEAL| %.2e%n",
        Math.abs(totals[0] - sumOf(values(1))), Math.abs(totals[1] - sumOf(values(1))), Math.abs(totals[0] - totals[1]));
    assertEquals(sumOf(values(1)), totals[0], 1e-4);
    assertEquals(sumOf(values(1)), totals[1], 1e-4);
    // conjugation of real values is the identity
    check("conjugate", values(1), 1e-5, (c, v) -> c.evaluator().conjugate(v[0]));
    assertEquals(2L * 8192 - 1, seal.galoisElements()[seal.galoisElements().length - 1]);
  }

  private static double sumOf(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return s;
  }

  @Test
  void complexEncodingAndConjugation() {
    double[] re = values(3), im = values(4);
    double[][][] got = new double[2][][];
    CkksContext[] both = {hnn, seal};
    for (int k = 0; k < 2; k++) {
      CkksContext c = both[k];
      try (Plaintext p = c.encoder().encodeComplex(re, im, c.scale(), c.maxLevel());
          Ciphertext x = c.encryptor().encrypt(p);
          Ciphertext y = c.evaluator().conjugate(x);
          Plaintext d = c.decryptor().decrypt(y)) {
        got[k] = c.encoder().decodeComplex(d);
      }
    }
    for (int k = 0; k < 2; k++)
      for (int i = 0; i < COUNT; i++) {
        assertEquals(re[i], got[k][0][i], 1e-5);
        assertEquals(-im[i], got[k][1][i], 1e-5);
      }
  }

  /** A depth-6 polynomial through CkksVector.polyval on both backends (all six levels used). */
  @Test
  void depthSixPolynomial() {
    double[] coeffs = new double[33];
    Random r = new Random(7);
    for (int i = 0; i < coeffs.length; i++) coeffs[i] = (2 * r.nextDouble() - 1) / (i + 1);
    double[] x = values(1), expected = new double[COUNT];
    for (int i = 0; i < COUNT; i++) {
      double s = 0;
      for (int k = coeffs.length - 1; k >= 0; k--) s = s * x[i] + coeffs[k];
      expected[i] = s;
    }
    check("polyval degree 32 (depth 6)", expected, 1e-3, (c, v) -> {
      try (CkksVector in = CkksVector.of(c, COUNT, v[0]); CkksVector out = in.polyval(coeffs)) {
        assertEquals(0, out.level(), "all six levels used");
        return out.ciphertext(0);
      }
    });
  }

  @Test
  void encryptionVariants() {
    check("encryptSymmetric", values(1), 1e-6, (c, v) -> {
      try (Plaintext p = c.encoder().encode(values(1))) {
        return c.encryptor().encryptSymmetric(p);
      }
    });
    check("encryptZero+add", values(1), 1e-6, (c, v) -> {
      try (Ciphertext z = c.encryptor().encryptZero(c.maxLevel())) {
        assertEquals(1.0, z.scale(), 0.0);
        c.evaluator().setScale(z, v[0].scale());
        return c.evaluator().add(v[0], z);
      }
    });
  }

  @Test
  void serializationRoundTripsAndValidation() {
    check("ciphertext serialize/load", values(1), 1e-6, (c, v) -> Ciphertext.load(c, v[0].serialize(true)));
    check("context serialize/load", values(1), 1e-5, (c, v) -> {
      byte[] blob = v[0].serialize();
      try (CkksContext pub = CkksContext.load(c.serializePublic())) {
        assertEquals(c.backend(), pub.backend());
        try (Ciphertext loaded = Ciphertext.load(pub, blob); Ciphertext sum = pub.evaluator().rotate(loaded, 1);
            Ciphertext back = pub.evaluator().rotate(sum, -1)) {
          return Ciphertext.load(c, back.serialize());
        }
      }
    });
    byte[] good = seal.encryptor().encrypt(values(1)).serialize();
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 0x40;
    assertThrows(CorruptDataException.class, () -> Ciphertext.load(seal, java.util.Arrays.copyOf(good, 40)));
    assertThrows(HeException.class, () -> Ciphertext.load(hnn, good), "a SEAL blob is not an HNN ciphertext");
    assertThrows(HeException.class, () -> Ciphertext.load(seal, hnn.encryptor().encrypt(values(1)).serialize()));
    try (CkksContext loaded = CkksContext.load(seal.serialize())) {
      assertEquals(Backend.SEAL, loaded.backend());
      assertTrue(loaded.hasSecretKey());
      try (Ciphertext c = Ciphertext.load(loaded, good)) {
        assertTrue(maxDiff(values(1), loaded.decryptor().decryptValues(c, COUNT)) < 1e-6);
      }
    }
  }

  @Test
  void errorsAreTheSameExceptionTypes() {
    for (CkksContext c : new CkksContext[] {hnn, seal}) {
      try (Ciphertext x = c.encryptor().encrypt(values(1));
          Ciphertext low = c.evaluator().modSwitchTo(x, 0);
          Ciphertext y = c.encryptor().encrypt(values(2))) {
        assertThrows(DepthExhaustedException.class, () -> c.evaluator().rescale(low), c.backend().toString());
        assertThrows(IncompatibleObjectsException.class, () -> c.evaluator().add(x, low), c.backend().toString());
        c.evaluator().setScale(y, y.scale() * 1.5);
        assertThrows(IncompatibleObjectsException.class, () -> c.evaluator().add(x, y), c.backend().toString());
        assertThrows(MissingKeyException.class, () -> c.evaluator().rotate(x, 7), c.backend().toString());
      }
    }
    try (Ciphertext s = seal.encryptor().encrypt(values(1)); Ciphertext h = hnn.encryptor().encrypt(values(1))) {
      assertThrows(IncompatibleObjectsException.class, () -> hnn.evaluator().add(h, s));
      try (Plaintext p = seal.encoder().encode(values(1))) {
        assertThrows(IncompatibleObjectsException.class, () -> hnn.evaluator().addPlain(h, p));
      }
    }
    // SEAL keeps one special prime; the 128-bit bound applies to both backends
    CkksParameters twoSpecial = CkksParameters.preset(Depth.D4);
    assertThrows(InvalidParametersException.class, () -> CkksContext.builder(twoSpecial).backend(Backend.SEAL).build());
    assertThrows(
        InvalidParametersException.class,
        () -> CkksParameters.builder().polyDegree(8192).coeffModulusBits(60, 40, 40, 40, 40, 60).specialPrimes(1).build());
    assertThrows(HeException.class, () -> RefreshPrimitives.sampleMask(seal, 20));
  }

  @Test
  void sealObjectsCloseDeterministically() {
    Ciphertext c = seal.encryptor().encrypt(values(1));
    assertTrue(NativeEngine.liveNativeBytes() > 0);
    c.close();
    c.close(); // idempotent
    assertTrue(c.isClosed());
    assertThrows(IllegalStateException.class, c::level);
    CkksContext tmp = CkksContext.builder(params()).backend(Backend.SEAL).relinearizationKey(false).build();
    Ciphertext survivor = tmp.encryptor().encrypt(values(1));
    tmp.close();
    assertTrue(tmp.isClosed());
    assertThrows(IllegalStateException.class, tmp::encoder);
    assertThrows(IllegalStateException.class, () -> tmp.evaluator().negate(survivor));
    survivor.close();
    assertTrue(tmp.toString().contains("SEAL"));
  }
}
