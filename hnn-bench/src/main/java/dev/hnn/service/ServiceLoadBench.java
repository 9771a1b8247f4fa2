package dev.hnn.service;

import dev.hnn.ckks.CkksContext;
import dev.hnn.head.SentimentModel;
import dev.hnn.inference.Approximation;
import dev.hnn.inference.HeadCircuit;
import dev.hnn.inference.HeadClient;
import dev.hnn.inference.HeadServer;
import dev.hnn.inference.ServiceSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load benchmark of the service (not a test): the encrypted head of {@code minilm-sst2} at 128-bit parameters,
 * served on loopback; N clients (each its own connection) send a fixed number of single-sentence requests as fast as
 * answers come back. Prints throughput, p50/p99 latency, lost requests and the process's resident memory, and the
 * same requests evaluated in process (HeadServer.handle) for the service's overhead.
 *
 * <pre>
 * mvn -B -P benchmarks -DskipTests verify -Djmh.main=dev.hnn.service.ServiceLoadBench -Djmh.args="1,4,16 64"
 * </pre>
 */
public final class ServiceLoadBench {
  private ServiceLoadBench() {}

  public static void main(String[] args) throws Exception {
    int[] clients = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {1, 4, 16};
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    SentimentModel model = SentimentModel.load(SentimentModel.DEFAULT);
    HeadCircuit circuit = HeadCircuit.of(model.head(), Approximation.DEFAULT);
    ServiceSpec spec = ServiceSpec.of(circuit);
    Path dir = Files.createTempDirectory("hnn-load-bench");
    float[] mean = model.head().head().mean();
    float[] std = model.head().head().std();
    Random rnd = new Random(1);
    try (CkksContext keys = CkksContext.builder(spec.parameters()).rotations(spec.rotationSteps()).build()) {
      HeadClient hc = new HeadClient(spec, keys);
      List<byte[]> bodies = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        float[] f = new float[mean.length];
        for (int j = 0; j < f.length; j++) f[j] = (float) (mean[j] + 0.5 * std[j] * rnd.nextGaussian());
        bodies.add(hc.encrypt(f).toBytes());
      }
      System.out.printf(Locale.ROOT, "request %d bytes; %d cores; %d requests per run%n", bodies.get(0).length,
          Runtime.getRuntime().availableProcessors(), requests);
      // In process: the same evaluation without gRPC, one at a time.
      try (CkksContext pub = CkksContext.load(keys.serializePublic());
          HeadServer hs = new HeadServer(circuit, spec, pub)) {
        for (int i = 0; i < 4; i++) hs.handle(bodies.get(i)); // warm-up
        long[] lat = new long[requests];
        long t0 = System.nanoTime();
        for (int i = 0; i < requests; i++) {
          long s = System.nanoTime();
          hs.handle(bodies.get(i % bodies.size()));
          lat[i] = System.nanoTime() - s;
        }
        report("in process, 1 caller", requests, System.nanoTime() - t0, lat, 0);
      }
      ServiceLimits limits = ServiceLimits.defaults().withRate(1e6, 1_000_000).withEvaluations(2, 64);
      try (HnnServer server = HnnServer.builder().host("127.0.0.1").port(0).keysDir(dir).limits(limits)
          .head(new Offerings.Head(SentimentModel.DEFAULT, circuit, spec)).build().start()) {
        String target = "127.0.0.1:" + server.port();
        String keyId;
        try (HnnClient c = HnnClient.connect(target)) {
          keyId = c.ensureRegistered(spec.id(), keys.serializePublic());
          for (int i = 0; i < 4; i++) c.classify(keyId, bodies.get(i)); // warm-up: keys loaded, JIT
        }
        for (int n : clients) run(target, keyId, n, requests, bodies);
      }
    }
  }

  private static void run(String target, String keyId, int n, int requests, List<byte[]> bodies) throws Exception {
    long[] lat = new long[requests];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger lost = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        fs.add(pool.submit(() -> {
          try (HnnClient client = HnnClient.connect(target)) {
            for (int i; (i = next.getAndIncrement()) < requests; ) {
              long s = System.nanoTime();
              try {
                byte[] r = client.classify(keyId, bodies.get(i % bodies.size()));
                if (r.length == 0) lost.incrementAndGet();
              } catch (HnnServiceException e) {
                lost.incrementAndGet();
              }
              lat[i] = System.nanoTime() - s;
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) f.get();
    } finally {
      pool.shutdownNow();
    }
    report(n + " client" + (n > 1 ? "s" : "") + " over gRPC", requests, System.nanoTime() - t0, lat, lost.get());
  }

  private static void report(String what, int requests, long nanos, long[] lat, int lost) throws Exception {
    long[] s = lat.clone();
    Arrays.sort(s);
    double p50 = s[s.length / 2] / 1e6;
    double p99 = s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.99) - 1)] / 1e6;
    System.out.printf(Locale.ROOT, "| %-22s | %6.2f req/s | p50 %7.1f ms | p99 %7.1f ms | lost %d of %d | RSS %5d MB |%n",
        what, requests / (nanos / 1e9), p50, p99, lost, requests, rssMb());
  }

  private static long rssMb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status")))
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
    return -1;
  }
}
