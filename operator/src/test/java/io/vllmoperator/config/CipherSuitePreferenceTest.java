package io.vllmoperator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.http.TlsVersion;
import java.lang.reflect.Proxy;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class CipherSuitePreferenceTest {
  private static final String[] JDK_ORDER = {
    "TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  };

  @Test
  void movesChaCha20ToTheFrontAndKeepsEveryOtherSuiteInOrder() {
    assertThat(CipherSuitePreference.chaCha20First(JDK_ORDER))
        .containsExactly(
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  }

  @Test
  void offersNothingNewWhenTheJvmHasNoChaCha20() {
    String[] fips = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"};
    assertThat(CipherSuitePreference.chaCha20First(fips)).containsExactly(fips);
  }

  @Test
  void theClientFactorySetsTheSuitesAndTheConfiguredTlsVersions() {
    List<SSLParameters> set = new ArrayList<>();
    HttpClient.Builder recording = recordingBuilder(set);

    new OperatorHttpClientFactory(
            new TlsVersion[] {TlsVersion.TLS_1_3, TlsVersion.TLS_1_2}, JDK_ORDER)
        .additionalConfig(recording);

    assertThat(set).hasSize(1);
    assertThat(set.get(0).getCipherSuites()[0]).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    assertThat(set.get(0).getCipherSuites()).hasSize(JDK_ORDER.length);
    assertThat(set.get(0).getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
  }

  @Test
  void theJvmDefaultsIncludeChaCha20SoTheOperatorOffersItFirst() {
    List<SSLParameters> set = new ArrayList<>();
    new OperatorHttpClientFactory(new TlsVersion[] {TlsVersion.TLS_1_3})
        .additionalConfig(recordingBuilder(set));

    assertThat(set.get(0).getCipherSuites()[0]).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
  }

  private static HttpClient.Builder recordingBuilder(List<SSLParameters> set) {
    return (HttpClient.Builder)
        Proxy.newProxyInstance(
            HttpClient.Builder.class.getClassLoader(),
            new Class<?>[] {HttpClient.Builder.class},
            (proxy, method, args) -> {
              if (method.getName().equals("sslParameters")) {
                set.add((SSLParameters) args[0]);
              }
              return proxy;
            });
  }
}
