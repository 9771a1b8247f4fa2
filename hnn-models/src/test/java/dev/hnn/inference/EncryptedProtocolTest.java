package dev.hnn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.CorruptDataException;
import dev.hnn.ckks.IncompatibleObjectsException;
import dev.hnn.ckks.MissingKeyException;
import dev.hnn.head.HeadFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client/server boundary with the shipped head on a small INSECURE ring (fast keys): roles, framing,
 * tampering, mismatched keys and services, the key directory. Accuracy at the real parameters is
 * {@link EncryptedAccuracyTest}'s job.
 */
class EncryptedProtocolTest {
  private static HeadCircuit circuit;
  private static ServiceSpec spec;
  private static CkksContext clientKeys;
  private static EncryptedClassifier local;

  @BeforeAll
  static void setUp() throws Exception {
    circuit = HeadCircuit.of(HeadFile.readDefault(), Approximation.DEFAULT);
    spec = ServiceSpec.insecureForTesting(circuit);
    clientKeys = CkksContext.builder(spec.parameters()).rotations(spec.rotationSteps()).build();
    local = EncryptedClassifier.inMemory(circuit, spec, clientKeys);
  }

  @AfterAll
  static void tearDown() {
    local.close();
  }

  /**
   * A synthetic feature vector drawn around the training distribution the head records (per-feature mean and
   * standard deviation), so that its pre-activations fall inside the fitted ranges as real sentences' do.
   */
  static float[] feature(Random rnd) {
    float[] mean = readHead().head().mean();
    float[] std = readHead().head().std();
    float[] f = new float[mean.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) (mean[i] + 0.5 * std[i] * rnd.nextGaussian());
    return f;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  @Test
  void singleAndBatchPathsAgreeWithThePolynomialCircuit() {
    Random rnd = new Random(1);
    List<float[]> xs = new ArrayList<>();
    for (int i = 0; i < 5; i++) xs.add(feature(rnd));
    double[] batch = local.classifyBatch(xs, n -> {});
    for (int i = 0; i < xs.size(); i++) {
      double want = circuit.approximateProbability(toDouble(xs.get(i)));
      assertEquals(want, batch[i], 4e-3, "batch sentence " + i);
      if (i < 2) assertEquals(want, local.classify(xs.get(i)).probability(), 4e-3, "single sentence " + i);
    }
  }

  @Test
  void bothSingleLayoutsGiveTheSameProbability() {
    float[] x = feature(new Random(9));
    double want = circuit.approximateProbability(toDouble(x));
    assertTrue(spec.singleCiphertexts() > 1, "the 32-unit head uses the replicated layout");
    assertEquals(want, local.classify(x).probability(), 4e-3);
    ServiceSpec diagonal = ServiceSpec.insecureForTesting(circuit, ServiceSpec.SingleLayout.DIAGONAL);
    assertEquals(1, diagonal.singleCiphertexts());
    CkksContext keys = CkksContext.builder(diagonal.parameters()).rotations(diagonal.rotationSteps()).build();
    try (EncryptedClassifier d = EncryptedClassifier.inMemory(circuit, diagonal, keys)) {
      assertEquals(want, d.classify(x).probability(), 4e-3);
    }
  }

  @Test
  void serverSideCannotDecryptAndRefusesSecretKeys() {
    try (CkksContext pub = CkksContext.load(clientKeys.serializePublic())) {
      assertFalse(pub.hasSecretKey());
      assertThrows(MissingKeyException.class, pub::decryptor);
      assertThrows(IllegalArgumentException.class, () -> new HeadClient(spec, pub));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new HeadServer(circuit, spec, clientKeys));
    assertTrue(e.getMessage().contains("public context only"), e.getMessage());
  }

  @Test
  void arrayAndStreamEncodingsAreTheSameBytes() throws Exception {
    EncryptedMessage m = local.client().encrypt(feature(new Random(4)));
    java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
    m.writeTo(stream);
    byte[] array = m.toBytes();
    assertArrayEquals(stream.toByteArray(), array);
    assertEquals(m.byteSize(), array.length);
    EncryptedMessage back =
        EncryptedMessage.fromBytes(array, EncryptedMessage.Direction.REQUEST, spec.inputDim(), Long.MAX_VALUE);
    assertEquals(m.specId(), back.specId());
    assertEquals(m.keyId(), back.keyId());
    assertEquals(m.count(), back.count());
    assertEquals(m.ciphertexts().size(), back.ciphertexts().size());
    for (int i = 0; i < m.ciphertexts().size(); i++) assertArrayEquals(m.ciphertexts().get(i), back.ciphertexts().get(i));
  }

  @Test
  void tamperedRequestsAreRejectedWithClearErrors() {
    byte[] request = local.client().encrypt(feature(new Random(2))).toBytes();
    HeadServer server = local.server();
    // a flipped byte inside the ciphertext: the engine's checksum or validation catches it
    byte[] flipped = request.clone();
    flipped[flipped.length - 1000] ^= 0x10;
    assertThrows(CorruptDataException.class, () -> server.handle(flipped));
    // truncation, garbage and a response sent as a request: framing errors
    IllegalArgumentException t =
        assertThrows(IllegalArgumentException.class, () -> server.handle(Arrays.copyOf(request, request.length / 2)));
    assertTrue(t.getMessage().contains("truncated"), t.getMessage());
    assertThrows(IllegalArgumentException.class, () -> server.handle(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
    byte[] response = server.handle(request);
    IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> server.handle(response));
    assertTrue(d.getMessage().contains("expected an encrypted request"), d.getMessage());
    // a tampered response is caught by the client too
    byte[] badResponse = response.clone();
    badResponse[badResponse.length - 500] ^= 0x01;
    assertThrows(CorruptDataException.class, () -> local.client().decrypt(badResponse));
    // the untouched request still works: nothing was lost
    assertEquals(circuit.approximateProbability(toDouble(feature(new Random(2)))), local.client().decrypt(server.handle(request))[0], 4e-3);
  }

  @Test
  void requestsUnderOtherKeysOrForAnotherServiceAreRejected() {
    byte[] request = local.client().encrypt(feature(new Random(3))).toBytes();
    try (CkksContext otherKeys = CkksContext.builder(spec.parameters()).rotations(spec.rotationSteps()).build();
        EncryptedClassifier other = EncryptedClassifier.inMemory(circuit, spec, otherKeys)) {
      IncompatibleObjectsException e =
          assertThrows(IncompatibleObjectsException.class, () -> other.server().handle(request));
      assertTrue(e.getMessage().contains("other keys"), e.getMessage());
      byte[] response = local.server().handle(request);
      assertThrows(IncompatibleObjectsException.class, () -> other.client().decrypt(response));
    }
    HeadCircuit cheaper = HeadCircuit.of(readHead(), Approximation.ofDegrees(7, 15));
    ServiceSpec otherSpec = ServiceSpec.insecureForTesting(cheaper);
    assertTrue(!otherSpec.id().equals(spec.id()));
    EncryptedMessage m =
        EncryptedMessage.fromBytes(request, EncryptedMessage.Direction.REQUEST, spec.inputDim(), Long.MAX_VALUE);
    EncryptedMessage forged = new EncryptedMessage(m.direction(), otherSpec.id(), m.keyId(), m.layout(), m.count(),
        m.ciphertexts());
    IncompatibleObjectsException e =
        assertThrows(IncompatibleObjectsException.class, () -> local.server().evaluate(forged));
    assertTrue(e.getMessage().contains("another service"), e.getMessage());
  }

  @Test
  void badFeaturesAreRefusedByTheClient() {
    float[] wrongSize = new float[10];
    assertThrows(IllegalArgumentException.class, () -> local.client().encrypt(wrongSize));
    float[] nan = feature(new Random(4));
    nan[7] = Float.NaN;
    assertThrows(IllegalArgumentException.class, () -> local.client().encrypt(nan));
    float[] huge = feature(new Random(4));
    huge[0] = 1e6f;
    assertThrows(IllegalArgumentException.class, () -> local.client().encrypt(huge));
    assertThrows(IllegalArgumentException.class, () -> local.client().encryptBatch(List.of()));
  }

  @Test
  void keyDirectoryRoundTripAndSpecBinding(@TempDir Path dir) throws Exception {
    KeyDirectory keys = KeyDirectory.at(dir);
    assertFalse(keys.holdsKeysFor(spec));
    try (CkksContext generated = keys.generate(spec, msg -> {})) {
      assertTrue(keys.holdsKeysFor(spec));
      assertEquals(spec, keys.readSpec());
      assertEquals(Set.of("rw-------"), Set.of(java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve(KeyDirectory.CLIENT)))));
      assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve(KeyDirectory.PUBLIC))));
      try (CkksContext client = keys.loadClient(spec); CkksContext pub = keys.loadPublic(spec)) {
        assertEquals(generated.keyId(), client.keyId());
        assertEquals(generated.keyId(), pub.keyId());
        assertFalse(pub.hasSecretKey());
      }
    }
    ServiceSpec other = ServiceSpec.insecureForTesting(HeadCircuit.of(readHead(), Approximation.ofDegrees(7, 15)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> keys.loadClient(other));
    assertTrue(e.getMessage().contains("another service"), e.getMessage());
    assertEquals(spec, ServiceSpec.fromJson(spec.toJson()));
    assertThrows(IllegalArgumentException.class, () -> ServiceSpec.fromJson("{\"format\":\"hnn-service\"}"));
    assertArrayEquals(spec.rotationSteps(), keys.readSpec().rotationSteps());
  }

  @Test
  void keyDirectoryKeepsKeySetsWithoutAHeadSpecAndRemakesOnesThatDoNotFit(@TempDir Path dir) throws Exception {
    KeyDirectory keys = KeyDirectory.at(dir.resolve("encoder"));
    CkksParameters p = spec.parameters();
    Supplier<CkksContext> make = () -> CkksContext.builder(p).rotations(1, 2).build();
    Consumer<CkksContext> needsStep2 = c -> {
      if (!c.hasRotationKey(2)) throw new IllegalArgumentException("no rotation key for step 2");
    };
    List<String> said = new ArrayList<>();
    String first;
    try (CkksContext made = keys.loadOrGenerate(make, needsStep2, said::add)) {
      first = made.keyId();
      assertTrue(made.hasSecretKey());
    }
    assertEquals(1, said.size(), said.toString());
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("encoder").resolve(KeyDirectory.CLIENT))));
    int[] calls = {0};
    try (CkksContext kept = keys.loadOrGenerate(() -> {
      calls[0]++;
      return make.get();
    }, needsStep2, said::add)) {
      assertEquals(first, kept.keyId(), "the kept key set is loaded, not made again");
      assertEquals(0, calls[0]);
    }
    try (CkksContext pub = CkksContext.load(keys.publicKeyBytes())) {
      assertEquals(first, pub.keyId());
      assertFalse(pub.hasSecretKey());
    }
    Consumer<CkksContext> needsStep3 = c -> {
      if (!c.hasRotationKey(3)) throw new IllegalArgumentException("no rotation key for step 3");
    };
    try (CkksContext remade = keys.loadOrGenerate(() -> CkksContext.builder(p).rotations(3).build(), needsStep3,
        said::add)) {
      assertTrue(remade.hasRotationKey(3));
      assertFalse(first.equals(remade.keyId()));
    }
    assertTrue(said.get(said.size() - 1).contains("do not fit"), said.toString());
    // a damaged file is a reason to make keys again, not a dead end
    Files.write(dir.resolve("encoder").resolve(KeyDirectory.CLIENT), new byte[] {1, 2, 3});
    int before = said.size();
    try (CkksContext remade = keys.loadOrGenerate(make, needsStep2, said::add)) {
      assertTrue(remade.hasRotationKey(2));
    }
    assertTrue(said.size() == before + 1 && said.get(before).contains("do not fit"), said.toString());
  }

  private static HeadFile.Loaded readHead() {
    try {
      return HeadFile.readDefault();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
