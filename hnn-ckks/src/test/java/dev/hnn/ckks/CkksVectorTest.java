package dev.hnn.ckks;

import static dev.hnn.ckks.TestContexts.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link CkksVector} against plain double arithmetic: N = 4096 (2048 slots), five 40-bit levels, scale 2^40,
 * insecure toy parameters (speed). Inputs in [-1, 1]; tolerance 1e-5 per level used (observed: ~1e-7).
 */
class CkksVectorTest {
  static final double TOL = 1e-5;
  static CkksContext ctx;
  static int slots;
  static final Random RND = new Random(1234);

  @BeforeAll
  static void setUp() {
    CkksParameters p =
        CkksParameters.builder()
            .polyDegree(4096)
            .coeffModulusBits(60, 40, 40, 40, 40, 40, 60)
            .scaleBits(40)
            .insecureForTesting()
            .build();
    slots = p.slotCount();
    CkksContext.Builder b = CkksContext.builder(p).powerOfTwoRotations();
    b.rotations(CkksVector.matmulRotationSteps(slots, 300, 200));
    b.rotations(CkksVector.matmulRotationSteps(slots, 3000, 100));
    b.rotations(CkksVector.rotateRotationSteps(slots, 300, 5));
    b.rotations(CkksVector.rotateRotationSteps(slots, 300, -7));
    b.rotations(CkksVector.rotateRotationSteps(slots, slots, 3));
    ctx = b.build();
  }

  static double[] rnd(int n) {
    return TestContexts.random(RND, n, -1, 1);
  }

  static double[] op(double[] a, double[] b, java.util.function.DoubleBinaryOperator f) {
    return IntStream.range(0, a.length).mapToDouble(i -> f.applyAsDouble(a[i], b[i])).toArray();
  }

  static double[] op(double[] a, java.util.function.DoubleUnaryOperator f) {
    return Arrays.stream(a).map(f).toArray();
  }

  @Test
  void encryptDecryptAcrossChunks() {
    for (int n : new int[] {1, 7, slots, slots + 1, 5000}) {
      double[] x = rnd(n);
      try (CkksVector v = CkksVector.encrypt(ctx, x)) {
        assertEquals(n, v.size());
        assertEquals((n + slots - 1) / slots, v.chunkCount());
        assertEquals(ctx.maxLevel(), v.level());
        assertClose(x, v.decrypt(), 1e-6);
        assertEquals(n, v.decrypt().length);
      }
    }
  }

  @Test
  void wrapCiphertexts() {
    double[] x = rnd(slots + 10);
    try (CkksVector v = CkksVector.encrypt(ctx, x);
        Ciphertext c0 = v.ciphertext(0);
        Ciphertext c1 = v.ciphertext(1);
        CkksVector w = CkksVector.of(ctx, x.length, c0, c1);
        CkksVector s = w.sum()) {
      assertClose(x, w.decrypt(), 1e-6);
      assertEquals(Arrays.stream(x).sum(), s.decrypt()[0], 1e-4);
      assertThrows(IllegalArgumentException.class, () -> CkksVector.of(ctx, 10, c0, c1));
      try (Ciphertext low = ctx.evaluator().modSwitchTo(c1, 0)) {
        assertThrows(IncompatibleObjectsException.class, () -> CkksVector.of(ctx, x.length, c0, low));
      }
    }
  }

  @Test
  void elementWiseArithmetic() {
    int n = 5000;
    double[] x = rnd(n);
    double[] y = rnd(n);
    try (CkksVector a = CkksVector.encrypt(ctx, x); CkksVector b = CkksVector.encrypt(ctx, y)) {
      try (CkksVector r = a.add(b)) {
        assertClose(op(x, y, Double::sum), r.decrypt(), TOL);
      }
      try (CkksVector r = a.sub(b)) {
        assertClose(op(x, y, (p, q) -> p - q), r.decrypt(), TOL);
      }
      try (CkksVector r = a.add(y)) {
        assertClose(op(x, y, Double::sum), r.decrypt(), TOL);
      }
      try (CkksVector r = a.sub(y)) {
        assertClose(op(x, y, (p, q) -> p - q), r.decrypt(), TOL);
      }
      try (CkksVector r = a.add(0.5); CkksVector s = a.sub(0.25); CkksVector t = a.neg()) {
        assertClose(op(x, v -> v + 0.5), r.decrypt(), TOL);
        assertClose(op(x, v -> v - 0.25), s.decrypt(), TOL);
        assertClose(op(x, v -> -v), t.decrypt(), TOL);
      }
      try (CkksVector r = a.mul(b)) {
        assertEquals(ctx.maxLevel() - 1, r.level());
        assertClose(op(x, y, (p, q) -> p * q), r.decrypt(), TOL);
      }
      try (CkksVector r = a.mul(y)) {
        assertEquals(ctx.maxLevel() - 1, r.level());
        assertClose(op(x, y, (p, q) -> p * q), r.decrypt(), TOL);
      }
      try (CkksVector r = a.mul(-0.375); CkksVector s = a.mul(3.0); CkksVector t = a.square()) {
        assertEquals(ctx.maxLevel() - 1, r.level());
        assertEquals(ctx.maxLevel(), s.level()); // integers use no level
        assertClose(op(x, v -> -0.375 * v), r.decrypt(), TOL);
        assertClose(op(x, v -> 3 * v), s.decrypt(), TOL);
        assertClose(op(x, v -> v * v), t.decrypt(), TOL);
      }
    }
  }

  @Test
  void automaticAlignmentIsExact() {
    int n = 1000;
    double[] x = rnd(n);
    double[] y = rnd(n);
    try (CkksVector a = CkksVector.encrypt(ctx, x);
        CkksVector b = CkksVector.encrypt(ctx, y);
        CkksVector a2 = a.square(); // level L-1
        CkksVector a3 = a2.mul(a); // levels L-1 and L
        CkksVector sum = a3.add(a).add(a2).sub(b); // levels L-2, L, L-1, L
        CkksVector ab = a.mul(b);
        CkksVector a25 = a.mul(2.5);
        CkksVector mixed = ab.add(a25)) { // both at L-1 with the context's scale
      assertEquals(ctx.maxLevel() - 2, a3.level());
      assertEquals(ctx.maxLevel() - 2, sum.level());
      assertEquals(ctx.levelScales[sum.level()], sum.scale(), sum.scale() * 1e-12);
      assertClose(op(x, v -> v * v * v), a3.decrypt(), TOL);
      double[] want = new double[n];
      for (int i = 0; i < n; i++) want[i] = x[i] * x[i] * x[i] + x[i] + x[i] * x[i] - y[i];
      assertClose(want, sum.decrypt(), TOL);
      assertClose(op(x, y, (p, q) -> p * q + 2.5 * p), mixed.decrypt(), TOL);
    }
  }

  @Test
  void sumAndDot() {
    for (int n : new int[] {1, 5, 300, slots, 5000}) {
      double[] x = rnd(n);
      double[] y = rnd(n);
      double sx = Arrays.stream(x).sum();
      double dxy = IntStream.range(0, n).mapToDouble(i -> x[i] * y[i]).sum();
      try (CkksVector a = CkksVector.encrypt(ctx, x);
          CkksVector b = CkksVector.encrypt(ctx, y);
          CkksVector s = a.sum();
          CkksVector d = a.dot(b);
          CkksVector e = a.dot(y)) {
        assertEquals(1, s.size());
        assertEquals(sx, s.decrypt()[0], TOL * Math.max(1, Math.sqrt(n)), "n=" + n);
        assertEquals(dxy, d.decrypt()[0], TOL * Math.max(1, Math.sqrt(n)), "n=" + n);
        assertEquals(dxy, e.decrypt()[0], TOL * Math.max(1, Math.sqrt(n)), "n=" + n);
        // the sum's other slots hold partial sums: summing again masks them first
        try (CkksVector ss = d.sum()) {
          assertEquals(dxy, ss.decrypt()[0], TOL * Math.max(1, Math.sqrt(n)), "n=" + n);
        }
      }
    }
  }

  @Test
  void rotate() {
    double[] x = rnd(300);
    try (CkksVector a = CkksVector.encrypt(ctx, x)) {
      for (int k : new int[] {5, -7, 0, 305}) {
        try (CkksVector r = a.rotate(k); CkksVector s = r.sum()) {
          double[] want = new double[300];
          for (int i = 0; i < 300; i++) want[i] = x[Math.floorMod(i + k, 300)];
          assertClose(want, r.decrypt(), TOL);
          // the padding stays zero: the sum is unchanged
          assertEquals(Arrays.stream(x).sum(), s.decrypt()[0], 1e-4);
        }
      }
    }
    double[] full = rnd(slots);
    try (CkksVector a = CkksVector.encrypt(ctx, full); CkksVector r = a.rotate(3)) {
      assertEquals(ctx.maxLevel(), r.level()); // a full vector rotates for free
      double[] want = new double[slots];
      for (int i = 0; i < slots; i++) want[i] = full[(i + 3) % slots];
      assertClose(want, r.decrypt(), TOL);
    }
    try (CkksVector a = CkksVector.encrypt(ctx, rnd(300))) {
      assertThrows(MissingKeyException.class, () -> a.rotate(11));
    }
    try (CkksVector a = CkksVector.encrypt(ctx, rnd(slots + 1))) {
      assertThrows(UnsupportedOperationException.class, () -> a.rotate(1));
    }
  }

  @Test
  void polyval() {
    int n = 3000;
    double[] x = rnd(n);
    double[] cubic = {0.5, 0.197, 0, -0.004};
    double[] deg7 = {0.1, -1, 0.5, 0.25, -0.125, 0.0625, 0.03125, -0.015625};
    try (CkksVector a = CkksVector.encrypt(ctx, x); CkksVector c = a.polyval(cubic); CkksVector s = a.polyval(deg7)) {
      assertEquals(ctx.maxLevel() - 3, c.level()); // ceil(log2 3) + 1
      assertEquals(ctx.maxLevel() - 4, s.level()); // ceil(log2 7) + 1
      assertClose(op(x, v -> horner(cubic, v)), c.decrypt(), TOL);
      assertClose(op(x, v -> horner(deg7, v)), s.decrypt(), TOL);
      try (CkksVector k = a.polyval(new double[] {2.5}); CkksVector l = a.polyval(new double[] {0, 1, 0, 0})) {
        assertClose(op(x, v -> 2.5), k.decrypt(), TOL);
        assertClose(x, l.decrypt(), TOL);
      }
      assertThrows(IllegalArgumentException.class, () -> a.polyval(new double[0]));
      assertThrows(IllegalArgumentException.class, () -> a.polyval(new double[] {1, Double.NaN}));
      // degree 64 needs 7 levels: more than there are
      double[] big = new double[65];
      big[64] = 1;
      assertThrows(DepthExhaustedException.class, () -> a.polyval(big));
    }
  }

  static double horner(double[] c, double x) {
    double r = 0;
    for (int i = c.length - 1; i >= 0; i--) r = r * x + c[i];
    return r;
  }

  static double[] vecmat(double[] v, double[][] m) {
    double[] r = new double[m[0].length];
    for (int i = 0; i < v.length; i++) for (int j = 0; j < r.length; j++) r[j] += v[i] * m[i][j];
    return r;
  }

  static double[][] matrix(int n, int m) {
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) a[i] = rnd(m);
    return a;
  }

  @Test
  void matmul() {
    double[] x = rnd(300);
    double[][] m = matrix(300, 200);
    try (CkksVector a = CkksVector.encrypt(ctx, x); CkksVector r = a.matmul(m)) {
      assertEquals(200, r.size());
      assertEquals(ctx.maxLevel() - 1, r.level());
      assertClose(vecmat(x, m), r.decrypt(), 1e-4);
      // a zero padding: summing the result is the sum of the product
      try (CkksVector s = r.sum()) {
        assertEquals(Arrays.stream(vecmat(x, m)).sum(), s.decrypt()[0], 1e-3);
      }
    }
    // several input chunks (3000 values over 2048 slots)
    double[] y = rnd(3000);
    double[][] w = matrix(3000, 100);
    try (CkksVector a = CkksVector.encrypt(ctx, y); CkksVector r = a.matmul(w)) {
      assertEquals(100, r.size());
      assertClose(vecmat(y, w), r.decrypt(), 1e-3);
    }
    try (CkksVector a = CkksVector.encrypt(ctx, x)) {
      assertThrows(IllegalArgumentException.class, () -> a.matmul(matrix(299, 3)));
      assertThrows(MissingKeyException.class, () -> a.matmul(matrix(300, 1000)));
    }
  }

  @Test
  void explicitControl() {
    double[] x = rnd(100);
    double[] y = rnd(100);
    try (CkksVector a = CkksVector.encrypt(ctx, x).setAuto(false); CkksVector b = CkksVector.encrypt(ctx, y);
        CkksVector m = a.mul(b)) {
      assertEquals(ctx.maxLevel(), m.level());
      assertEquals(ctx.scale() * ctx.scale(), m.scale());
      assertEquals(3, m.ciphertext(0).size());
      try (CkksVector r = m.relinearize(); CkksVector s = r.rescale()) {
        assertEquals(ctx.maxLevel() - 1, s.level());
        assertClose(op(x, y, (p, q) -> p * q), s.decrypt(), TOL);
        // without automatic alignment, operands at other levels are rejected
        assertThrows(IncompatibleObjectsException.class, () -> s.add(a));
        try (CkksVector down = a.adjustTo(s.level(), s.scale()); CkksVector t = s.add(down)) {
          assertClose(op(x, y, (p, q) -> p * q + p), t.decrypt(), TOL);
        }
        try (CkksVector ms = a.modSwitchTo(0)) {
          assertEquals(0, ms.level());
        }
      }
    }
  }

  @Test
  void depthAndErrors() {
    double[] x = rnd(10);
    try (CkksVector a = CkksVector.encrypt(ctx, x)) {
      CkksVector c = a.mul(1.0 / 3);
      for (int i = 1; i < ctx.maxLevel(); i++) {
        CkksVector n = c.mul(a);
        c.close();
        c = n;
      }
      assertEquals(0, c.level());
      CkksVector last = c;
      assertThrows(DepthExhaustedException.class, () -> last.mul(last));
      assertThrows(DepthExhaustedException.class, () -> last.mul(0.5));
      c.close();
      assertThrows(IllegalArgumentException.class, () -> a.add(new double[9]));
      assertThrows(IllegalArgumentException.class, () -> a.add(Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> CkksVector.encrypt(ctx, new double[0]));
      assertThrows(NullPointerException.class, () -> a.add((CkksVector) null));
      try (CkksVector b = CkksVector.encrypt(ctx, rnd(11))) {
        assertThrows(IllegalArgumentException.class, () -> a.add(b));
      }
      try (CkksVector other = CkksVector.encrypt(TestContexts.small(), x)) {
        assertThrows(IncompatibleObjectsException.class, () -> a.add(other));
      }
      try (CkksContext pub = ctx.publicContext(); CkksVector p = CkksVector.encrypt(pub, x)) {
        assertThrows(MissingKeyException.class, p::decrypt);
        try (CkksVector q = a.add(p)) { // shares keys with ctx
          assertClose(op(x, v -> 2 * v), q.decrypt(), TOL);
        }
      }
    }
  }

  @Test
  void serialization() {
    double[] x = rnd(5000);
    try (CkksVector a = CkksVector.encrypt(ctx, x); CkksVector sq = a.square()) {
      byte[] bytes = sq.serialize();
      try (CkksVector b = CkksVector.load(ctx, bytes)) {
        assertEquals(sq.size(), b.size());
        assertEquals(sq.level(), b.level());
        assertClose(op(x, v -> v * v), b.decrypt(), TOL);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      a.save(out);
      sq.save(out);
      ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
      try (CkksVector a1 = CkksVector.load(ctx, in); CkksVector b1 = CkksVector.load(ctx, in)) {
        assertClose(x, a1.decrypt(), TOL);
        assertClose(op(x, v -> v * v), b1.decrypt(), TOL);
      }
      for (int cut : new int[] {0, 5, 18, 30, bytes.length / 3, bytes.length - 1}) {
        byte[] t = Arrays.copyOf(bytes, cut);
        assertThrows(CorruptDataException.class, () -> CkksVector.load(ctx, t), "cut " + cut);
      }
      for (int pos : new int[] {0, 7, 12, 17, 40, bytes.length / 2, bytes.length - 2}) {
        byte[] t = bytes.clone();
        t[pos] ^= 4;
        assertThrows(CorruptDataException.class, () -> CkksVector.load(ctx, t), "flip " + pos);
      }
      assertThrows(CorruptDataException.class, () -> CkksVector.load(TestContexts.small(), bytes)); // 3 chunks?
      try (CkksVector one = CkksVector.encrypt(ctx, rnd(10))) {
        byte[] small = one.serialize();
        assertThrows(IncompatibleObjectsException.class, () -> CkksVector.load(TestContexts.small(), small));
      }
      assertTrue(sq.toString().contains("size=5000"));
    }
  }
}
