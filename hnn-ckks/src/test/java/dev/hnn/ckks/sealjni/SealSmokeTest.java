package dev.hnn.ckks.sealjni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.sealjni.SealNative.SCiphertext;
import dev.hnn.ckks.sealjni.SealNative.SContext;
import dev.hnn.ckks.sealjni.SealNative.SDecryptor;
import dev.hnn.ckks.sealjni.SealNative.SEncryptor;
import dev.hnn.ckks.sealjni.SealNative.SPlaintext;
import dev.hnn.ckks.sealjni.SealNative.SPublicKey;
import dev.hnn.ckks.sealjni.SealNative.SSecretKey;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The raw SEAL binding: loads, encrypts and decrypts, and reports errors with the engine's tags. */
class SealSmokeTest {
  @BeforeAll
  static void sealPresent() {
    boolean ok;
    try {
      SealNative.load();
      ok = true;
    } catch (Throwable t) {
      ok = false;
    }
    Assumptions.assumeTrue(ok, SealAvailability.HOW_TO_ENABLE);
  }

  @Test
  void encryptDecryptRoundTrip() {
    SContext c = SealNative.new_context(8192, new int[] {60, 40, 40, 60}, 4, 1, true);
    SSecretKey sk = SealNative.generate_secret_key(c);
    SPublicKey pk = SealNative.create_public_key(c, sk);
    SEncryptor enc = SealNative.new_encryptor(c, pk, null);
    SDecryptor dec = SealNative.new_decryptor(c, sk);
    SPlaintext p = SealNative.new_plaintext();
    SCiphertext ct = SealNative.new_ciphertext();
    try {
      assertEquals(4096, SealNative.context_slot_count(c));
      assertEquals(2, SealNative.context_max_level(c));
      double[] v = {1.5, -2.25, 3.0, 0.125};
      SealNative.encode(c, v, v.length, Math.pow(2, 40), 2, p);
      SealNative.encrypt(c, enc, p, ct);
      assertEquals(2, SealNative.ciphertext_level(c, ct));
      SealNative.decrypt(c, dec, ct, p);
      double[] out = new double[4];
      SealNative.decode(c, p, out, 4);
      for (int i = 0; i < 4; i++) assertEquals(v[i], out[i], 1e-6);
      SealNative.rescale(c, ct, ct);
      SealNative.rescale(c, ct, ct);
      RuntimeException e = assertThrows(RuntimeException.class, () -> SealNative.rescale(c, ct, ct));
      assertTrue(e.getMessage().startsWith("hnn:DepthExhausted:"), e.getMessage());
      assertTrue(SealNative.seal_version().startsWith("SEAL 4."));
    } finally {
      SealNative.delete_ciphertext(ct);
      SealNative.delete_plaintext(p);
      SealNative.delete_decryptor(dec);
      SealNative.delete_encryptor(enc);
      SealNative.delete_public_key(pk);
      SealNative.delete_secret_key(sk);
      SealNative.delete_context(c);
    }
  }
}
