package io.dmexporter.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/** Parses DM's lower-case spellings of the simulator's enums, with one clear message otherwise. */
final class DmNames {
  private DmNames() {}

  /** The constant whose {@code name} is {@code text} (case and surrounding blanks ignored). */
  static <E> E parse(E[] values, Function<E, String> name, String text, String what) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values).filter(v -> name.apply(v).equals(t)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown " + what + " '" + text + "'; use "
            + String.join(" or ", Arrays.stream(values).map(name).toList())));
  }
}
