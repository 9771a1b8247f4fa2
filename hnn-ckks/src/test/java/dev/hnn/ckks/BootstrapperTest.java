package dev.hnn.ckks;

import static dev.hnn.ckks.BootContexts.OPTIONS;
import static dev.hnn.ckks.BootContexts.encrypt;
import static dev.hnn.ckks.BootContexts.precision;
import static dev.hnn.ckks.BootContexts.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.BootContexts.Precision;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Bootstrapping through the Java API at toy sizes (BootContexts): precision against the native tests' bounds
 * (mean >= 24 bits, worst slot >= 20 bits on values uniform in [-1, 1]), levels, a chain with multiplications,
 * a public context from bytes, and the errors of invalid use.
 */
class BootstrapperTest {
  private static final double MEAN_BITS = 24;
  private static final double WORST_BITS = 20;

  @Test
  void fullSlotsPrecisionAndOutputLevel() {
    CkksContext ctx = BootContexts.toy();
    try (Bootstrapper boot = Bootstrapper.create(ctx, OPTIONS)) {
      assertEquals(OPTIONS.requiredDepth(), boot.depth());
      assertEquals(ctx.maxLevel() - boot.depth(), boot.outputLevel());
      assertEquals(BootContexts.LEVELS_LEFT, boot.outputLevel());
      double[] v = uniform(new Random(1), ctx.slotCount(), 1);
      // From level 0 (the usual case) and from a higher level (dropped to level 0 by the engine).
      for (int level : new int[] {0, 2}) {
        try (Ciphertext in = encrypt(ctx, v, level);
            Ciphertext out = boot.bootstrap(in)) {
          assertEquals(boot.outputLevel(), out.level());
          assertEquals(in.scale(), out.scale());
          Precision p = precision(ctx.decryptor().decryptValues(out), v, 1);
          System.out.println("bootstrap N=256 from level " + level + ": " + p);
          assertTrue(p.meanBits() >= MEAN_BITS && p.worstBits() >= WORST_BITS, p.toString());
        }
      }
    }
  }

  @Test
  void chainOfThreeBootstrapsWithMultiplications() {
    // Bootstrap, multiply by fresh values in [-1, 1], bring the scale back to the message scale, repeat: each
    // bootstrap keeps its precision against the values it was given, and the result tracks the plain
    // computation. (Products with independent values keep the slots' mean near 0. Squares, in [0, 1], have a
    // large constant coefficient, on which the sine's own error gives about 22 bits at q_0 / scale = 2^10:
    // docs/bootstrapping.md, "Precision margin".)
    CkksContext ctx = BootContexts.toy();
    Evaluator ev = ctx.evaluator();
    Random rnd = new Random(2);
    double[] want = uniform(rnd, ctx.slotCount(), 1);
    try (Bootstrapper boot = Bootstrapper.create(ctx, OPTIONS)) {
      Ciphertext ct = encrypt(ctx, want, 0);
      try {
        for (int round = 0; round < 3; round++) {
          double[] before = ctx.decryptor().decryptValues(ct);
          double[] factor = uniform(rnd, ctx.slotCount(), 1);
          try (Ciphertext fresh = boot.bootstrap(ct);
              Ciphertext f = encrypt(ctx, factor, boot.outputLevel())) {
            assertEquals(boot.outputLevel(), fresh.level());
            Precision p = precision(ctx.decryptor().decryptValues(fresh), before, 1);
            System.out.println("chain round " + round + ": " + p);
            assertTrue(p.meanBits() >= MEAN_BITS && p.worstBits() >= WORST_BITS, "round " + round + ": " + p);
            ct.close();
            ct = ev.multiplyRelinRescale(fresh, f);
          }
          for (int i = 0; i < want.length; i++) want[i] *= factor[i];
          // Back to the message scale with the last level: bootstrapping's error is relative to that scale.
          double q = ctx.prime(ct.level());
          ev.multiplyScalarInPlace(ct, 1.0, OPTIONS.messageScale() * q / ct.scale());
          ev.rescaleInPlace(ct);
          assertEquals(0, ct.level());
        }
        Precision end = precision(ctx.decryptor().decryptValues(ct), want, 1);
        System.out.println("chain end against the plain products: " + end);
        assertTrue(end.meanBits() >= MEAN_BITS && end.worstBits() >= WORST_BITS, end.toString());
      } finally {
        ct.close();
      }
    }
  }

  @Test
  void publicContextFromBytesBootstrapsTheSame() {
    CkksContext client = BootContexts.serializable();
    assertTrue(client.hasBootstrappingKeys());
    double[] v = uniform(new Random(3), client.slotCount(), 1);
    byte[] publicBytes = client.serializePublic();
    try (CkksContext server = CkksContext.load(publicBytes);
        Bootstrapper serverBoot = Bootstrapper.create(server, OPTIONS);
        Bootstrapper clientBoot = Bootstrapper.create(client, OPTIONS);
        Ciphertext in = encrypt(client, v, 0);
        Ciphertext remote = Ciphertext.load(server, in.serialize());
        Ciphertext fromServer = serverBoot.bootstrap(remote);
        Ciphertext fromClient = clientBoot.bootstrap(in)) {
      assertFalse(server.hasSecretKey());
      assertTrue(server.hasBootstrappingKeys());
      assertEquals(client.keyId(), server.keyId());
      // The same keys and transforms: bit-identical results.
      assertArrayEquals(fromClient.serialize(), fromServer.serialize());
      try (Ciphertext back = Ciphertext.load(client, fromServer.serialize())) {
        Precision p = precision(client.decryptor().decryptValues(back), v, 1);
        System.out.println("bootstrap N=1024 on a loaded public context: " + p);
        assertTrue(p.meanBits() >= MEAN_BITS && p.worstBits() >= WORST_BITS, p.toString());
      }
    }
    // The client context round-trips with its encapsulation too.
    try (CkksContext again = CkksContext.load(client.serialize())) {
      assertTrue(again.hasSecretKey() && again.hasBootstrappingKeys());
    }
  }

  @Test
  void contextWithoutBootstrappingKeysIsRefused() {
    try (CkksContext plain = CkksContext.builder(BootContexts.parameters(256)).build()) {
      assertFalse(plain.hasBootstrappingKeys());
      MissingKeyException e = assertThrows(MissingKeyException.class, () -> Bootstrapper.create(plain, OPTIONS));
      assertTrue(e.getMessage().contains("bootstrapping(options)"), e.getMessage());
    }
    // Keys of other options: sparse slots need rotations the full-slot keys lack.
    BootstrapOptions sparse = BootstrapOptions.builder().slots(16).ctsLevels(2).stcLevels(2).messageScale(0x1p40).build();
    MissingKeyException e =
        assertThrows(MissingKeyException.class, () -> Bootstrapper.create(BootContexts.toy(), sparse));
    assertTrue(e.getMessage().contains("Galois keys"), e.getMessage());
  }

  @Test
  void tooFewLevelsIsInvalidParameters() {
    CkksParameters shallow =
        CkksParameters.builder().polyDegree(256).coeffModulusBits(50, 45, 60, 60, 60).scaleBits(40)
            .insecureForTesting().build();
    InvalidParametersException e =
        assertThrows(
            InvalidParametersException.class,
            () -> CkksContext.builder(shallow).bootstrapping(OPTIONS).build());
    assertTrue(e.getMessage().contains("levels"), e.getMessage());
    // A level budget the toy chain cannot hold, on a context that has keys.
    BootstrapOptions deep = BootstrapOptions.builder().ctsLevels(5).stcLevels(2).messageScale(0x1p40).build();
    assertThrows(InvalidParametersException.class, () -> Bootstrapper.create(BootContexts.toy(), deep));
    assertEquals(OPTIONS.requiredDepth() + 3, deep.requiredDepth());
  }

  @Test
  void corruptedEncapsulationIsCorruptData() {
    byte[] bytes = BootContexts.serializable().serializePublic();
    // The encapsulation is the last object before the context's CRC: change a byte inside it, then recompute the
    // CRC so that the encapsulation's own validation is what must catch it.
    int start = lastIndexOf(bytes, new byte[] {'H', 'N', 'N', 'E'});
    assertTrue(start > 0);
    for (int offset : new int[] {8, (bytes.length - 4 - start) / 2}) {
      byte[] bad = bytes.clone();
      bad[start + offset] ^= 0x04;
      resealContext(bad);
      CorruptDataException e = assertThrows(CorruptDataException.class, () -> CkksContext.load(bad));
      assertTrue(e.getMessage().contains("encapsulation"), e.getMessage());
    }
    // Cut inside the encapsulation.
    byte[] cut = java.util.Arrays.copyOf(bytes, start + 100);
    assertThrows(CorruptDataException.class, () -> CkksContext.load(cut));
  }

  @Test
  void sealBackendDoesNotBootstrap() {
    // Refused before anything is generated, whether or not the SEAL binding is present.
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> CkksContext.builder(BootContexts.parameters(256)).backend(Backend.SEAL).bootstrapping(OPTIONS).build());
    assertTrue(e.getMessage().contains("SEAL"), e.getMessage());
    if (Backend.SEAL.isAvailable()) {
      CkksParameters p = CkksParameters.builder().polyDegree(8192).coeffModulusBits(60, 40, 60).build();
      try (CkksContext seal = CkksContext.builder(p).backend(Backend.SEAL).build()) {
        assertThrows(UnsupportedOperationException.class, () -> Bootstrapper.create(seal, OPTIONS));
      }
    }
  }

  @Test
  void closedBootstrapperAndContextRefuseUse() {
    CkksContext ctx = CkksContext.builder(BootContexts.parameters(256)).bootstrapping(OPTIONS).build();
    Bootstrapper boot = Bootstrapper.create(ctx, OPTIONS);
    try (Ciphertext in = encrypt(ctx, new double[] {0.5}, 0)) {
      boot.close();
      boot.close(); // idempotent
      assertTrue(boot.isClosed());
      assertThrows(IllegalStateException.class, () -> boot.bootstrap(in));
      try (Bootstrapper again = Bootstrapper.create(ctx, OPTIONS)) {
        ctx.close();
        assertThrows(IllegalStateException.class, () -> again.bootstrap(in));
      }
    } finally {
      ctx.close();
    }
  }

  private static int lastIndexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = data.length - pattern.length; i >= 0; i--) {
      for (int j = 0; j < pattern.length; j++) if (data[i + j] != pattern[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** Recomputes the context format's trailing CRC-32 (big-endian int over everything before it). */
  private static void resealContext(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());
  }
}
