package dev.hnn.ckks;

import static dev.hnn.ckks.TestContexts.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every operation of {@link Encoder}, {@link Encryptor}, {@link Decryptor} and {@link Evaluator} against plain
 * double arithmetic. Inputs are uniform in [-1, 1] over all N/2 = 4096 slots at scale 2^40; tolerances: 1e-6
 * for encoding, encryption and additions, 1e-5 after a multiplication, rescaling or rotation (observed errors
 * are about ten times smaller).
 */
class EvaluatorTest {
  static final double TOL_ADD = 1e-6;
  static final double TOL_MUL = 1e-5;

  static CkksContext ctx;
  static Encoder enc;
  static Encryptor encryptor;
  static Decryptor dec;
  static Evaluator ev;
  static int slots;
  static double[] x;
  static double[] y;

  @BeforeAll
  static void setUp() {
    ctx = TestContexts.small();
    enc = ctx.encoder();
    encryptor = ctx.encryptor();
    dec = ctx.decryptor();
    ev = ctx.evaluator();
    slots = ctx.slotCount();
    Random rnd = new Random(42);
    x = TestContexts.random(rnd, slots, -1, 1);
    y = TestContexts.random(rnd, slots, -1, 1);
  }

  static Ciphertext ct(double[] v) {
    return encryptor.encrypt(v);
  }

  static double[] d(Ciphertext c) {
    return dec.decryptValues(c);
  }

  static double[] map2(double[] a, double[] b, java.util.function.DoubleBinaryOperator f) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) r[i] = f.applyAsDouble(a[i], b[i]);
    return r;
  }

  static double[] map(double[] a, java.util.function.DoubleUnaryOperator f) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) r[i] = f.applyAsDouble(a[i]);
    return r;
  }

  static double[] rotated(double[] v, int k) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) r[i] = v[Math.floorMod(i + k, v.length)];
    return r;
  }

  // ------------------------------------------------------------------------------------------ encoding

  @Test
  void encodeDecodeRoundTrip() {
    try (Plaintext p = enc.encode(x)) {
      assertEquals(ctx.maxLevel(), p.level());
      assertEquals(ctx.scale(), p.scale());
      assertClose(x, enc.decode(p), 1e-9);
    }
    try (Plaintext p = enc.encode(new double[] {3.25, -7.5}, Math.scalb(1.0, 30), 1)) {
      assertEquals(1, p.level());
      assertEquals(Math.scalb(1.0, 30), p.scale());
      double[] v = enc.decode(p, 4);
      assertClose(new double[] {3.25, -7.5, 0, 0}, v, 1e-7);
    }
  }

  @Test
  void encodeConstantAndComplex() {
    try (Plaintext p = enc.encodeConstant(-2.5, ctx.scale(), 0)) {
      double[] v = enc.decode(p);
      for (double e : v) assertEquals(-2.5, e, 1e-9);
    }
    double[] re = {1, -2, 0.5};
    double[] im = {0.25, 3, -1};
    try (Plaintext p = enc.encodeComplex(re, im, ctx.scale(), ctx.maxLevel())) {
      double[][] z = enc.decodeComplex(p);
      assertClose(re, z[0], 1e-9);
      assertClose(im, z[1], 1e-9);
    }
  }

  // ------------------------------------------------------------------------------------------ encryption

  @Test
  void encryptDecrypt() {
    try (Plaintext p = enc.encode(x);
        Ciphertext a = encryptor.encrypt(p);
        Ciphertext b = encryptor.encryptSymmetric(p);
        Ciphertext z = encryptor.encryptZero(1)) {
      assertEquals(ctx.maxLevel(), a.level());
      assertEquals(2, a.size());
      assertEquals(ctx.scale(), a.scale());
      assertClose(x, d(a), TOL_ADD);
      assertClose(x, d(b), TOL_ADD);
      assertEquals(1, z.level());
      // zero at scale 1: decrypted values are the raw noise divided by 1; at scale 2^40 they are ~0
      ev.setScale(z, ctx.scale());
      assertClose(new double[slots], d(z), TOL_ADD);
    }
  }

  // ------------------------------------------------------------------------------------------ additive

  @Test
  void addSubNegate() {
    try (Ciphertext a = ct(x);
        Ciphertext b = ct(y);
        Ciphertext s = ev.add(a, b);
        Ciphertext t = ev.sub(a, b);
        Ciphertext n = ev.negate(a)) {
      assertClose(map2(x, y, Double::sum), d(s), TOL_ADD);
      assertClose(map2(x, y, (p, q) -> p - q), d(t), TOL_ADD);
      assertClose(map(x, v -> -v), d(n), TOL_ADD);
      ev.addInPlace(s, b); // x + 2y
      assertClose(map2(x, y, (p, q) -> p + 2 * q), d(s), TOL_ADD);
      ev.subInPlace(s, a); // 2y
      assertClose(map(y, v -> 2 * v), d(s), TOL_ADD);
      ev.negateInPlace(s);
      assertClose(map(y, v -> -2 * v), d(s), TOL_ADD);
      ev.addInPlace(t, t); // 2(x - y): an operand that is also the target
      assertClose(map2(x, y, (p, q) -> 2 * (p - q)), d(t), TOL_ADD);
    }
  }

  @Test
  void plainAndScalarAddition() {
    try (Ciphertext a = ct(x);
        Plaintext p = enc.encode(y);
        Ciphertext s = ev.addPlain(a, p);
        Ciphertext t = ev.subPlain(a, p);
        Ciphertext u = ev.addScalar(a, 0.75)) {
      assertClose(map2(x, y, Double::sum), d(s), TOL_ADD);
      assertClose(map2(x, y, (q, r) -> q - r), d(t), TOL_ADD);
      assertClose(map(x, v -> v + 0.75), d(u), TOL_ADD);
      ev.addPlainInPlace(u, p);
      ev.subPlainInPlace(u, p);
      ev.addScalarInPlace(u, -0.75);
      assertClose(x, d(u), TOL_ADD);
    }
  }

  // ------------------------------------------------------------------------------------------ multiplicative

  @Test
  void multiplyRelinearizeRescale() {
    double[] xy = map2(x, y, (p, q) -> p * q);
    try (Ciphertext a = ct(x); Ciphertext b = ct(y); Ciphertext m = ev.multiply(a, b)) {
      assertEquals(3, m.size());
      assertEquals(ctx.scale() * ctx.scale(), m.scale());
      assertClose(xy, d(m), TOL_MUL); // a size-3 ciphertext decrypts too
      try (Ciphertext r = ev.relinearize(m)) {
        assertEquals(2, r.size());
        assertClose(xy, d(r), TOL_MUL);
        try (Ciphertext s = ev.rescale(r)) {
          assertEquals(ctx.maxLevel() - 1, s.level());
          assertEquals(ctx.scale() * ctx.scale() / ctx.prime(ctx.maxLevel()), s.scale(), 1e-3);
          assertClose(xy, d(s), TOL_MUL);
        }
      }
      ev.relinearizeInPlace(m);
      ev.rescaleInPlace(m);
      assertClose(xy, d(m), TOL_MUL);
      try (Ciphertext f = ev.multiplyRelinRescale(a, b)) {
        assertEquals(ctx.maxLevel() - 1, f.level());
        assertEquals(2, f.size());
        assertClose(xy, d(f), TOL_MUL);
      }
      try (Ciphertext c = a.copy()) {
        ev.multiplyInPlace(c, b);
        ev.relinearizeInPlace(c);
        ev.rescaleInPlace(c);
        assertClose(xy, d(c), TOL_MUL);
      }
    }
  }

  @Test
  void square() {
    double[] xx = map(x, v -> v * v);
    try (Ciphertext a = ct(x); Ciphertext s = ev.square(a)) {
      ev.relinearizeInPlace(s);
      ev.rescaleInPlace(s);
      assertClose(xx, d(s), TOL_MUL);
      ev.squareInPlace(a);
      assertEquals(3, a.size());
      assertClose(xx, d(a), TOL_MUL);
    }
  }

  @Test
  void multiplyPlainScalarInteger() {
    try (Ciphertext a = ct(x); Plaintext p = enc.encode(y); Ciphertext m = ev.multiplyPlain(a, p)) {
      ev.rescaleInPlace(m);
      assertClose(map2(x, y, (q, r) -> q * r), d(m), TOL_MUL);
      try (Ciphertext c = a.copy()) {
        ev.multiplyPlainInPlace(c, p);
        ev.rescaleInPlace(c);
        assertClose(map2(x, y, (q, r) -> q * r), d(c), TOL_MUL);
      }
      try (Ciphertext s = ev.multiplyScalar(a, -1.25, ctx.prime(ctx.maxLevel()))) {
        ev.rescaleInPlace(s);
        assertEquals(ctx.scale(), s.scale(), 1e-3);
        assertClose(map(x, v -> -1.25 * v), d(s), TOL_MUL);
      }
      try (Ciphertext i = ev.multiplyInteger(a, -3)) {
        assertEquals(ctx.maxLevel(), i.level());
        assertClose(map(x, v -> -3 * v), d(i), TOL_MUL);
        ev.multiplyIntegerInPlace(i, 2);
        assertClose(map(x, v -> -6 * v), d(i), TOL_MUL);
      }
    }
  }

  @Test
  void multiplyPlainAccumulate() {
    Random rnd = new Random(7);
    int k = 5;
    Ciphertext[] cs = new Ciphertext[k];
    Plaintext[] ps = new Plaintext[k];
    double[] want = new double[slots];
    try {
      for (int i = 0; i < k; i++) {
        double[] a = TestContexts.random(rnd, slots, -1, 1);
        double[] b = TestContexts.random(rnd, slots, -1, 1);
        for (int j = 0; j < slots; j++) want[j] += a[j] * b[j];
        cs[i] = ct(a);
        ps[i] = enc.encode(b);
      }
      try (Ciphertext r = ev.multiplyPlainAccumulate(cs, ps)) {
        assertEquals(ctx.scale() * ctx.scale(), r.scale());
        ev.rescaleInPlace(r);
        assertClose(want, d(r), TOL_MUL);
      }
      try (Ciphertext r = ev.multiplyPlainAccumulate(java.util.List.of(cs), java.util.List.of(ps))) {
        assertClose(want, d(r), TOL_MUL);
      }
    } finally {
      for (int i = 0; i < k; i++) {
        if (cs[i] != null) cs[i].close();
        if (ps[i] != null) ps[i].close();
      }
    }
  }

  /** Operands at two levels and scales: each factor's scale lands its product on one common scale. */
  @Test
  void accumulateAcrossLevelsAndScales() {
    double[] xy = map2(x, y, (a, b) -> a * b);
    double common = ctx.scale() * ctx.scale();
    try (Ciphertext a = ct(x); Ciphertext b = ct(y); Ciphertext ab = ev.multiplyRelinRescale(a, b)) {
      int low = ab.level();
      assertTrue(low < a.level() && ab.scale() != a.scale());
      try (Ciphertext r = ev.multiplyScalarAccumulate(new Ciphertext[] {a, ab}, new double[] {0.5, -2},
          new double[] {common / a.scale(), common / ab.scale()})) {
        assertEquals(low, r.level());
        assertEquals(common, r.scale(), common * 1e-12);
        ev.rescaleInPlace(r);
        assertClose(map2(x, xy, (u, v) -> 0.5 * u - 2 * v), d(r), TOL_MUL);
      }
      try (Plaintext pa = enc.encode(y, common / a.scale(), low);
          Plaintext pab = enc.encode(x, common / ab.scale(), low);
          Ciphertext r = ev.multiplyPlainAccumulate(new Ciphertext[] {a, ab}, new Plaintext[] {pa, pab})) {
        assertEquals(low, r.level());
        ev.rescaleInPlace(r);
        assertClose(map2(xy, map2(xy, x, (u, v) -> u * v), Double::sum), d(r), TOL_MUL);
      }
      IncompatibleObjectsException e = assertThrows(IncompatibleObjectsException.class,
          () -> ev.multiplyScalarAccumulate(new Ciphertext[] {a, ab}, new double[] {1, 1}, new double[] {1 << 20, 1 << 20}));
      assertTrue(e.getMessage().contains("different scales"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> ev.multiplyScalarAccumulate(new Ciphertext[] {a}, new double[] {1, 2}, new double[] {1}));
      assertThrows(InvalidArgumentException.class,
          () -> ev.multiplyScalarAccumulate(new Ciphertext[] {a}, new double[] {Double.NaN}, new double[] {1 << 20}));
    }
  }

  // ------------------------------------------------------------------------------------------ levels and scales

  @Test
  void modSwitchAlignSetScale() {
    try (Ciphertext a = ct(x); Ciphertext b = ct(y); Ciphertext m = ev.modSwitchTo(a, 0)) {
      assertEquals(0, m.level());
      assertEquals(a.scale(), m.scale());
      assertClose(x, d(m), TOL_ADD);
      try (Ciphertext out = ct(y)) {
        ev.modSwitchTo(a, 1, out);
        assertEquals(1, out.level());
        assertClose(x, d(out), TOL_ADD);
      }
      ev.modSwitchToInPlace(b, 1);
      ev.alignInPlace(a, b);
      assertEquals(1, a.level());
      assertEquals(1, b.level());
      try (Ciphertext s = ev.add(a, b)) {
        assertClose(map2(x, y, Double::sum), d(s), TOL_ADD);
      }
      ev.setScale(a, a.scale() * (1 + 1e-12));
      assertEquals(ctx.scale() * (1 + 1e-12), a.scale());
      try (Plaintext p = enc.encode(y); Plaintext q = ev.modSwitchTo(p, 0)) {
        assertEquals(0, q.level());
        assertClose(y, enc.decode(q), 1e-9);
        ev.modSwitchToInPlace(p, 1);
        assertEquals(1, p.level());
      }
    }
  }

  // ------------------------------------------------------------------------------------------ rotations

  @Test
  void rotations() {
    try (Ciphertext a = ct(x)) {
      for (int k : new int[] {1, 2, 3, 5, -1, -3, 100, -100, 64, 0, slots}) {
        try (Ciphertext r = ev.rotate(a, k)) {
          assertClose(rotated(x, k), d(r), TOL_MUL);
        }
      }
      Ciphertext[] h = ev.rotateHoisted(a, 1, 2, 3, 0, -1);
      try {
        int[] ks = {1, 2, 3, 0, -1};
        for (int i = 0; i < ks.length; i++) assertClose(rotated(x, ks[i]), d(h[i]), TOL_MUL);
      } finally {
        for (Ciphertext c : h) c.close();
      }
      try (Ciphertext c = a.copy()) {
        ev.rotateInPlace(c, 5);
        assertClose(rotated(x, 5), d(c), TOL_MUL);
      }
      // A sum of rotations with one division by the special primes: the sum of the rotated vectors.
      int[] ks = {0, 1, 2, 3, -1};
      double[] want = new double[slots];
      for (int k : ks) {
        double[] r = rotated(x, k);
        for (int i = 0; i < slots; i++) want[i] += r[i];
      }
      try (Ciphertext s = ev.rotateSum(a, ks); Ciphertext c = a.copy()) {
        assertClose(want, d(s), ks.length * TOL_MUL);
        ev.rotateSumInPlace(c, ks);
        assertClose(want, d(c), ks.length * TOL_MUL);
      }
      try (Ciphertext g = ev.applyGalois(a, ctx.galoisElement(2))) {
        assertClose(rotated(x, 2), d(g), TOL_MUL);
      }
    }
  }

  @Test
  void outputReuse() {
    double[] xy = map2(x, y, (p, q) -> p * q);
    try (Ciphertext a = ct(x);
        Ciphertext b = ct(y);
        Ciphertext out = ct(new double[] {9});
        Plaintext pt = enc.encode(y);
        Plaintext pout = enc.encode(new double[] {9})) {
      ev.add(a, b, out);
      assertClose(map2(x, y, Double::sum), d(out), TOL_ADD);
      ev.sub(a, b, out);
      assertClose(map2(x, y, (p, q) -> p - q), d(out), TOL_ADD);
      ev.multiplyPlain(a, pt, out);
      ev.rescale(out, out); // out as operand and target
      assertClose(xy, d(out), TOL_MUL);
      ev.multiply(a, b, out);
      assertEquals(3, out.size());
      ev.relinearize(out, out);
      ev.rescale(out, out);
      assertClose(xy, d(out), TOL_MUL);
      ev.square(a, out);
      ev.relinearize(out, out);
      assertClose(map(x, v -> v * v), d(out), TOL_MUL);
      ev.multiplyRelinRescale(a, b, out);
      assertClose(xy, d(out), TOL_MUL);
      ev.rotate(a, 1, out);
      assertClose(rotated(x, 1), d(out), TOL_MUL);
      encryptor.encrypt(pt, out);
      assertClose(y, d(out), TOL_ADD);
      encryptor.encryptSymmetric(pt, out);
      assertClose(y, d(out), TOL_ADD);
      dec.decrypt(out, pout);
      assertClose(y, enc.decode(pout), TOL_ADD);
      enc.encode(x, ctx.scale(), 1, pout);
      assertEquals(1, pout.level());
      double[] first = new double[10];
      enc.decode(pout, first);
      assertClose(java.util.Arrays.copyOf(x, 10), first, 1e-9);
      assertThrows(IllegalArgumentException.class, () -> enc.decode(pout, new double[slots + 1]));
      try (CkksContext other = CkksContext.generate(ctx.parameters()); Ciphertext foreign = other.encryptor().encrypt(x)) {
        assertThrows(IncompatibleObjectsException.class, () -> ev.add(a, b, foreign));
      }
      Ciphertext closed = ct(x);
      closed.close();
      assertThrows(IllegalStateException.class, () -> ev.add(a, b, closed));
    }
  }

  @Test
  void keysForExplicitGaloisElements() {
    CkksParameters p = CkksParameters.builder().polyDegree(2048).coeffModulusBits(50, 40, 50).scaleBits(30).insecureForTesting().build();
    long g3 = ctx.galoisElement(3); // 5^3 mod 2N for this N ...
    long fiveCubed = 125 % (2L * p.polyDegree()); // ... and for N = 2048
    assertEquals(125, g3);
    try (CkksContext c = CkksContext.builder(p).galoisElements(fiveCubed, 2L * p.polyDegree() - 1).build();
        Ciphertext a = c.encryptor().encrypt(java.util.Arrays.copyOf(x, c.slotCount()))) {
      assertTrue(c.hasRotationKey(3));
      assertTrue(c.hasConjugationKey());
      try (Ciphertext r = c.evaluator().rotate(a, 3)) {
        double[] got = c.decryptor().decryptValues(r);
        double[] want = rotated(java.util.Arrays.copyOf(x, c.slotCount()), 3);
        assertClose(want, got, 1e-3);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> CkksContext.builder(p).galoisElements(4));
    assertThrows(IllegalArgumentException.class, () -> CkksContext.builder(p).galoisElements(4097));
  }

  @Test
  void conjugation() {
    double[] re = {1, -2, 0.5};
    double[] im = {0.25, 3, -1};
    try (Plaintext p = enc.encodeComplex(re, im, ctx.scale(), ctx.maxLevel());
        Ciphertext a = encryptor.encrypt(p);
        Ciphertext c = ev.conjugate(a);
        Plaintext q = dec.decrypt(c)) {
      double[][] z = enc.decodeComplex(q);
      assertClose(re, z[0], TOL_MUL);
      assertClose(map(im, v -> -v), z[1], TOL_MUL);
    }
    assertTrue(ctx.hasConjugationKey());
  }
}
