package io.vllmoperator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** resource.ParseQuantity's values and refusals (apimachinery quantity_test.go and its quirks). */
class KubernetesQuantityTest {
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "0, 0",
    "1, 1",
    "500m, 0.5",
    "1.5Gi, 1610612736",
    "64Gi, 68719476736",
    "1Ki, 1024",
    "2e3, 2000",
    "2E-3, 0.002",
    "1k, 1000",
    "1M, 1000000",
    "1n, 0.000000001",
    "0.0000000001, 0.000000001",
    "-0.0000000001, -0.000000001",
    "1., 1",
    ".5, 0.5",
    "+, 0",
    "-, 0",
    "., 0",
    "007, 7",
    "8Ei, 9223372036854775807",
    "1e30, 1000000000000000000000000000000",
  })
  void parsesAsApimachinery(String text, String value) {
    assertThat(KubernetesQuantity.parse(text))
        .hasValueSatisfying(q -> assertThat(q.value()).isEqualByComparingTo(new BigDecimal(value)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "abc", "1Gb", "1 Gi", "1.0.0", "e", "1e", "1k3", "Gi1", "-.e-20", "1e1.5"})
  void refusesWhatApimachineryRefuses(String text) {
    assertThat(KubernetesQuantity.parse(text)).isEmpty();
  }

  @ParameterizedTest(name = "{0} < {1}")
  @CsvSource({"1500m, 2", "1Gi, 1.1G", "999Mi, 1Gi", "0.5, 501m"})
  void comparesExactly(String smaller, String larger) {
    assertThat(KubernetesQuantity.parse(smaller).orElseThrow())
        .isLessThan(KubernetesQuantity.parse(larger).orElseThrow());
  }
}
