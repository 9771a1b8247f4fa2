package dev.hnn.ckks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * 100,000 encrypt / multiply / close cycles (N = 1024, insecure toy parameters for speed) keep the process's
 * resident memory bounded: each cycle allocates about 100 KB of native memory, so a leak would show as
 * gigabytes. A second run leaves the closing to the Cleaner (with explicit GCs) and stays bounded too.
 */
class LeakTest {
  static final int CYCLES = 100_000;
  static final long BOUND = 64L << 20;

  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no VmRSS in /proc/self/status");
  }

  @Test
  void encryptMultiplyCloseStaysBounded() {
    CkksParameters p =
        CkksParameters.builder().polyDegree(1024).coeffModulusBits(50, 40, 50).scaleBits(30).insecureForTesting().build();
    try (CkksContext ctx = CkksContext.generate(p)) {
      Encryptor enc = ctx.encryptor();
      Evaluator ev = ctx.evaluator();
      double[] x = {0.5, -0.25, 0.125};
      Runnable cycle =
          () -> {
            try (Ciphertext a = enc.encrypt(x); Ciphertext m = ev.multiply(a, a)) {
              if (m.size() != 3) throw new AssertionError();
            }
          };
      for (int i = 0; i < 10_000; i++) cycle.run(); // warm-up: JIT, allocator pools, thread pool
      System.gc();
      long before = rssBytes();
      long mid = 0;
      long start = System.nanoTime();
      for (int i = 0; i < CYCLES; i++) {
        cycle.run();
        if (i == CYCLES / 2) mid = rssBytes();
      }
      long after = rssBytes();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "LeakTest: %d cycles in %.1f s; VmRSS before %d MB, halfway %d MB, after %d MB%n",
          CYCLES, seconds, before >> 20, mid >> 20, after >> 20);
      assertTrue(after - before < BOUND, "RSS grew by " + ((after - before) >> 20) + " MB over " + CYCLES + " cycles");
      assertTrue(after - mid < BOUND / 2, "RSS grew by " + ((after - mid) >> 20) + " MB in the second half");

      // unclosed objects: the Cleaner frees them once the GC finds them unreachable
      long base = rssBytes();
      for (int i = 0; i < 20_000; i++) {
        Ciphertext a = enc.encrypt(x);
        ev.multiply(a, a);
        if (i % 2_000 == 0) System.gc();
      }
      System.gc();
      long end = rssBytes();
      System.out.printf("LeakTest: 20000 unclosed cycles: VmRSS %d MB -> %d MB%n", base >> 20, end >> 20);
      assertTrue(end - base < 4 * BOUND, "RSS grew by " + ((end - base) >> 20) + " MB with the Cleaner");
    }
  }
}
