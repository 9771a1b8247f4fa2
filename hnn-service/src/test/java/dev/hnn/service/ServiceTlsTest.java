package dev.hnn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on loopback, with certificates the JDK's keytool makes for the test (self-signed, 2 days):
 * a client that trusts the server's certificate gets the spec; a plaintext client or, under mutual TLS, a client
 * without a certificate does not get through.
 */
class ServiceTlsTest {
  private static final char[] PASS = "changeit".toCharArray();

  private static Path keystore(Path dir, String name) throws Exception {
    Path ks = dir.resolve(name + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", new String(PASS)))
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed");
    return ks;
  }

  private static KeyStore load(Path p) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p)) {
      ks.load(in, PASS);
    }
    return ks;
  }

  private static KeyManagerFactory keys(Path p) throws Exception {
    KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    f.init(load(p), PASS);
    return f;
  }

  private static TrustManagerFactory trust(Path p) throws Exception {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(load(p));
    return f;
  }

  @Test
  void tlsAndMutualTls(@TempDir Path dir) throws Exception {
    Path server = keystore(dir, "server");
    Path client = keystore(dir, "client");
    var tls = TlsServerCredentials.newBuilder().keyManager(keys(server).getKeyManagers()).build();
    try (HnnServer s = HnnServer.builder().host("127.0.0.1").port(0).keysDir(dir.resolve("keys"))
        .limits(ServiceFixture.testLimits()).head(ServiceFixture.head()).credentials(tls).build().start()) {
      ChannelCredentials trusting = TlsChannelCredentials.newBuilder().trustManager(trust(server).getTrustManagers())
          .build();
      try (HnnClient c = HnnClient.connect("localhost:" + s.port(), trusting)) {
        assertEquals(ServiceFixture.HEAD_SPEC.id(), c.spec().getHead().getSpecId());
      }
      try (HnnClient c = HnnClient.connect("localhost:" + s.port())) {
        assertEquals(Status.Code.UNAVAILABLE, assertThrows(HnnServiceException.class, c::spec).code(),
            "a plaintext client cannot talk to a TLS server");
      }
    }
    var mtls = TlsServerCredentials.newBuilder().keyManager(keys(server).getKeyManagers())
        .trustManager(trust(client).getTrustManagers()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
    try (HnnServer s = HnnServer.builder().host("127.0.0.1").port(0).keysDir(dir.resolve("keys"))
        .limits(ServiceFixture.testLimits()).head(ServiceFixture.head()).credentials(mtls).build().start()) {
      ChannelCredentials withCert = TlsChannelCredentials.newBuilder().trustManager(trust(server).getTrustManagers())
          .keyManager(keys(client).getKeyManagers()).build();
      try (HnnClient c = HnnClient.connect("localhost:" + s.port(), withCert)) {
        assertEquals(ServiceFixture.HEAD_SPEC.id(), c.spec().getHead().getSpecId());
      }
      ChannelCredentials noCert = TlsChannelCredentials.newBuilder().trustManager(trust(server).getTrustManagers())
          .build();
      try (HnnClient c = HnnClient.connect("localhost:" + s.port(), noCert)) {
        assertEquals(Status.Code.UNAVAILABLE, assertThrows(HnnServiceException.class, c::spec).code(),
            "mutual TLS turns away a client without a certificate");
      }
    }
  }
}
