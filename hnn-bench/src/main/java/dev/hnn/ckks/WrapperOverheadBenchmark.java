package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import dev.hnn.ckks.presets.HnnNative.NCiphertext;
import dev.hnn.ckks.presets.HnnNative.NEvaluator;
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
 * The fixed cost of the Java layer per call, isolated from the engine's work: the same native addition through
 * the Java API ({@code api_*}: argument checks, locks, a new Ciphertext with its Cleaner, close) and through the
 * bare JavaCPP peer into a reused output ({@code raw_*}, what hnn_bench does in C++), on a tiny ciphertext
 * (N = 1024, one prime) so that the difference dominates. The difference, divided by an op's time at
 * N = 16384, is the Java overhead of that op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WrapperOverheadBenchmark {
  @Param({"1024"})
  public int n;

  CkksContext ctx;
  Evaluator ev;
  Ciphertext a;
  Ciphertext b;
  NCiphertext out;
  NEvaluator evPeer;

  @Setup(Level.Trial)
  public void setUp() {
    NativeEngine.setThreadCount(1);
    CkksParameters p =
        CkksParameters.builder().polyDegree(n).coeffModulusBits(40, 40).scaleBits(20).insecureForTesting().build();
    ctx = CkksContext.generate(p);
    ev = ctx.evaluator();
    a = ctx.encryptor().encrypt(new double[] {1, 2, 3});
    b = ctx.encryptor().encrypt(new double[] {4, 5, 6});
    out = HnnNative.new_ciphertext();
    evPeer = (NEvaluator) ctx.evaluatorPeer;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    HnnNative.delete_ciphertext(out);
    a.close();
    b.close();
    ctx.close();
    NativeEngine.setThreadCount(0);
  }

  @Benchmark
  public Ciphertext api_add() {
    Ciphertext r = ev.add(a, b);
    r.close();
    return r;
  }

  @Benchmark
  public void api_add_in_place() {
    ev.addInPlace(a, b);
  }

  @Benchmark
  public NCiphertext raw_add() {
    evPeer.add((NCiphertext) a.handle.peer(), (NCiphertext) b.handle.peer(), out);
    return out;
  }

  @Benchmark
  public int api_level() {
    return a.level();
  }
}
