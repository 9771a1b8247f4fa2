package dev.hnn.ckks;

import static dev.hnn.ckks.TestContexts.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.hnn.ckks.sealjni.SealAvailability;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Evaluation from many threads on shared keys and shared ciphertexts gives the same results as alone, on both
 * backends: the Java layer's locks, not the backend, make objects safe to share (SEAL's own objects are not
 * documented as safe for concurrent writes). SEAL runs are skipped, with how to enable them, when its binding
 * is not built.
 */
class ThreadSafetyTest {
  static final int THREADS = 8;

  static CkksContext context(Backend backend) {
    if (backend == Backend.HNN) return TestContexts.small();
    Assumptions.assumeTrue(backend.isAvailable(), SealAvailability.HOW_TO_ENABLE);
    return TestContexts.smallSeal();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void eightThreadsShareKeysAndOperands(Backend backend) throws Exception {
    CkksContext ctx = context(backend);
    int slots = ctx.slotCount();
    double[] w = TestContexts.random(new Random(99), slots, -1, 1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (Ciphertext shared = ctx.encryptor().encrypt(w); CkksContext pub = ctx.publicContext()) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  Random rnd = new Random(seed);
                  Evaluator ev = (seed % 2 == 0 ? ctx : pub).evaluator();
                  int checks = 0;
                  for (int round = 0; round < 6; round++) {
                    double[] x = TestContexts.random(rnd, slots, -1, 1);
                    int k = new int[] {1, 2, 3, 5, -1}[round % 5];
                    try (Ciphertext a = ctx.encryptor().encrypt(x);
                        Ciphertext m = ev.multiplyRelinRescale(a, shared);
                        Ciphertext r = ev.rotate(m, k);
                        Ciphertext s = ev.addScalar(r, seed)) {
                      double[] want = new double[slots];
                      for (int i = 0; i < slots; i++) {
                        int j = Math.floorMod(i + k, slots);
                        want[i] = x[j] * w[j] + seed;
                      }
                      assertClose(want, ctx.decryptor().decryptValues(s), 1e-5);
                      checks++;
                    }
                  }
                  return checks;
                }));
      }
      int total = 0;
      for (Future<Integer> f : results) total += f.get(5, TimeUnit.MINUTES);
      assertEquals(THREADS * 6, total);
      // the shared operand was only read
      assertClose(w, ctx.decryptor().decryptValues(shared), 1e-6);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void concurrentInPlaceUpdatesAreSerialized(Backend backend) throws Exception {
    CkksContext ctx = context(backend);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (Ciphertext counter = ctx.encryptor().encrypt(new double[] {0})) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) ctx.evaluator().addScalarInPlace(counter, 1);
                }));
      }
      for (Future<?> f : fs) f.get(5, TimeUnit.MINUTES);
      assertEquals(THREADS * 25, ctx.decryptor().decryptValues(counter, 1)[0], 1e-4);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void closingWhileOtherThreadsUseAnObjectNeverCrashes(Backend backend) throws Exception {
    CkksContext ctx = context(backend);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      for (int round = 0; round < 5; round++) {
        Ciphertext victim = ctx.encryptor().encrypt(new double[] {1, 2, 3});
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < THREADS - 1; t++) {
          fs.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 20; i++) {
                      try (Ciphertext r = ctx.evaluator().add(victim, victim)) {
                        ok.incrementAndGet();
                      } catch (IllegalStateException e) {
                        closed.incrementAndGet();
                      }
                    }
                  }));
        }
        fs.add(pool.submit(victim::close));
        for (Future<?> f : fs) f.get(5, TimeUnit.MINUTES);
        assertEquals((THREADS - 1) * 20, ok.get() + closed.get());
        assertTrue(victim.isClosed());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
