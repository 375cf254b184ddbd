package io.vllmoperator.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The TLS cipher suites the operator offers the API server, ChaCha20-Poly1305 first.
 *
 * <p>The operator runs on the C1 compiler only ({@code operator/jvm.options}), and the JVM's
 * AES-GCM is fast only through C2's intrinsics: with C1 it encrypts about 16 MB/s,
 * ChaCha20-Poly1305 about 84 MB/s (docs/benchmarks.md), and at 1,000 VllmDeployments the operator
 * reads tens of MB at every start. A Go server (kube-apiserver) takes the client's order when the
 * client puts ChaCha20 first; every other suite stays offered, in the JVM's order, for servers
 * without ChaCha20 (FIPS).
 */
public final class CipherSuitePreference {
  private CipherSuitePreference() {}

  /** {@code enabled} with the ChaCha20 suites moved to the front, the order otherwise kept. */
  public static String[] chaCha20First(String[] enabled) {
    List<String> first = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String suite : enabled) {
      (suite.contains("_CHACHA20_") ? first : rest).add(suite);
    }
    first.addAll(rest);
    return first.toArray(String[]::new);
  }
}
