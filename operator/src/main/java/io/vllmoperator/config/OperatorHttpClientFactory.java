package io.vllmoperator.config;

import io.fabric8.kubernetes.client.http.TlsVersion;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * fabric8's JDK HTTP client, offering ChaCha20-Poly1305 first ({@link CipherSuitePreference}) with
 * the TLS versions of the client's config, which fabric8 would otherwise set by itself.
 */
public final class OperatorHttpClientFactory extends JdkHttpClientFactory {
  private final String[] protocols;
  private final String[] cipherSuites;

  public OperatorHttpClientFactory(TlsVersion[] tlsVersions) {
    this(tlsVersions, jvmDefaultCipherSuites());
  }

  OperatorHttpClientFactory(TlsVersion[] tlsVersions, String[] enabledCipherSuites) {
    this.protocols =
        tlsVersions == null || tlsVersions.length == 0
            ? null
            : Arrays.stream(tlsVersions).map(TlsVersion::javaName).toArray(String[]::new);
    this.cipherSuites = CipherSuitePreference.chaCha20First(enabledCipherSuites);
  }

  @Override
  protected void additionalConfig(HttpClient.Builder builder) {
    builder.sslParameters(new SSLParameters(cipherSuites, protocols));
  }

  /** What a JDK client enables by default (honours jdk.tls.disabledAlgorithms and its kin). */
  private static String[] jvmDefaultCipherSuites() {
    try {
      return SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }
}
