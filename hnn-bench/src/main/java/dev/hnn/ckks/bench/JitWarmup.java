package dev.hnn.ckks.bench;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.Plaintext;

/**
 * Runs every benchmarked API call tens of thousands of times on a tiny context (N = 1024), so that the JIT has
 * compiled the API's Java code (shared by all ring sizes) before a benchmark at N = 16384 measures it: there,
 * slow ops are called only a few hundred times, too few to get past the interpreter and C1 on their own.
 */
public final class JitWarmup {
  private JitWarmup() {}

  public static void run(int calls) {
    CkksParameters p =
        CkksParameters.builder().polyDegree(1024).coeffModulusBits(40, 30, 40).scaleBits(20).insecureForTesting().build();
    try (CkksContext ctx = CkksContext.generate(p, 1)) {
      Evaluator ev = ctx.evaluator();
      double[] v = new double[ctx.slotCount()];
      for (int i = 0; i < v.length; i++) v[i] = (i % 7) / 7.0;
      try (Plaintext pt = ctx.encoder().encode(v, ctx.scale(), ctx.maxLevel());
          Ciphertext ct = ctx.encryptor().encrypt(pt);
          Ciphertext ct2 = ctx.encryptor().encrypt(pt);
          Ciphertext product = ev.multiply(ct, ct2);
          Ciphertext relin = ev.relinearize(product)) {
        for (int i = 0; i < calls; i++) {
          ctx.encoder().encode(v, ctx.scale(), ctx.maxLevel()).close();
          ctx.encoder().decode(pt);
          ctx.encryptor().encrypt(pt).close();
          ctx.encryptor().encryptSymmetric(pt).close();
          ctx.decryptor().decrypt(ct).close();
          ev.add(ct, ct2).close();
          ev.multiplyPlain(ct, pt).close();
          ev.multiply(ct, ct2).close();
          ev.relinearize(product).close();
          ev.rescale(relin).close();
          ev.multiplyRelinRescale(ct, ct2).close();
          ev.rotate(ct, 1).close();
        }
      }
    }
  }
}
