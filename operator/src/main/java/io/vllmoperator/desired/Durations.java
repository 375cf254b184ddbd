package io.vllmoperator.desired;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as the CRD accepts them (e.g. 1h30m, 45m, 90s). */
public final class Durations {
  private static final Pattern PART = Pattern.compile("([0-9]+)([hms])");

  private Durations() {}

  public static long seconds(String duration) {
    Matcher matcher = PART.matcher(duration);
    long total = 0;
    int end = 0;
    while (matcher.find()) {
      if (matcher.start() != end) {
        break;
      }
      long amount = Long.parseLong(matcher.group(1));
      total +=
          switch (matcher.group(2)) {
            case "h" -> amount * 3600;
            case "m" -> amount * 60;
            default -> amount;
          };
      end = matcher.end();
    }
    if (end != duration.length() || end == 0) {
      throw new IllegalArgumentException("not a duration: " + duration);
    }
    return total;
  }
}
