package dev.hnn.refresh;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.Depth;
import dev.hnn.ckks.NativeEngine;
import dev.hnn.ckks.Plaintext;
import dev.hnn.ckks.RefreshPrimitives;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Not a test: measures one refresh's parts at N = 16384 (docs/refresh.md). Median of `reps` runs per part.
 *
 * <pre>java -cp target/classes:target/test-classes:$HOME/.m2/repository/org/bytedeco/javacpp/1.5.12/javacpp-1.5.12.jar \
 *     dev.hnn.refresh.RefreshCostProbe [reps] [threads]</pre>
 */
public final class RefreshCostProbe {
  private RefreshCostProbe() {}

  public static void main(String[] args) {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    NativeEngine.setThreadCount(threads);
    System.out.println("threads=" + threads + " reps=" + reps);
    // Preset D6: N = 16384, 60 + 40 x 6, scale 2^40.
    probe("D6 (60+40x6 | 2x60), scale 2^40, |v|<=16", CkksParameters.preset(Depth.D6), 16.0, reps);
    // The encrypted head's set: N = 16384, 32 + 28 x 8 | 5 x 30, scale 2^28.
    CkksParameters head =
        CkksParameters.builder()
            .polyDegree(16384)
            .coeffModulusBits(32, 28, 28, 28, 28, 28, 28, 28, 28, 30, 30, 30, 30, 30)
            .specialPrimes(5)
            .scaleBits(28)
            .build();
    probe("head (32+28x8 | 5x30), scale 2^28, |v|<=16", head, 16.0, reps);
  }

  private static void probe(String name, CkksParameters params, double bound, int reps) {
    try (CkksContext client = CkksContext.builder(params).build();
        CkksContext server = client.publicContext()) {
      int n = 2 * client.slotCount();
      int bits = RefreshBound.maskBits(bound, client.scale(), n);
      int level = RefreshBound.lowestLevel(client, bits);
      System.out.printf(
          "%s: mask %d bits, lowest refresh level %d of %d (log2 Q_l = %.1f)%n",
          name, bits, level, client.maxLevel(), client.log2ModulusAt(level));
      double[] v = RefreshContexts.random(new Random(1), client.slotCount(), bound);
      RefreshResponder responder = new RefreshResponder(client);
      long[] mask = new long[reps], apply = new long[reps], ser = new long[reps], cli = new long[reps],
          unmask = new long[reps], total = new long[reps];
      long up = 0, down = 0;
      double errRefresh = 0, errFresh = 0;
      for (int r = -3; r < reps; r++) { // 3 warm-up rounds
        try (Ciphertext c = RefreshContexts.encryptAt(server, v, level)) {
          long t0 = System.nanoTime();
          Plaintext m = RefreshPrimitives.sampleMask(server, bits);
          long t1 = System.nanoTime();
          Ciphertext masked = c.copy();
          RefreshPrimitives.applyMask(masked, m, bits);
          long t2 = System.nanoTime();
          byte[] sent = masked.serialize();
          masked.close();
          long t3 = System.nanoTime();
          List<byte[]> back = responder.respond(List.of(RefreshWire.header(server.keyId(), server.maxLevel(), 1), sent));
          long t4 = System.nanoTime();
          try (Ciphertext f = Ciphertext.load(server, back.get(0))) {
            RefreshPrimitives.removeMask(f, m);
            long t5 = System.nanoTime();
            RefreshPrimitives.wipe(m);
            m.close();
            if (r >= 0) {
              mask[r] = t1 - t0;
              apply[r] = t2 - t1;
              ser[r] = t3 - t2;
              cli[r] = t4 - t3;
              unmask[r] = t5 - t4;
              total[r] = t5 - t0;
              up = sent.length;
              down = back.get(0).length;
              errRefresh = Math.max(errRefresh, RefreshContexts.maxError(v, client.decryptor().decryptValues(f)));
              try (Ciphertext fresh = RefreshContexts.encryptAt(server, v, server.maxLevel())) {
                errFresh = Math.max(errFresh, RefreshContexts.maxError(v, client.decryptor().decryptValues(fresh)));
              }
            }
          }
        }
      }
      System.out.printf(
          "  server: sample mask %.2f ms, mask (+Enc_pk(0)) %.2f ms, serialize %.2f ms, load+unmask %.2f ms%n",
          med(mask), med(apply), med(ser), med(unmask));
      System.out.printf("  client: load + decrypt + lift + encrypt + serialize %.2f ms%n", med(cli));
      System.out.printf("  one refresh end to end (in process): %.2f ms%n", med(total));
      System.out.printf("  bytes: server -> client %,d, client -> server %,d%n", up, down);
      System.out.printf("  max slot error: refreshed %.3g, fresh public-key encryption %.3g%n", errRefresh, errFresh);
      List<Ciphertext> batch = new ArrayList<>();
      for (int i = 0; i < 8; i++) batch.add(RefreshContexts.encryptAt(server, v, level));
      ClientAidedRefresher refresher = new ClientAidedRefresher(server, new InProcessRefreshChannel(responder));
      long t0 = System.nanoTime();
      List<Ciphertext> out = refresher.refresh(batch, bound);
      long t1 = System.nanoTime();
      System.out.printf("  batch of 8 through ClientAidedRefresher: %.1f ms, %s%n", (t1 - t0) / 1e6, refresher.stats());
      for (Ciphertext c : batch) c.close();
      for (Ciphertext c : out) c.close();
    }
  }

  private static double med(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return s[s.length / 2] / 1e6;
  }
}
