package io.dmexporter.deploy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A Dockerfile split into stages of instructions: enough structure to check its invariants. */
record DockerfileModel(List<Stage> stages) {

  /** One instruction: keyword upper-cased, arguments with continuations joined. */
  record Instruction(String keyword, String args) {
    /** The argument words, without leading {@code --flag=value} options such as --mount. */
    List<String> wordsWithoutFlags() {
      List<String> words = new ArrayList<>(Arrays.asList(args.trim().split("\\s+")));
      while (!words.isEmpty() && words.get(0).startsWith("--")) {
        words.remove(0);
      }
      return words;
    }

    /** The value of an option such as {@code --from=build}, if given. */
    Optional<String> flag(String name) {
      for (String word : args.trim().split("\\s+")) {
        if (word.startsWith("--" + name + "=")) {
          return Optional.of(word.substring(name.length() + 3));
        }
        if (!word.startsWith("--")) {
          break;
        }
      }
      return Optional.empty();
    }
  }

  /** A build stage: its base image, its optional name and its instructions after FROM. */
  record Stage(String image, String name, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }
  }

  static DockerfileModel parse(String text) {
    List<Stage> stages = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String rawLine : text.split("\n", -1)) {
      String line = rawLine.stripTrailing();
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue; // comments inside a continued instruction are dropped too, as Docker does
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      add(stages, pending.toString().trim());
      pending.setLength(0);
    }
    if (pending.length() > 0) {
      add(stages, pending.toString().trim());
    }
    return new DockerfileModel(List.copyOf(stages));
  }

  private static void add(List<Stage> stages, String instruction) {
    String[] parts = instruction.split("\\s+", 2);
    String keyword = parts[0].toUpperCase();
    String args = parts.length > 1 ? parts[1] : "";
    if (keyword.equals("FROM")) {
      String[] words = args.split("\\s+");
      String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : "";
      stages.add(new Stage(words[0], name, new ArrayList<>()));
    } else if (stages.isEmpty()) {
      throw new IllegalArgumentException("instruction before the first FROM: " + instruction);
    } else {
      stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, args));
    }
  }

  Stage stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no build stage named " + name));
  }

  Stage runtime() {
    return stages.get(stages.size() - 1);
  }
}
