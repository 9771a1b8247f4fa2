package dev.hnn.ckks.bench;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.Decryptor;
import dev.hnn.ckks.Encoder;
import dev.hnn.ckks.Encryptor;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.NativeEngine;
import dev.hnn.ckks.Plaintext;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ops of the native {@code hnn_bench} (native/bench/hnn_bench.cpp), through the Java API, on the same
 * parameters: N = 8192 / 16384 / 32768 with the SEAL reference chains (60, 40 x k, 60; one special prime),
 * scale 2^40, N/2 values uniform in [-1, 1], fresh top-level operands, engine threads as given. Each benchmark
 * returns (and closes) a new object, as {@code hnn_bench} overwrites its output object. Compare the p0.50
 * sample times with hnn_bench's {@code median_us} column.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CkksOpsBenchmark {
  @Param({"16384"})
  public int n;

  /** Engine threads (1 = single-threaded, as in hnn_bench's threads=1 rows). */
  @Param({"1"})
  public int threads;

  CkksContext ctx;
  Encoder encoder;
  Encryptor encryptor;
  Decryptor decryptor;
  Evaluator ev;
  double[] values;
  double scale;
  int top;
  Plaintext pt;
  Ciphertext ct;
  Ciphertext ct2;
  Ciphertext product;
  Ciphertext relinearized;

  static int[] chain(int n) {
    int middle = n == 8192 ? 2 : n == 16384 ? 6 : n == 32768 ? 15 : -1;
    if (middle < 0) throw new IllegalArgumentException("no reference chain for N=" + n);
    int[] bits = new int[middle + 2];
    java.util.Arrays.fill(bits, 40);
    bits[0] = 60;
    bits[bits.length - 1] = 60;
    return bits;
  }

  @Setup(Level.Trial)
  public void setUp() {
    NativeEngine.setThreadCount(threads);
    CkksParameters p = CkksParameters.builder().polyDegree(n).coeffModulusBits(chain(n)).specialPrimes(1).scaleBits(40).build();
    ctx = CkksContext.generate(p, 1);
    encoder = ctx.encoder();
    encryptor = ctx.encryptor();
    decryptor = ctx.decryptor();
    ev = ctx.evaluator();
    scale = ctx.scale();
    top = ctx.maxLevel();
    Random rnd = new Random(1);
    values = new double[n / 2];
    for (int i = 0; i < values.length; i++) values[i] = 2 * rnd.nextDouble() - 1;
    pt = encoder.encode(values, scale, top);
    ct = encryptor.encrypt(pt);
    ct2 = encryptor.encrypt(pt);
    product = ev.multiply(ct, ct2);
    relinearized = ev.relinearize(product);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {relinearized, product, ct2, ct, pt, ctx}) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    NativeEngine.setThreadCount(0);
  }

  @Benchmark
  public Plaintext encode() {
    Plaintext r = encoder.encode(values, scale, top);
    r.close();
    return r;
  }

  @Benchmark
  public double[] decode() {
    return encoder.decode(pt);
  }

  @Benchmark
  public Ciphertext encrypt_public() {
    Ciphertext r = encryptor.encrypt(pt);
    r.close();
    return r;
  }

  @Benchmark
  public Ciphertext encrypt_symmetric() {
    Ciphertext r = encryptor.encryptSymmetric(pt);
    r.close();
    return r;
  }

  @Benchmark
  public Plaintext decrypt() {
    Plaintext r = decryptor.decrypt(ct);
    r.close();
    return r;
  }

  @Benchmark
  public Ciphertext add() {
    Ciphertext r = ev.add(ct, ct2);
    r.close();
    return r;
  }

  @Benchmark
  public Ciphertext multiply_plain() {
    Ciphertext r = ev.multiplyPlain(ct, pt);
    r.close();
    return r;
  }

  @Benchmark
  public Ciphertext multiply() {
    Ciphertext r = ev.multiply(ct, ct2);
    r.close();
    return r;
  }

  @Benchmark
  public Ciphertext relinearize() {
    Ciphertext r = ev.relinearize(product);
    r.close();
    return r;
  }

  @Benchmark
  public Ciphertext rescale() {
    Ciphertext r = ev.rescale(relinearized);
    r.close();
    return r;
  }

  @Benchmark
  public Ciphertext mul_relin_rescale() {
    Ciphertext r = ev.multiplyRelinRescale(ct, ct2);
    r.close();
    return r;
  }

  @Benchmark
  public Ciphertext rotate_1() {
    Ciphertext r = ev.rotate(ct, 1);
    r.close();
    return r;
  }
}
