package dev.hnn.ckks;

import static dev.hnn.ckks.TestContexts.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Round trips of every serializable object through bytes and streams; corrupt input is rejected. */
class SerializationTest {
  final CkksContext ctx = TestContexts.small();
  final double[] x = TestContexts.random(new Random(3), 100, -1, 1);

  @Test
  void parameters() {
    for (Depth d : Depth.values()) {
      CkksParameters p = CkksParameters.preset(d);
      assertEquals(p, CkksParameters.load(p.serialize()));
    }
    CkksParameters q = CkksParameters.builder().polyDegree(1024).coeffModulusBits(30, 20, 30).scaleBits(20).insecureForTesting().build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    q.save(out);
    assertEquals(q, CkksParameters.load(new ByteArrayInputStream(out.toByteArray())));
    byte[] b = q.serialize();
    for (int cut = 0; cut < b.length; cut++) {
      byte[] t = Arrays.copyOf(b, cut);
      assertThrows(CorruptDataException.class, () -> CkksParameters.load(t));
    }
    byte[] magic = b.clone();
    magic[0] ^= 1;
    assertThrows(CorruptDataException.class, () -> CkksParameters.load(magic));
    byte[] trailing = Arrays.copyOf(b, b.length + 1);
    assertThrows(CorruptDataException.class, () -> CkksParameters.load(trailing));
    byte[] badN = b.clone();
    badN[7] = 3; // N = 1027
    assertThrows(CorruptDataException.class, () -> CkksParameters.load(badN));
  }

  @Test
  void ciphertextAndPlaintext() {
    try (Ciphertext c = ctx.encryptor().encrypt(x); Plaintext p = ctx.encoder().encode(x)) {
      for (boolean compress : new boolean[] {false, true}) {
        byte[] cb = c.serialize(compress);
        try (Ciphertext back = Ciphertext.load(ctx, cb)) {
          assertEquals(c.level(), back.level());
          assertEquals(c.scale(), back.scale());
          assertArrayEquals(cb, back.serialize(compress));
          assertClose(x, ctx.decryptor().decryptValues(back, x.length), 1e-6);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.save(out, compress);
        p.save(out, compress);
        c.save(out, compress);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        try (Ciphertext c1 = Ciphertext.load(ctx, in); Plaintext p1 = Plaintext.load(ctx, in); Ciphertext c2 = Ciphertext.load(ctx, in)) {
          assertEquals(0, in.available());
          assertClose(x, ctx.decryptor().decryptValues(c1, x.length), 1e-6);
          assertClose(x, ctx.encoder().decode(p1, x.length), 1e-9);
          assertClose(x, ctx.decryptor().decryptValues(c2, x.length), 1e-6);
        }
      }
      // a symmetric ciphertext sends a seed instead of its second polynomial
      try (Ciphertext s = ctx.encryptor().encryptSymmetric(p)) {
        assertTrue(s.serialize().length < 0.6 * c.serialize().length);
        try (Ciphertext back = Ciphertext.load(ctx, s.serialize())) {
          assertClose(x, ctx.decryptor().decryptValues(back, x.length), 1e-6);
        }
      }
    }
  }

  @Test
  void corruptObjects() {
    try (Ciphertext c = ctx.encryptor().encrypt(x); Plaintext p = ctx.encoder().encode(x)) {
      byte[] cb = c.serialize();
      Random rnd = new Random(11);
      for (int cut : new int[] {0, 1, 10, 63, 64, 65, 100, cb.length / 2, cb.length - 1}) {
        byte[] t = Arrays.copyOf(cb, cut);
        assertThrows(CorruptDataException.class, () -> Ciphertext.load(ctx, t), "cut at " + cut);
        assertThrows(CorruptDataException.class, () -> Ciphertext.load(ctx, new ByteArrayInputStream(t)), "cut at " + cut);
      }
      for (int i = 0; i < 40; i++) {
        byte[] t = cb.clone();
        int pos = i < 20 ? rnd.nextInt(80) : rnd.nextInt(t.length);
        t[pos] ^= (byte) (1 << rnd.nextInt(8));
        assertThrows(CorruptDataException.class, () -> Ciphertext.load(ctx, t), "flip at " + pos);
      }
      byte[] trailing = Arrays.copyOf(cb, cb.length + 3);
      assertThrows(CorruptDataException.class, () -> Ciphertext.load(ctx, trailing));
      // a plaintext is not a ciphertext
      byte[] pb = p.serialize();
      assertThrows(CorruptDataException.class, () -> Ciphertext.load(ctx, pb));
      assertThrows(CorruptDataException.class, () -> Plaintext.load(ctx, cb));
      assertThrows(CorruptDataException.class, () -> Plaintext.load(ctx, new byte[0]));
      assertThrows(NullPointerException.class, () -> Ciphertext.load(ctx, (byte[]) null));
      assertThrows(NullPointerException.class, () -> Ciphertext.load(null, cb));
      // a forged huge length in the header must not allocate: the stream ends early
      byte[] forged = Arrays.copyOf(cb, 64);
      forged[24] = (byte) 0xff;
      forged[25] = (byte) 0xff;
      forged[26] = (byte) 0xff;
      forged[27] = (byte) 0x7f;
      assertThrows(CorruptDataException.class, () -> Ciphertext.load(ctx, new ByteArrayInputStream(forged)));
    }
  }

  @Test
  void clientAndPublicContexts() {
    byte[] client = ctx.serialize();
    byte[] pub = ctx.serializePublic();
    assertTrue(pub.length < client.length);
    try (Ciphertext c = ctx.encryptor().encrypt(x);
        CkksContext server = CkksContext.load(pub);
        CkksContext client2 = CkksContext.load(new ByteArrayInputStream(client))) {
      assertFalse(server.hasSecretKey());
      assertTrue(client2.hasSecretKey());
      assertEquals(ctx.parameters(), server.parameters());
      assertArrayEquals(ctx.galoisElements(), server.galoisElements());
      assertTrue(server.hasConjugationKey());
      assertThrows(MissingKeyException.class, server::decryptor);
      // the server evaluates on the client's ciphertext (bytes in, bytes out) ...
      byte[] result;
      try (Ciphertext onServer = Ciphertext.load(server, c.serialize());
          Ciphertext sq = server.evaluator().multiplyRelinRescale(onServer, onServer);
          Ciphertext r = server.evaluator().rotate(sq, 1)) {
        result = r.serialize();
      }
      // ... and the client decrypts the result, in the original and in the reloaded client context
      double[] want = new double[x.length - 1];
      for (int i = 0; i < want.length; i++) want[i] = x[i + 1] * x[i + 1];
      try (Ciphertext r = Ciphertext.load(ctx, result)) {
        assertClose(want, ctx.decryptor().decryptValues(r, want.length), 1e-5);
      }
      try (Ciphertext r = Ciphertext.load(client2, result)) {
        assertClose(want, client2.decryptor().decryptValues(r, want.length), 1e-5);
      }
      // the reloaded public context serializes to the same bytes
      assertArrayEquals(pub, server.serialize());
    }
  }

  @Test
  void corruptContexts() {
    CkksParameters p = CkksParameters.builder().polyDegree(1024).coeffModulusBits(30, 20, 30).scaleBits(20).insecureForTesting().build();
    try (CkksContext small = CkksContext.generate(p, 1, 2)) {
      byte[] b = small.serialize();
      try (CkksContext back = CkksContext.load(b)) {
        assertArrayEquals(b, back.serialize());
      }
      Random rnd = new Random(5);
      for (int i = 0; i < 60; i++) {
        int cut = i < 20 ? i * 5 : rnd.nextInt(b.length);
        byte[] t = Arrays.copyOf(b, cut);
        assertThrows(CorruptDataException.class, () -> CkksContext.load(t), "cut at " + cut);
      }
      for (int i = 0; i < 60; i++) {
        byte[] t = b.clone();
        int pos = i < 30 ? rnd.nextInt(120) : rnd.nextInt(t.length);
        t[pos] ^= (byte) (1 << rnd.nextInt(8));
        assertThrows(CorruptDataException.class, () -> CkksContext.load(t), "flip at " + pos);
      }
      assertThrows(CorruptDataException.class, () -> CkksContext.load(Arrays.copyOf(b, b.length + 1)));
      assertThrows(CorruptDataException.class, () -> CkksContext.load(new byte[0]));
      try (Ciphertext c = small.encryptor().encrypt(new double[] {1})) {
        assertThrows(CorruptDataException.class, () -> CkksContext.load(c.serialize()));
      }
    }
  }
}
