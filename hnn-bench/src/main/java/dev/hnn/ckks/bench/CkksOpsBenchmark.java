package dev.hnn.ckks.bench;

import dev.hnn.ckks.Backend;
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
 * scale 2^40, N/2 values uniform in [-1, 1], fresh top-level operands, engine threads as given. As hnn_bench
 * does, each call writes into one output object that is reused (the {@code (..., out)} forms of the API); the
 * {@code fresh_*} benchmarks show the cost of a new result object per call instead. Compare the p0.50 sample
 * times with hnn_bench's {@code median_us} column.
 *
 * <p>{@code -p backend=HNN,SEAL} runs every op on both backends in one run (issue 19; SEAL needs the SEAL binding,
 * see README "SEAL backend"), with {@code threads=1}: SEAL runs each operation on one thread.
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

  /** The CKKS backend: HNN's engine or Microsoft SEAL. */
  @Param({"HNN"})
  public String backend;

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
  Ciphertext out;
  Plaintext pout;
  double[] decoded;

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
    JitWarmup.run(20_000);
    CkksParameters p = CkksParameters.builder().polyDegree(n).coeffModulusBits(chain(n)).specialPrimes(1).scaleBits(40).build();
    ctx = CkksContext.builder(p).backend(Backend.valueOf(backend)).rotations(1).build();
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
    out = encryptor.encrypt(pt);
    pout = encoder.encode(values, scale, top);
    decoded = new double[n / 2];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {pout, out, relinearized, product, ct2, ct, pt, ctx}) {
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
    encoder.encode(values, scale, top, pout);
    return pout;
  }

  @Benchmark
  public double[] decode() {
    encoder.decode(pt, decoded);
    return decoded;
  }

  @Benchmark
  public Ciphertext encrypt_public() {
    encryptor.encrypt(pt, out);
    return out;
  }

  @Benchmark
  public Ciphertext encrypt_symmetric() {
    encryptor.encryptSymmetric(pt, out);
    return out;
  }

  @Benchmark
  public Plaintext decrypt() {
    decryptor.decrypt(ct, pout);
    return pout;
  }

  @Benchmark
  public Ciphertext add() {
    ev.add(ct, ct2, out);
    return out;
  }

  @Benchmark
  public Ciphertext multiply_plain() {
    ev.multiplyPlain(ct, pt, out);
    return out;
  }

  @Benchmark
  public Ciphertext multiply() {
    ev.multiply(ct, ct2, out);
    return out;
  }

  @Benchmark
  public Ciphertext relinearize() {
    ev.relinearize(product, out);
    return out;
  }

  @Benchmark
  public Ciphertext rescale() {
    ev.rescale(relinearized, out);
    return out;
  }

  @Benchmark
  public Ciphertext mul_relin_rescale() {
    ev.multiplyRelinRescale(ct, ct2, out);
    return out;
  }

  @Benchmark
  public Ciphertext rotate_1() {
    ev.rotate(ct, 1, out);
    return out;
  }

  @Benchmark
  public Ciphertext fresh_add() {
    Ciphertext r = ev.add(ct, ct2);
    r.close();
    return r;
  }

  @Benchmark
  public Ciphertext fresh_multiply() {
    Ciphertext r = ev.multiply(ct, ct2);
    r.close();
    return r;
  }
}
