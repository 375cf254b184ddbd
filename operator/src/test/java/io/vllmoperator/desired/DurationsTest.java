package io.vllmoperator.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"30m,1800", "1h30m,5400", "90s,90", "2h,7200", "1h2m3s,3723"})
  void parsesGoDurations(String text, long seconds) {
    assertThat(Durations.seconds(text)).isEqualTo(seconds);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "m", "30x", "1h 30m"})
  void refusesWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> Durations.seconds(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
