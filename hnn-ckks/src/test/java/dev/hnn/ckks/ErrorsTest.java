package dev.hnn.ckks;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bad inputs raise the documented exceptions, never crash the JVM. */
class ErrorsTest {
  final CkksContext ctx = TestContexts.small();
  final Encoder enc = ctx.encoder();
  final Evaluator ev = ctx.evaluator();

  @Test
  void parameterValidation() {
    assertThrows(IllegalArgumentException.class, () -> CkksParameters.builder().polyDegree(1000).coeffModulusBits(60, 60).build());
    assertThrows(IllegalArgumentException.class, () -> CkksParameters.builder().polyDegree(8192).coeffModulusBits(60).build());
    assertThrows(IllegalArgumentException.class, () -> CkksParameters.builder().polyDegree(8192).coeffModulusBits(60, 70).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> CkksParameters.builder().polyDegree(8192).coeffModulusBits(60, 40, 60).specialPrimes(3).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> CkksParameters.builder().polyDegree(8192).coeffModulusBits(60, 40, 60).scale(Double.NaN).build());
    assertThrows(NullPointerException.class, () -> CkksParameters.builder().coeffModulusBits((int[]) null));
    // 60 + 40 x 3 + 60 = 240 bits > 218 allowed at N = 8192
    InvalidParametersException e =
        assertThrows(
            InvalidParametersException.class,
            () -> CkksParameters.builder().polyDegree(8192).coeffModulusBits(60, 40, 40, 40, 60).build());
    assertTrue(e.getMessage().contains("128-bit"), e.getMessage());
    // the engine's own checks: not enough NTT-friendly primes of 20 bits at N = 65536
    CkksParameters bad =
        CkksParameters.builder().polyDegree(65536).coeffModulusBits(20, 20, 20, 20, 20, 20).insecureForTesting().build();
    assertThrows(InvalidParametersException.class, () -> CkksContext.generate(bad));
    assertEquals(218, CkksParameters.maxSecureModulusBits(8192));
    for (Depth d : Depth.values()) {
      CkksParameters p = CkksParameters.preset(d);
      assertEquals(d.depth(), p.maxLevel());
      assertTrue(p.totalModulusBits() <= CkksParameters.maxSecureModulusBits(p.polyDegree()), d.name());
      assertEquals(SecurityLevel.CLASSICAL_128, p.securityLevel());
    }
  }

  @Test
  void encodingArguments() {
    assertThrows(NullPointerException.class, () -> enc.encode(null));
    assertThrows(IllegalArgumentException.class, () -> enc.encode(new double[] {1, Double.NaN}));
    assertThrows(IllegalArgumentException.class, () -> enc.encode(new double[] {Double.POSITIVE_INFINITY}));
    assertThrows(IllegalArgumentException.class, () -> enc.encode(new double[ctx.slotCount() + 1]));
    assertThrows(IllegalArgumentException.class, () -> enc.encode(new double[] {1}, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> enc.encode(new double[] {1}, ctx.scale(), ctx.maxLevel() + 1));
    assertThrows(IllegalArgumentException.class, () -> enc.encode(new double[] {1}, ctx.scale(), -1));
    assertThrows(IllegalArgumentException.class, () -> enc.encodeConstant(Double.NaN, ctx.scale(), 0));
    assertThrows(IllegalArgumentException.class, () -> enc.encodeComplex(new double[2], new double[3], ctx.scale(), 0));
    // fits no modulus once scaled: only the engine can tell
    assertThrows(InvalidArgumentException.class, () -> enc.encode(new double[] {1e60}));
    assertThrows(NullPointerException.class, () -> enc.decode(null));
    assertThrows(NullPointerException.class, () -> ctx.encryptor().encrypt((Plaintext) null));
    assertThrows(NullPointerException.class, () -> ctx.encryptor().encrypt((double[]) null));
  }

  @Test
  void evaluatorArguments() {
    try (Ciphertext a = ctx.encryptor().encrypt(new double[] {1, 2})) {
      assertThrows(NullPointerException.class, () -> ev.add(a, null));
      assertThrows(NullPointerException.class, () -> ev.add(null, a));
      assertThrows(IllegalArgumentException.class, () -> ev.addScalar(a, Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> ev.multiplyScalar(a, Double.POSITIVE_INFINITY, 1e6));
      assertThrows(IllegalArgumentException.class, () -> ev.multiplyScalar(a, 2, 0.5));
      assertThrows(IllegalArgumentException.class, () -> ev.modSwitchTo(a, -1));
      assertThrows(IllegalArgumentException.class, () -> ev.setScale(a, 0));
      assertThrows(IllegalArgumentException.class, () -> ev.multiplyPlainAccumulate(new Ciphertext[0], new Plaintext[0]));
      assertThrows(NullPointerException.class, () -> ev.rotateHoisted(a, (int[]) null));
      assertThrows(NullPointerException.class, () -> ev.rotateSum(a, (int[]) null));
      // raising a level is impossible
      try (Ciphertext low = ev.modSwitchTo(a, 0)) {
        assertThrows(InvalidArgumentException.class, () -> ev.modSwitchToInPlace(low, 1));
      }
    }
  }

  @Test
  void incompatibleLevelsAndScales() {
    try (Ciphertext a = ctx.encryptor().encrypt(new double[] {1});
        Ciphertext b = ctx.encryptor().encrypt(new double[] {2});
        Ciphertext low = ev.modSwitchTo(b, 1)) {
      assertThrows(IncompatibleObjectsException.class, () -> ev.add(a, low));
      assertThrows(IncompatibleObjectsException.class, () -> ev.multiply(a, low));
      try (Ciphertext m = ev.multiplyRelinRescale(a, b)) {
        // level 1 at scale ~2^40 vs level 1 at exactly 2^40: scales differ by prime rounding
        IncompatibleObjectsException e = assertThrows(IncompatibleObjectsException.class, () -> ev.add(m, low));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
      }
      try (Plaintext p = enc.encode(new double[] {1}, ctx.scale(), 0)) {
        assertThrows(IncompatibleObjectsException.class, () -> ev.multiplyPlain(a, p)); // plaintext below
      }
      try (Ciphertext m = ev.multiply(a, b)) {
        assertThrows(InvalidArgumentException.class, () -> ev.rotate(m, 1)); // size 3: relinearize first
      }
    }
  }

  @Test
  void depthExhausted() {
    try (Ciphertext a = ctx.encryptor().encrypt(new double[] {0.5})) {
      Ciphertext c = a.copy();
      for (int i = 0; i < ctx.maxLevel(); i++) {
        Ciphertext n = ev.multiplyRelinRescale(c, c);
        c.close();
        c = n;
      }
      assertEquals(0, c.level());
      Ciphertext last = c;
      assertThrows(DepthExhaustedException.class, () -> ev.rescale(last));
      // multiplying at level 0 leaves a scale that the last prime cannot hold
      assertThrows(DepthExhaustedException.class, () -> ev.multiply(last, last));
      c.close();
    }
  }

  @Test
  void missingKeys() {
    try (Ciphertext a = ctx.encryptor().encrypt(new double[] {1})) {
      MissingKeyException e = assertThrows(MissingKeyException.class, () -> ev.rotate(a, 7));
      assertTrue(e.getMessage().contains("7"), e.getMessage());
      assertThrows(MissingKeyException.class, () -> ev.rotateHoisted(a, 1, 7));
      assertThrows(MissingKeyException.class, () -> ev.rotateSum(a, 0, 1, 7));
      assertThrows(IllegalArgumentException.class, () -> ev.rotateSum(a));
      assertFalse(ctx.hasRotationKey(7));
      assertTrue(ctx.hasRotationKey(1));
      assertThrows(MissingKeyException.class, () -> ev.applyGalois(a, ctx.galoisElement(7)));
    }
    CkksParameters p = CkksParameters.builder().polyDegree(2048).coeffModulusBits(40, 30, 40).scaleBits(25).insecureForTesting().build();
    try (CkksContext c = CkksContext.builder(p).relinearizationKey(false).build();
        Ciphertext a = c.encryptor().encrypt(new double[] {1});
        Ciphertext m = c.evaluator().multiply(a, a)) {
      assertFalse(c.hasRelinearizationKey());
      assertThrows(MissingKeyException.class, () -> c.evaluator().relinearize(m));
      assertThrows(MissingKeyException.class, () -> c.evaluator().multiplyRelinRescale(a, a));
      assertThrows(MissingKeyException.class, () -> c.evaluator().conjugate(a));
    }
  }

  @Test
  void publicContextCannotDecrypt() {
    try (CkksContext pub = ctx.publicContext(); Ciphertext a = pub.encryptor().encrypt(new double[] {1, 2, 3})) {
      assertFalse(pub.hasSecretKey());
      assertThrows(MissingKeyException.class, pub::decryptor);
      try (Plaintext p = pub.encoder().encode(new double[] {1})) {
        assertThrows(MissingKeyException.class, () -> pub.encryptor().encryptSymmetric(p));
      }
      // evaluation works, and the client decrypts the result
      try (Ciphertext b = pub.evaluator().addScalar(a, 1)) {
        TestContexts.assertClose(new double[] {2, 3, 4}, ctx.decryptor().decryptValues(b, 3), 1e-6);
      }
    }
  }

  @Test
  void objectsFromAnotherContext() {
    CkksParameters p = CkksParameters.builder().polyDegree(2048).coeffModulusBits(40, 30, 40).scaleBits(25).insecureForTesting().build();
    try (CkksContext other = CkksContext.generate(p);
        CkksContext sameParams = CkksContext.generate(ctx.parameters());
        Ciphertext mine = ctx.encryptor().encrypt(new double[] {1});
        Ciphertext theirs = other.encryptor().encrypt(new double[] {1});
        Ciphertext sameParamsOtherKeys = sameParams.encryptor().encrypt(new double[] {1});
        Plaintext theirPlain = other.encoder().encode(new double[] {1})) {
      assertThrows(IncompatibleObjectsException.class, () -> ev.add(mine, theirs));
      assertThrows(IncompatibleObjectsException.class, () -> ev.add(mine, sameParamsOtherKeys));
      assertThrows(IncompatibleObjectsException.class, () -> ev.rotate(theirs, 1));
      assertThrows(IncompatibleObjectsException.class, () -> ev.addPlain(mine, theirPlain));
      assertThrows(IncompatibleObjectsException.class, () -> ctx.decryptor().decrypt(theirs));
      assertThrows(IncompatibleObjectsException.class, () -> ctx.encryptor().encrypt(theirPlain));
      // serialized objects of other parameters are rejected on load
      byte[] bytes = theirs.serialize();
      assertThrows(IncompatibleObjectsException.class, () -> Ciphertext.load(ctx, bytes));
    }
  }

  @Test
  void useAfterClose() {
    Ciphertext a = ctx.encryptor().encrypt(new double[] {1});
    Ciphertext b = ctx.encryptor().encrypt(new double[] {1});
    a.close();
    assertTrue(a.isClosed());
    assertDoesNotThrow(a::close); // idempotent
    assertThrows(IllegalStateException.class, a::level);
    assertThrows(IllegalStateException.class, a::scale);
    assertThrows(IllegalStateException.class, a::serialize);
    assertThrows(IllegalStateException.class, () -> ev.add(a, b));
    assertThrows(IllegalStateException.class, () -> ev.add(b, a));
    assertThrows(IllegalStateException.class, () -> ev.addInPlace(b, a));
    assertThrows(IllegalStateException.class, () -> ctx.decryptor().decrypt(a));
    assertEquals("Ciphertext{closed}", a.toString());
    b.close();
    Plaintext p = enc.encode(new double[] {1});
    p.close();
    assertThrows(IllegalStateException.class, () -> enc.decode(p));

    CkksParameters params = CkksParameters.builder().polyDegree(2048).coeffModulusBits(40, 30, 40).scaleBits(25).insecureForTesting().build();
    CkksContext c = CkksContext.generate(params);
    Ciphertext x = c.encryptor().encrypt(new double[] {1});
    Evaluator e = c.evaluator();
    c.close();
    assertDoesNotThrow(c::close);
    assertTrue(c.isClosed());
    assertThrows(IllegalStateException.class, () -> e.add(x, x));
    assertThrows(IllegalStateException.class, c::evaluator);
    assertThrows(IllegalStateException.class, c::serialize);
    assertThrows(IllegalStateException.class, c::publicContext);
    assertFalse(x.isClosed()); // ciphertexts outlive their context's keys
    x.close();
  }

  @Test
  void nativeErrorsCarryMessages() {
    try (Ciphertext a = ctx.encryptor().encrypt(new double[] {1}); Ciphertext low = ev.modSwitchTo(a, 0)) {
      IncompatibleObjectsException e = assertThrows(IncompatibleObjectsException.class, () -> ev.add(a, low));
      assertTrue(e.getMessage().startsWith("add: operands are at levels"), e.getMessage());
      assertTrue(e instanceof HeException);
    }
  }
}
