package dev.hnn.inference;

import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.NativeEngine;
import dev.hnn.head.HeadFile;

import java.util.ArrayList;
import java.util.List;
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
 * The encrypted sentiment head at its real 128-bit parameters (N = 16384), keys generated beforehand:
 * {@code classifyLatency} is the encrypted part of one {@code hnn classify} (encode + encrypt, serialize,
 * server evaluate incl. deserialization, decrypt), {@code keygen} the key set, {@code batchFull} one full
 * batch request (8192 sentences, throughput = 8192 / time). Features are synthetic draws around the head's
 * recorded training distribution (the encoder is not part of this benchmark).
 *
 * <pre>
 * mvn -B -P benchmarks -DskipTests verify -Djmh.args="EncryptedHeadBenchmark"
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EncryptedHeadBenchmark {
  @Param({"2"})
  public int threads;

  private HeadCircuit circuit;
  private ServiceSpec spec;
  private EncryptedClassifier classifier;
  private float[] feature;
  private List<float[]> batch;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    NativeEngine.setThreadCount(threads);
    HeadFile.Loaded loaded = HeadFile.readDefault();
    circuit = HeadCircuit.of(loaded, Approximation.DEFAULT);
    spec = ServiceSpec.of(circuit);
    CkksContext keys = CkksContext.builder(spec.parameters()).rotations(spec.rotationSteps()).build();
    classifier = EncryptedClassifier.inMemory(circuit, spec, keys);
    float[] mean = loaded.head().mean();
    float[] std = loaded.head().std();
    Random rnd = new Random(42);
    batch = new ArrayList<>();
    for (int s = 0; s < spec.batchCapacity(); s++) {
      float[] f = new float[mean.length];
      for (int i = 0; i < f.length; i++) f[i] = (float) (mean[i] + 0.5 * std[i] * rnd.nextGaussian());
      batch.add(f);
    }
    feature = batch.get(0);
    classifier.classify(feature); // encodes and caches the server's plaintexts once, as a running server has
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    classifier.close();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 5, time = 10)
  public double classifyLatency() {
    return classifier.classify(feature).probability();
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 1)
  @Measurement(iterations = 5)
  public CkksContext keygen() {
    try (CkksContext c = CkksContext.builder(spec.parameters()).rotations(spec.rotationSteps()).build()) {
      return c;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 0)
  @Measurement(iterations = 2)
  public double[] batchFull() {
    return classifier.classifyBatch(batch, n -> {});
  }
}
