package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import dev.hnn.ckks.presets.HnnNative.NCiphertext;
import dev.hnn.ckks.presets.HnnNative.NContext;
import dev.hnn.ckks.presets.HnnNative.NGaloisKeys;
import dev.hnn.ckks.presets.HnnNative.NRelinKeys;
import dev.hnn.ckks.presets.HnnNative.NDecryptor;
import dev.hnn.ckks.presets.HnnNative.NEncryptor;
import dev.hnn.ckks.presets.HnnNative.NEvaluator;
import dev.hnn.ckks.presets.HnnNative.NPlaintext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The Java API's overhead per op, measured so that machine load cancels out: each op of hnn_bench runs in
 * alternating pairs (in random order) through the Java API and through the bare JavaCPP peer calling the same
 * engine function, both on reused output objects (what hnn_bench does in C++; {@code fresh_add} makes a new
 * result object per API call instead); the medians of the two series are
 * compared after a warm-up (first of the JIT on a tiny context, see JitWarmup, then of each op). Same
 * parameters as hnn_bench.
 *
 * <pre>
 * mvn -B -P benchmarks -DskipTests verify -Djmh.main=dev.hnn.ckks.ApiOverheadProbe -Djmh.args="16384 1 3"
 * </pre>
 *
 * Arguments: N, engine threads, seconds per op.
 */
public final class ApiOverheadProbe {
  interface Op {
    void run();
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 16384;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 3;
    NativeEngine.setThreadCount(threads);
    dev.hnn.ckks.bench.JitWarmup.run(20_000);
    int middle = n == 8192 ? 2 : n == 16384 ? 6 : 15;
    int[] bits = new int[middle + 2];
    Arrays.fill(bits, 40);
    bits[0] = 60;
    bits[bits.length - 1] = 60;
    CkksParameters p = CkksParameters.builder().polyDegree(n).coeffModulusBits(bits).scaleBits(40).build();
    try (CkksContext ctx = CkksContext.generate(p, 1)) {
      Encoder enc = ctx.encoder();
      Encryptor encr = ctx.encryptor();
      Decryptor dec = ctx.decryptor();
      Evaluator ev = ctx.evaluator();
      double scale = ctx.scale();
      int top = ctx.maxLevel();
      int slots = ctx.slotCount();
      Random rnd = new Random(1);
      double[] values = new double[slots];
      for (int i = 0; i < slots; i++) values[i] = 2 * rnd.nextDouble() - 1;
      Plaintext pt = enc.encode(values, scale, top);
      Ciphertext ct = encr.encrypt(pt);
      Ciphertext ct2 = encr.encrypt(pt);
      Ciphertext product = ev.multiply(ct, ct2);
      Ciphertext relin = ev.relinearize(product);

      NContext c = (NContext) ctx.ctx.peer();
      NEvaluator e = (NEvaluator) ctx.evaluatorPeer;
      NEncryptor encPeer = (NEncryptor) encrHandle(encr).peer();
      NDecryptor decPeer = (NDecryptor) decHandle(dec).peer();
      NPlaintext ptP = (NPlaintext) pt.handle.peer();
      NCiphertext ctP = (NCiphertext) ct.handle.peer();
      NCiphertext ct2P = (NCiphertext) ct2.handle.peer();
      NCiphertext productP = (NCiphertext) product.handle.peer();
      NCiphertext relinP = (NCiphertext) relin.handle.peer();
      NCiphertext out = HnnNative.new_ciphertext();
      NPlaintext pout = HnnNative.new_plaintext();
      double[] decoded = new double[slots];
      Ciphertext apiOut = encr.encrypt(pt);
      Plaintext apiPout = enc.encode(values, scale, top);
      double[] apiDecoded = new double[slots];

      Map<String, Op[]> ops = new LinkedHashMap<>();
      ops.put("encode", new Op[] {() -> enc.encode(values, scale, top, apiPout), () -> HnnNative.encode(c, values, slots, scale, top, pout)});
      ops.put("decode", new Op[] {() -> enc.decode(pt, apiDecoded), () -> HnnNative.decode(c, ptP, decoded, slots)});
      ops.put("encrypt_public", new Op[] {() -> encr.encrypt(pt, apiOut), () -> encPeer.encrypt(ptP, out)});
      ops.put("encrypt_symmetric", new Op[] {() -> encr.encryptSymmetric(pt, apiOut), () -> encPeer.encrypt_symmetric(ptP, out)});
      ops.put("fresh_add", new Op[] {() -> ev.add(ct, ct2).close(), () -> e.add(ctP, ct2P, out)});
      ops.put("decrypt", new Op[] {() -> dec.decrypt(ct, apiPout), () -> decPeer.decrypt(ctP, pout)});
      ops.put("add", new Op[] {() -> ev.add(ct, ct2, apiOut), () -> e.add(ctP, ct2P, out)});
      ops.put("multiply_plain", new Op[] {() -> ev.multiplyPlain(ct, pt, apiOut), () -> e.multiply_plain(ctP, ptP, out)});
      ops.put("multiply", new Op[] {() -> ev.multiply(ct, ct2, apiOut), () -> e.multiply(ctP, ct2P, out)});
      ops.put("relinearize", new Op[] {() -> ev.relinearize(product, apiOut), () -> HnnNative.relinearize(c, productP, (NRelinKeys) ctx.rk.peer(), out)});
      ops.put("rescale", new Op[] {() -> ev.rescale(relin, apiOut), () -> HnnNative.rescale(c, relinP, out)});
      ops.put("mul_relin_rescale", new Op[] {() -> ev.multiplyRelinRescale(ct, ct2, apiOut), () -> e.multiply_relin_rescale(ctP, ct2P, (NRelinKeys) ctx.rk.peer(), out)});
      ops.put("rotate_1", new Op[] {() -> ev.rotate(ct, 1, apiOut), () -> e.rotate(ctP, 1, (NGaloisKeys) ctx.gk.peer(), out)});

      System.out.println("N=" + n + ", threads=" + threads + ", " + seconds + " s per op, alternating pairs");
      System.out.println("op,pairs,raw_median_us,api_median_us,overhead_percent,overhead_us");
      for (Map.Entry<String, Op[]> op : ops.entrySet()) {
        Op api = op.getValue()[0];
        Op raw = op.getValue()[1];
        // warm-up: half the time budget (the JIT must compile the API's Java code before it is measured)
        long warm = System.nanoTime() + (long) (seconds / 2 * 1e9);
        for (int i = 0; i < 5 || (System.nanoTime() < warm && i < 20_000); i++) {
          api.run();
          raw.run();
        }
        List<Double> a = new ArrayList<>();
        List<Double> r = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (a.size() < 10 || (System.nanoTime() < end && a.size() < 5000)) {
          boolean apiFirst = rnd.nextBoolean();
          for (int k = 0; k < 2; k++) {
            boolean isApi = (k == 0) == apiFirst;
            long t0 = System.nanoTime();
            (isApi ? api : raw).run();
            double us = (System.nanoTime() - t0) / 1e3;
            (isApi ? a : r).add(us);
          }
        }
        double ma = median(a);
        double mr = median(r);
        System.out.printf("%s,%d,%.1f,%.1f,%+.2f,%.2f%n", op.getKey(), a.size(), mr, ma, 100 * (ma / mr - 1), ma - mr);
      }
      HnnNative.delete_ciphertext(out);
      HnnNative.delete_plaintext(pout);
      for (AutoCloseable x : new AutoCloseable[] {apiOut, apiPout, relin, product, ct2, ct, pt}) {
        try {
          x.close();
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      }
    }
  }

  static double median(List<Double> v) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s[s.length / 2];
  }

  static Handle<?> encrHandle(Encryptor e) {
    return e.handle();
  }

  static Handle<?> decHandle(Decryptor d) {
    return d.handle();
  }
}
